"""Bulk orders of companies, their lines, volume tiers and the credit ledger; companies get a reference.

`orders.bulk_order_id` ties each eSIM's order to its bulk order. `bulk_orders.quote_id` is a plain
unique column for now (its foreign key comes with the quotes table). Companies get a random
`display_id` (`COM...`), the admin pages' `company_ref`, and `credit_alert_at` (the 80 % alert).

Revision ID: b3f8d2a6c1e9
Revises: e7b2c5d8a1f4
Create Date: 2026-12-02 15:50:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'b3f8d2a6c1e9'
down_revision: Union[str, Sequence[str], None] = 'e7b2c5d8a1f4'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('volume_tiers',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('enterprise_account_id', sa.BigInteger(), nullable=False),
    sa.Column('min_quantity', sa.Integer(), nullable=False),
    sa.Column('discount_bp', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('discount_bp BETWEEN 1 AND 9000', name=op.f('ck_volume_tiers_discount_in_range')),
    sa.CheckConstraint('min_quantity > 0', name=op.f('ck_volume_tiers_min_quantity_positive')),
    sa.ForeignKeyConstraint(['enterprise_account_id'], ['enterprise_accounts.id'], name=op.f('fk_volume_tiers_enterprise_account_id_enterprise_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volume_tiers')),
    sa.UniqueConstraint('enterprise_account_id', 'min_quantity', name=op.f('uq_volume_tiers_enterprise_account_id_min_quantity'))
    )
    op.create_table('bulk_orders',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('display_id', sa.String(length=16), server_default=sa.text("random_display_id('BLK', 'bulk_orders')"), nullable=False),
    sa.Column('enterprise_account_id', sa.BigInteger(), nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=True),
    sa.Column('quote_id', sa.BigInteger(), nullable=True),
    sa.Column('total_cents', sa.BigInteger(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('payment_method', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('stripe_payment_intent_id', sa.String(length=255), nullable=True),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("payment_method IN ('account', 'card')", name=op.f('ck_bulk_orders_payment_method_valid')),
    sa.CheckConstraint("status IN ('pending', 'provisioning', 'completed', 'failed', 'cancelled')", name=op.f('ck_bulk_orders_status_valid')),
    sa.CheckConstraint('total_cents >= 0', name=op.f('ck_bulk_orders_total_not_negative')),
    sa.ForeignKeyConstraint(['created_by'], ['enterprise_users.id'], name=op.f('fk_bulk_orders_created_by_enterprise_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enterprise_account_id'], ['enterprise_accounts.id'], name=op.f('fk_bulk_orders_enterprise_account_id_enterprise_accounts'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_orders')),
    sa.UniqueConstraint('display_id', name=op.f('uq_bulk_orders_display_id')),
    sa.UniqueConstraint('enterprise_account_id', 'idempotency_key', name=op.f('uq_bulk_orders_enterprise_account_id_idempotency_key')),
    sa.UniqueConstraint('quote_id', name=op.f('uq_bulk_orders_quote_id')),
    sa.UniqueConstraint('stripe_payment_intent_id', name=op.f('uq_bulk_orders_stripe_payment_intent_id'))
    )
    op.create_index(op.f('ix_bulk_orders_enterprise_account_id'), 'bulk_orders', ['enterprise_account_id'], unique=False)
    op.create_table('bulk_order_lines',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('bulk_order_id', sa.BigInteger(), nullable=False),
    sa.Column('package_id', sa.BigInteger(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_cents', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_bulk_order_lines_quantity_positive')),
    sa.CheckConstraint('unit_price_cents >= 0', name=op.f('ck_bulk_order_lines_unit_price_not_negative')),
    sa.ForeignKeyConstraint(['bulk_order_id'], ['bulk_orders.id'], name=op.f('fk_bulk_order_lines_bulk_order_id_bulk_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['package_id'], ['packages.id'], name=op.f('fk_bulk_order_lines_package_id_packages'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_order_lines'))
    )
    op.create_index(op.f('ix_bulk_order_lines_bulk_order_id'), 'bulk_order_lines', ['bulk_order_id'], unique=False)
    op.create_table('ledger_entries',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('enterprise_account_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('bulk_order_id', sa.BigInteger(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('admin_id', sa.BigInteger(), nullable=True),
    sa.Column('enterprise_user_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("kind IN ('charge', 'payment', 'credit_note')", name=op.f('ck_ledger_entries_kind_valid')),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_ledger_entries_amount_positive')),
    sa.ForeignKeyConstraint(['admin_id'], ['admins.id'], name=op.f('fk_ledger_entries_admin_id_admins'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['bulk_order_id'], ['bulk_orders.id'], name=op.f('fk_ledger_entries_bulk_order_id_bulk_orders'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['enterprise_account_id'], ['enterprise_accounts.id'], name=op.f('fk_ledger_entries_enterprise_account_id_enterprise_accounts'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['enterprise_user_id'], ['enterprise_users.id'], name=op.f('fk_ledger_entries_enterprise_user_id_enterprise_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries'))
    )
    op.create_index(op.f('ix_ledger_entries_bulk_order_id'), 'ledger_entries', ['bulk_order_id'], unique=False)
    op.create_index('ix_ledger_entries_company_created', 'ledger_entries', ['enterprise_account_id', 'created_at'], unique=False)
    op.create_index('uq_ledger_entries_bulk_charge', 'ledger_entries', ['bulk_order_id'], unique=True, postgresql_where=sa.text("kind = 'charge'"))
    # Existing companies get their reference first; then the database fills it in on insert.
    op.add_column('enterprise_accounts', sa.Column('display_id', sa.String(length=16), nullable=True))
    op.execute("UPDATE enterprise_accounts SET display_id = random_display_id('COM', 'enterprise_accounts')")
    op.alter_column('enterprise_accounts', 'display_id', nullable=False,
                    server_default=sa.text("random_display_id('COM', 'enterprise_accounts')"))
    op.add_column('enterprise_accounts', sa.Column('credit_alert_at', sa.DateTime(timezone=True), nullable=True))
    op.create_unique_constraint(op.f('uq_enterprise_accounts_display_id'), 'enterprise_accounts', ['display_id'])
    op.add_column('orders', sa.Column('bulk_order_id', sa.BigInteger(), nullable=True))
    op.create_index(op.f('ix_orders_bulk_order_id'), 'orders', ['bulk_order_id'], unique=False)
    op.create_foreign_key(op.f('fk_orders_bulk_order_id_bulk_orders'), 'orders', 'bulk_orders', ['bulk_order_id'], ['id'], ondelete='RESTRICT')


def downgrade() -> None:
    op.drop_constraint(op.f('fk_orders_bulk_order_id_bulk_orders'), 'orders', type_='foreignkey')
    op.drop_index(op.f('ix_orders_bulk_order_id'), table_name='orders')
    op.drop_column('orders', 'bulk_order_id')
    op.drop_constraint(op.f('uq_enterprise_accounts_display_id'), 'enterprise_accounts', type_='unique')
    op.drop_column('enterprise_accounts', 'credit_alert_at')
    op.drop_column('enterprise_accounts', 'display_id')
    op.drop_index('uq_ledger_entries_bulk_charge', table_name='ledger_entries',
                  postgresql_where=sa.text("kind = 'charge'"))
    op.drop_index('ix_ledger_entries_company_created', table_name='ledger_entries')
    op.drop_index(op.f('ix_ledger_entries_bulk_order_id'), table_name='ledger_entries')
    op.drop_table('ledger_entries')
    op.drop_index(op.f('ix_bulk_order_lines_bulk_order_id'), table_name='bulk_order_lines')
    op.drop_table('bulk_order_lines')
    op.drop_index(op.f('ix_bulk_orders_enterprise_account_id'), table_name='bulk_orders')
    op.drop_table('bulk_orders')
    op.drop_table('volume_tiers')
