"""Core tables: users, codes, sessions, admins, enterprise accounts, packages, orders, eSIMs,
settings, audit log, email outbox and job runs.

Revision ID: 900b62e55d37
Revises: 
Create Date: 2026-11-26 14:18:37.621100

"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (AutoString in generated columns)
from sqlalchemy.dialects import postgresql

from alembic import op

# revision identifiers, used by Alembic.
revision: str = '900b62e55d37'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DISPLAY_ID_SEQUENCES = ("users_display_id_seq", "orders_display_id_seq", "esims_display_id_seq")

# Readable ids (UID001, OID1234): a prefix and a sequence number padded to at least three digits.
# Sequences never hand out a number twice, so concurrent inserts cannot collide.
NEXT_DISPLAY_ID = """
CREATE FUNCTION next_display_id(prefix text, seq regclass) RETURNS text
LANGUAGE sql VOLATILE AS $$
    SELECT prefix || lpad(n::text, greatest(3, length(n::text)), '0')
    FROM (SELECT nextval(seq) AS n) AS next
$$
"""


def upgrade() -> None:
    """Upgrade schema."""
    for sequence in DISPLAY_ID_SEQUENCES:
        op.execute(f"CREATE SEQUENCE {sequence}")
    op.execute(NEXT_DISPLAY_ID)
    op.create_table('admins',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admins')),
    sa.UniqueConstraint('email', name=op.f('uq_admins_email'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('actor_type', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('entity_type', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('entity_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('details', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
    sa.Column('ip', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index('ix_audit_log_entity', 'audit_log', ['entity_type', 'entity_id'], unique=False)
    op.create_table('email_outbox',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('to_address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('text_body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('html_body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('template', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name=op.f('ck_email_outbox_status_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_outbox'))
    )
    op.create_index('ix_email_outbox_due', 'email_outbox', ['status', 'next_attempt_at'], unique=False)
    op.create_table('enterprise_accounts',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('company_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('contact_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('credit_limit_cents', sa.BigInteger(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('active', 'suspended')", name=op.f('ck_enterprise_accounts_status_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_accounts')),
    sa.UniqueConstraint('contact_email', name=op.f('uq_enterprise_accounts_contact_email'))
    )
    op.create_table('job_runs',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('job', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('processed', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('host', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs'))
    )
    op.create_index('ix_job_runs_job_started', 'job_runs', ['job', 'started_at'], unique=False)
    op.create_table('login_codes',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consumed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ip', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_codes'))
    )
    op.create_index('ix_login_codes_email_created', 'login_codes', ['email', 'created_at'], unique=False)
    op.create_table('packages',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('provider_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('provider_package_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('destination_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('destination_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('coverage', postgresql.ARRAY(sa.String(length=2)), server_default='{}', nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('operator', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('data_mb', sa.Integer(), nullable=True),
    sa.Column('unlimited', sa.Boolean(), nullable=False),
    sa.Column('validity_days', sa.Integer(), nullable=False),
    sa.Column('is_topup', sa.Boolean(), nullable=False),
    sa.Column('cost_micros', sa.BigInteger(), nullable=False),
    sa.Column('cost_currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('price_cents', sa.BigInteger(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('group_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('is_best_price', sa.Boolean(), nullable=False),
    sa.Column('is_enabled', sa.Boolean(), nullable=False),
    sa.Column('auto_mode', sa.Boolean(), nullable=False),
    sa.Column('vanished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('raw', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
    sa.Column('last_synced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("kind IN ('local', 'regional', 'global')", name=op.f('ck_packages_kind_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_packages')),
    sa.UniqueConstraint('provider_id', 'provider_package_id', name=op.f('uq_packages_provider_id_provider_package_id')),
    sa.UniqueConstraint('slug', name=op.f('uq_packages_slug'))
    )
    op.create_index('ix_packages_destination_code', 'packages', ['destination_code'], unique=False)
    op.create_index('ix_packages_group_key', 'packages', ['group_key'], unique=False)
    op.create_index('ix_packages_is_best_price', 'packages', ['is_best_price'], unique=False)
    op.create_index('ix_packages_provider_id', 'packages', ['provider_id'], unique=False)
    op.create_table('users',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('display_id', sa.String(length=16), server_default=sa.text("next_display_id('UID', 'users_display_id_seq')"), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('first_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('last_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('is_verified', sa.Boolean(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('display_id', name=op.f('uq_users_display_id')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('auth_sessions',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=True),
    sa.Column('admin_id', sa.BigInteger(), nullable=True),
    sa.Column('enterprise_account_id', sa.BigInteger(), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ip', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("role IN ('customer', 'enterprise', 'admin')", name=op.f('ck_auth_sessions_role_valid')),
    sa.CheckConstraint('(user_id IS NOT NULL)::int + (admin_id IS NOT NULL)::int + (enterprise_account_id IS NOT NULL)::int = 1', name=op.f('ck_auth_sessions_one_principal')),
    sa.ForeignKeyConstraint(['admin_id'], ['admins.id'], name=op.f('fk_auth_sessions_admin_id_admins'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enterprise_account_id'], ['enterprise_accounts.id'], name=op.f('fk_auth_sessions_enterprise_account_id_enterprise_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_auth_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_auth_sessions_token_hash'))
    )
    op.create_index(op.f('ix_auth_sessions_admin_id'), 'auth_sessions', ['admin_id'], unique=False)
    op.create_index(op.f('ix_auth_sessions_enterprise_account_id'), 'auth_sessions', ['enterprise_account_id'], unique=False)
    op.create_index(op.f('ix_auth_sessions_user_id'), 'auth_sessions', ['user_id'], unique=False)
    op.create_table('orders',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('display_id', sa.String(length=16), server_default=sa.text("next_display_id('OID', 'orders_display_id_seq')"), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=True),
    sa.Column('enterprise_account_id', sa.BigInteger(), nullable=True),
    sa.Column('package_id', sa.BigInteger(), nullable=False),
    sa.Column('topup_of_esim_id', sa.BigInteger(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('provider_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('provider_order_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('client_reference', sa.String(length=64), nullable=False),
    sa.Column('cost_micros', sa.BigInteger(), nullable=False),
    sa.Column('price_cents', sa.BigInteger(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('retry_count', sa.Integer(), nullable=False),
    sa.Column('last_retry_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_retry_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_status_check', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failure_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('stripe_payment_intent_id', sa.String(length=255), nullable=True),
    sa.Column('payment_status', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("kind IN ('esim', 'topup')", name=op.f('ck_orders_kind_valid')),
    sa.CheckConstraint("status IN ('pending', 'paid', 'provisioning', 'completed', 'failed', 'refunded', 'cancelled')", name=op.f('ck_orders_status_valid')),
    sa.ForeignKeyConstraint(['enterprise_account_id'], ['enterprise_accounts.id'], name=op.f('fk_orders_enterprise_account_id_enterprise_accounts'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['package_id'], ['packages.id'], name=op.f('fk_orders_package_id_packages'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_orders_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('client_reference', name=op.f('uq_orders_client_reference')),
    sa.UniqueConstraint('display_id', name=op.f('uq_orders_display_id')),
    sa.UniqueConstraint('stripe_payment_intent_id', name=op.f('uq_orders_stripe_payment_intent_id'))
    )
    op.create_index(op.f('ix_orders_enterprise_account_id'), 'orders', ['enterprise_account_id'], unique=False)
    op.create_index(op.f('ix_orders_package_id'), 'orders', ['package_id'], unique=False)
    op.create_index('ix_orders_status', 'orders', ['status'], unique=False)
    op.create_index('ix_orders_status_check', 'orders', ['status', 'last_status_check'], unique=False)
    op.create_index('ix_orders_user_id', 'orders', ['user_id'], unique=False)
    op.create_table('settings',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('value_type', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('updated_by_admin_id', sa.BigInteger(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("value_type IN ('str', 'int', 'bool', 'decimal', 'json')", name=op.f('ck_settings_value_type_valid')),
    sa.ForeignKeyConstraint(['updated_by_admin_id'], ['admins.id'], name=op.f('fk_settings_updated_by_admin_id_admins'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('esims',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('display_id', sa.String(length=16), server_default=sa.text("next_display_id('ESM', 'esims_display_id_seq')"), nullable=False),
    sa.Column('order_id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=True),
    sa.Column('enterprise_account_id', sa.BigInteger(), nullable=True),
    sa.Column('provider_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('iccid', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('provider_esim_ref', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('lpa', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('smdp_address', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('matching_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('used_mb', sa.Integer(), nullable=False),
    sa.Column('total_mb', sa.Integer(), nullable=True),
    sa.Column('unlimited', sa.Boolean(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('usage_updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('raw', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('not_installed', 'active', 'used_up', 'expired', 'cancelled')", name=op.f('ck_esims_status_valid')),
    sa.ForeignKeyConstraint(['enterprise_account_id'], ['enterprise_accounts.id'], name=op.f('fk_esims_enterprise_account_id_enterprise_accounts'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_esims_order_id_orders'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_esims_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_esims')),
    sa.UniqueConstraint('display_id', name=op.f('uq_esims_display_id')),
    sa.UniqueConstraint('provider_id', 'iccid', name=op.f('uq_esims_provider_id_iccid'))
    )
    op.create_index(op.f('ix_esims_enterprise_account_id'), 'esims', ['enterprise_account_id'], unique=False)
    op.create_index(op.f('ix_esims_order_id'), 'esims', ['order_id'], unique=False)
    op.create_index('ix_esims_status_usage', 'esims', ['status', 'usage_updated_at'], unique=False)
    op.create_index(op.f('ix_esims_user_id'), 'esims', ['user_id'], unique=False)
    # orders and esims point at each other: this key can only exist once both tables do.
    op.create_foreign_key(
        op.f('fk_orders_topup_of_esim_id_esims'), 'orders', 'esims', ['topup_of_esim_id'], ['id'], ondelete='RESTRICT'
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_constraint(op.f('fk_orders_topup_of_esim_id_esims'), 'orders', type_='foreignkey')
    op.drop_index(op.f('ix_esims_user_id'), table_name='esims')
    op.drop_index('ix_esims_status_usage', table_name='esims')
    op.drop_index(op.f('ix_esims_order_id'), table_name='esims')
    op.drop_index(op.f('ix_esims_enterprise_account_id'), table_name='esims')
    op.drop_table('esims')
    op.drop_table('settings')
    op.drop_index('ix_orders_user_id', table_name='orders')
    op.drop_index('ix_orders_status_check', table_name='orders')
    op.drop_index('ix_orders_status', table_name='orders')
    op.drop_index(op.f('ix_orders_package_id'), table_name='orders')
    op.drop_index(op.f('ix_orders_enterprise_account_id'), table_name='orders')
    op.drop_table('orders')
    op.drop_index(op.f('ix_auth_sessions_user_id'), table_name='auth_sessions')
    op.drop_index(op.f('ix_auth_sessions_enterprise_account_id'), table_name='auth_sessions')
    op.drop_index(op.f('ix_auth_sessions_admin_id'), table_name='auth_sessions')
    op.drop_table('auth_sessions')
    op.drop_table('users')
    op.drop_index('ix_packages_provider_id', table_name='packages')
    op.drop_index('ix_packages_is_best_price', table_name='packages')
    op.drop_index('ix_packages_group_key', table_name='packages')
    op.drop_index('ix_packages_destination_code', table_name='packages')
    op.drop_table('packages')
    op.drop_index('ix_login_codes_email_created', table_name='login_codes')
    op.drop_table('login_codes')
    op.drop_index('ix_job_runs_job_started', table_name='job_runs')
    op.drop_table('job_runs')
    op.drop_table('enterprise_accounts')
    op.drop_index('ix_email_outbox_due', table_name='email_outbox')
    op.drop_table('email_outbox')
    op.drop_index('ix_audit_log_entity', table_name='audit_log')
    op.drop_table('audit_log')
    op.drop_table('admins')
    op.execute("DROP FUNCTION next_display_id(text, regclass)")
    for sequence in DISPLAY_ID_SEQUENCES:
        op.execute(f"DROP SEQUENCE {sequence}")
