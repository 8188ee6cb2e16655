"""Enterprise companies get several users with roles, emailed password links, and their audit rows.

Each existing `enterprise_accounts` row (one login per company) becomes a company with one user:
its contact, role admin, with the account's password hash; its sessions follow that user. The
company keeps name, status and credit limit; its `password_hash` moves to the user. Downgrade
keeps one admin per company (the contact if present) and drops the other users.

Revision ID: e7b2c5d8a1f4
Revises: a7d3e5f1b9c2
Create Date: 2026-12-02 13:50:00

"""
from typing import Sequence, Union

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'e7b2c5d8a1f4'
down_revision: Union[str, Sequence[str], None] = 'a7d3e5f1b9c2'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _users_and_tokens() -> None:
    op.create_table(
        'enterprise_users',
        sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column('enterprise_account_id', sa.BigInteger(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('password_hash', sa.String(length=128), nullable=True),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint("role IN ('admin', 'operations', 'finance', 'viewer')",
                           name=op.f('ck_enterprise_users_role_valid')),
        sa.ForeignKeyConstraint(['enterprise_account_id'], ['enterprise_accounts.id'], ondelete='CASCADE',
                                name=op.f('fk_enterprise_users_enterprise_account_id_enterprise_accounts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_users')),
        sa.UniqueConstraint('email', name=op.f('uq_enterprise_users_email')),
    )
    op.create_index(op.f('ix_enterprise_users_enterprise_account_id'), 'enterprise_users',
                    ['enterprise_account_id'])
    op.create_table(
        'enterprise_tokens',
        sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('enterprise_user_id', sa.BigInteger(), nullable=False),
        sa.Column('purpose', sa.String(length=16), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint("purpose IN ('invite', 'reset')", name=op.f('ck_enterprise_tokens_purpose_valid')),
        sa.ForeignKeyConstraint(['enterprise_user_id'], ['enterprise_users.id'], ondelete='CASCADE',
                                name=op.f('fk_enterprise_tokens_enterprise_user_id_enterprise_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_tokens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_enterprise_tokens_token_hash')),
    )
    op.create_index(op.f('ix_enterprise_tokens_enterprise_user_id'), 'enterprise_tokens', ['enterprise_user_id'])


def upgrade() -> None:
    _users_and_tokens()
    op.execute("INSERT INTO enterprise_users (enterprise_account_id, email, name, role, password_hash, is_active)"
               " SELECT id, contact_email, contact_name, 'admin', password_hash, true FROM enterprise_accounts")
    op.drop_column('enterprise_accounts', 'password_hash')
    op.add_column('auth_sessions', sa.Column('enterprise_user_id', sa.BigInteger(), nullable=True))
    op.create_foreign_key(op.f('fk_auth_sessions_enterprise_user_id_enterprise_users'), 'auth_sessions',
                          'enterprise_users', ['enterprise_user_id'], ['id'], ondelete='CASCADE')
    op.create_index(op.f('ix_auth_sessions_enterprise_user_id'), 'auth_sessions', ['enterprise_user_id'])
    op.execute("UPDATE auth_sessions a SET enterprise_user_id = u.id FROM enterprise_users u"
               " WHERE u.enterprise_account_id = a.enterprise_account_id")
    op.drop_constraint(op.f('ck_auth_sessions_one_principal'), 'auth_sessions', type_='check')
    op.drop_index(op.f('ix_auth_sessions_enterprise_account_id'), table_name='auth_sessions')
    op.drop_column('auth_sessions', 'enterprise_account_id')
    op.create_check_constraint(
        op.f('ck_auth_sessions_one_principal'), 'auth_sessions',
        "(user_id IS NOT NULL)::int + (admin_id IS NOT NULL)::int + (enterprise_user_id IS NOT NULL)::int = 1")
    op.add_column('audit_log', sa.Column('enterprise_account_id', sa.BigInteger(), nullable=True))
    op.create_foreign_key(op.f('fk_audit_log_enterprise_account_id_enterprise_accounts'), 'audit_log',
                          'enterprise_accounts', ['enterprise_account_id'], ['id'], ondelete='CASCADE')
    op.create_index(op.f('ix_audit_log_enterprise_account_id'), 'audit_log', ['enterprise_account_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_audit_log_enterprise_account_id'), table_name='audit_log')
    op.drop_constraint(op.f('fk_audit_log_enterprise_account_id_enterprise_accounts'), 'audit_log',
                       type_='foreignkey')
    op.drop_column('audit_log', 'enterprise_account_id')
    op.add_column('auth_sessions', sa.Column('enterprise_account_id', sa.BigInteger(), nullable=True))
    op.create_foreign_key(op.f('fk_auth_sessions_enterprise_account_id_enterprise_accounts'), 'auth_sessions',
                          'enterprise_accounts', ['enterprise_account_id'], ['id'], ondelete='CASCADE')
    op.create_index(op.f('ix_auth_sessions_enterprise_account_id'), 'auth_sessions', ['enterprise_account_id'])
    op.execute("UPDATE auth_sessions a SET enterprise_account_id = u.enterprise_account_id"
               " FROM enterprise_users u WHERE u.id = a.enterprise_user_id")
    op.drop_constraint(op.f('ck_auth_sessions_one_principal'), 'auth_sessions', type_='check')
    op.drop_index(op.f('ix_auth_sessions_enterprise_user_id'), table_name='auth_sessions')
    op.drop_constraint(op.f('fk_auth_sessions_enterprise_user_id_enterprise_users'), 'auth_sessions',
                       type_='foreignkey')
    op.drop_column('auth_sessions', 'enterprise_user_id')
    op.create_check_constraint(
        op.f('ck_auth_sessions_one_principal'), 'auth_sessions',
        "(user_id IS NOT NULL)::int + (admin_id IS NOT NULL)::int + (enterprise_account_id IS NOT NULL)::int = 1")
    op.add_column('enterprise_accounts', sa.Column('password_hash', sa.String(length=128), nullable=True))
    op.execute("UPDATE enterprise_accounts c SET password_hash = COALESCE((SELECT u.password_hash FROM"
               " enterprise_users u WHERE u.enterprise_account_id = c.id AND u.password_hash IS NOT NULL"
               " ORDER BY (u.email = c.contact_email) DESC, u.id LIMIT 1), '!')")
    op.alter_column('enterprise_accounts', 'password_hash', nullable=False)
    op.drop_index(op.f('ix_enterprise_tokens_enterprise_user_id'), table_name='enterprise_tokens')
    op.drop_table('enterprise_tokens')
    op.drop_index(op.f('ix_enterprise_users_enterprise_account_id'), table_name='enterprise_users')
    op.drop_table('enterprise_users')
