"""Company eSIMs handed to employees: `esim_allocations`, one live recipient per eSIM (unique partial index).

Revision ID: c4d9e1a7b3f6
Revises: e7b2c5d8a1f4
Create Date: 2026-12-02 15:45:00

"""
from typing import Sequence, Union

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'c4d9e1a7b3f6'
down_revision: Union[str, Sequence[str], None] = 'e7b2c5d8a1f4'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'esim_allocations',
        sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column('esim_id', sa.BigInteger(), nullable=False),
        sa.Column('enterprise_account_id', sa.BigInteger(), nullable=False),
        sa.Column('recipient_name', sa.String(length=200), nullable=False),
        sa.Column('recipient_email', sa.String(length=254), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_by', sa.BigInteger(), nullable=True),
        sa.Column('created_by', sa.BigInteger(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['esim_id'], ['esims.id'], ondelete='CASCADE',
                                name=op.f('fk_esim_allocations_esim_id_esims')),
        sa.ForeignKeyConstraint(['enterprise_account_id'], ['enterprise_accounts.id'], ondelete='CASCADE',
                                name=op.f('fk_esim_allocations_enterprise_account_id_enterprise_accounts')),
        sa.ForeignKeyConstraint(['revoked_by'], ['enterprise_users.id'], ondelete='SET NULL',
                                name=op.f('fk_esim_allocations_revoked_by_enterprise_users')),
        sa.ForeignKeyConstraint(['created_by'], ['enterprise_users.id'], ondelete='SET NULL',
                                name=op.f('fk_esim_allocations_created_by_enterprise_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_esim_allocations')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_esim_allocations_token_hash')),
    )
    op.create_index('uq_esim_allocations_live_esim', 'esim_allocations', ['esim_id'], unique=True,
                    postgresql_where=sa.text('revoked_at IS NULL'))
    op.create_index('ix_esim_allocations_esim_id', 'esim_allocations', ['esim_id'])
    op.create_index('ix_esim_allocations_company_created', 'esim_allocations',
                    ['enterprise_account_id', 'created_at'])


def downgrade() -> None:
    op.drop_index('ix_esim_allocations_company_created', table_name='esim_allocations')
    op.drop_index('ix_esim_allocations_esim_id', table_name='esim_allocations')
    op.drop_index('uq_esim_allocations_live_esim', table_name='esim_allocations')
    op.drop_table('esim_allocations')
