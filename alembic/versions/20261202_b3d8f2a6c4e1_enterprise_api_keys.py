"""Business API keys of companies: a public key id, the SHA-256 of the secret, scopes, the rate limiter's state.

Revision ID: b3d8f2a6c4e1
Revises: b3f8d1a6c5e2
Create Date: 2026-12-02 15:45:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'b3d8f2a6c4e1'
down_revision: Union[str, Sequence[str], None] = 'b3f8d1a6c5e2'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'enterprise_api_keys',
        sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column('enterprise_account_id', sa.BigInteger(), nullable=False),
        sa.Column('key_id', sa.String(length=16), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('scopes', postgresql.ARRAY(sa.String(length=16)), nullable=False),
        sa.Column('created_by_id', sa.BigInteger(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('rate_tat', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("cardinality(scopes) > 0 AND scopes <@ ARRAY['read', 'order', 'distribute']::varchar[]",
                           name=op.f('ck_enterprise_api_keys_scopes_valid')),
        sa.ForeignKeyConstraint(['enterprise_account_id'], ['enterprise_accounts.id'], ondelete='CASCADE',
                                name=op.f('fk_enterprise_api_keys_enterprise_account_id_enterprise_accounts')),
        sa.ForeignKeyConstraint(['created_by_id'], ['enterprise_users.id'], ondelete='SET NULL',
                                name=op.f('fk_enterprise_api_keys_created_by_id_enterprise_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_api_keys')),
        sa.UniqueConstraint('key_id', name=op.f('uq_enterprise_api_keys_key_id')),
    )
    op.create_index(op.f('ix_enterprise_api_keys_enterprise_account_id'), 'enterprise_api_keys',
                    ['enterprise_account_id'])
    op.create_index(op.f('ix_enterprise_api_keys_created_by_id'), 'enterprise_api_keys', ['created_by_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_enterprise_api_keys_created_by_id'), table_name='enterprise_api_keys')
    op.drop_index(op.f('ix_enterprise_api_keys_enterprise_account_id'), table_name='enterprise_api_keys')
    op.drop_table('enterprise_api_keys')
