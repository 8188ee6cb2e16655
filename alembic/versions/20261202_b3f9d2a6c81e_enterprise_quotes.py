"""Companies' quote requests with their lines; a bulk order's `quote_id` now points at its quote.

A quote has lines (a catalogue plan, or a free-text need staff map to a package when pricing),
a status (requested, priced, accepted, rejected, expired) and the bulk order accepting it placed.

Revision ID: b3f9d2a6c81e
Revises: b3f8d2a6c1e9
Create Date: 2026-12-02 15:32:19.990420

"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (AutoString in generated columns)
from sqlalchemy.dialects import postgresql

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'b3f9d2a6c81e'
down_revision: Union[str, Sequence[str], None] = 'b3f8d2a6c1e9'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('enterprise_quotes',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('display_id', sa.String(length=16), server_default=sa.text("random_display_id('QTE', 'enterprise_quotes')"), nullable=False),
    sa.Column('enterprise_account_id', sa.BigInteger(), nullable=False),
    sa.Column('requested_by_user_id', sa.BigInteger(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('wanted_by', sa.Date(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('total_cents', sa.BigInteger(), nullable=True),
    sa.Column('valid_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('priced_by_admin_id', sa.BigInteger(), nullable=True),
    sa.Column('priced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_user_id', sa.BigInteger(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('bulk_order_ref', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('requested', 'priced', 'accepted', 'rejected', 'expired')", name=op.f('ck_enterprise_quotes_status_valid')),
    sa.ForeignKeyConstraint(['decided_by_user_id'], ['enterprise_users.id'], name=op.f('fk_enterprise_quotes_decided_by_user_id_enterprise_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enterprise_account_id'], ['enterprise_accounts.id'], name=op.f('fk_enterprise_quotes_enterprise_account_id_enterprise_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['priced_by_admin_id'], ['admins.id'], name=op.f('fk_enterprise_quotes_priced_by_admin_id_admins'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_user_id'], ['enterprise_users.id'], name=op.f('fk_enterprise_quotes_requested_by_user_id_enterprise_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_quotes')),
    sa.UniqueConstraint('display_id', name=op.f('uq_enterprise_quotes_display_id'))
    )
    op.create_index('ix_enterprise_quotes_company_created', 'enterprise_quotes', ['enterprise_account_id', 'created_at'], unique=False)
    op.create_index('ix_enterprise_quotes_status_created', 'enterprise_quotes', ['status', 'created_at'], unique=False)
    op.create_table('enterprise_quote_lines',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('quote_id', sa.BigInteger(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_custom', sa.Boolean(), nullable=False),
    sa.Column('package_id', sa.BigInteger(), nullable=True),
    sa.Column('countries', postgresql.ARRAY(sa.String(length=2)), server_default='{}', nullable=False),
    sa.Column('data_gb', sa.Integer(), nullable=True),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_cents', sa.BigInteger(), nullable=True),
    sa.CheckConstraint('is_custom OR package_id IS NOT NULL', name=op.f('ck_enterprise_quote_lines_plan_line_has_package')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_enterprise_quote_lines_quantity_positive')),
    sa.CheckConstraint('unit_price_cents IS NULL OR unit_price_cents >= 0', name=op.f('ck_enterprise_quote_lines_price_not_negative')),
    sa.ForeignKeyConstraint(['package_id'], ['packages.id'], name=op.f('fk_enterprise_quote_lines_package_id_packages'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['quote_id'], ['enterprise_quotes.id'], name=op.f('fk_enterprise_quote_lines_quote_id_enterprise_quotes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_quote_lines')),
    sa.UniqueConstraint('quote_id', 'position', name=op.f('uq_enterprise_quote_lines_quote_id_position'))
    )
    op.create_index(op.f('ix_enterprise_quote_lines_package_id'), 'enterprise_quote_lines', ['package_id'], unique=False)
    op.create_foreign_key(op.f('fk_bulk_orders_quote_id_enterprise_quotes'), 'bulk_orders', 'enterprise_quotes',
                          ['quote_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_constraint(op.f('fk_bulk_orders_quote_id_enterprise_quotes'), 'bulk_orders', type_='foreignkey')
    op.drop_index(op.f('ix_enterprise_quote_lines_package_id'), table_name='enterprise_quote_lines')
    op.drop_table('enterprise_quote_lines')
    op.drop_index('ix_enterprise_quotes_status_created', table_name='enterprise_quotes')
    op.drop_index('ix_enterprise_quotes_company_created', table_name='enterprise_quotes')
    op.drop_table('enterprise_quotes')
