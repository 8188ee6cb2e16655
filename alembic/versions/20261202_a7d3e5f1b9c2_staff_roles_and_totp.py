"""Staff accounts: a staff role per admin, TOTP second factor (secret encrypted at rest), recovery codes.

Existing admins become owners (until now every admin could do everything) and enrol TOTP at
their next sign-in. Recovery codes keep only their SHA-256.

Revision ID: a7d3e5f1b9c2
Revises: c4e9a1f0d2b7
Create Date: 2026-12-02 14:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'a7d3e5f1b9c2'
down_revision: Union[str, Sequence[str], None] = 'c4e9a1f0d2b7'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('admins', sa.Column('staff_role', sa.String(length=16), nullable=False, server_default='owner'))
    op.create_check_constraint(
        op.f('ck_admins_staff_role_valid'), 'admins', "staff_role IN ('owner', 'operations', 'support', 'finance')")
    op.add_column('admins', sa.Column('totp_secret', sa.Text(), nullable=True))
    op.add_column('admins', sa.Column('totp_confirmed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('admins', sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
    op.create_table(
        'admin_recovery_codes',
        sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column('admin_id', sa.BigInteger(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['admin_id'], ['admins.id'], name=op.f('fk_admin_recovery_codes_admin_id_admins'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_recovery_codes')),
        sa.UniqueConstraint('admin_id', 'code_hash', name=op.f('uq_admin_recovery_codes_admin_id_code_hash')),
    )
    op.create_index(op.f('ix_admin_recovery_codes_admin_id'), 'admin_recovery_codes', ['admin_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_admin_recovery_codes_admin_id'), table_name='admin_recovery_codes')
    op.drop_table('admin_recovery_codes')
    op.drop_column('admins', 'totp_last_step')
    op.drop_column('admins', 'totp_confirmed_at')
    op.drop_column('admins', 'totp_secret')
    op.drop_constraint(op.f('ck_admins_staff_role_valid'), 'admins', type_='check')
    op.drop_column('admins', 'staff_role')
