"""Support tickets with their message threads, and refund requests (one per order).

Revision ID: 7ac7d791a71e
Revises: fdf415e3f2a8
Create Date: 2026-11-26 14:39:47.792492

"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (AutoString in generated columns)

from alembic import op

# revision identifiers, used by Alembic.
revision: str = '7ac7d791a71e'
down_revision: Union[str, Sequence[str], None] = 'fdf415e3f2a8'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.execute("CREATE SEQUENCE support_tickets_display_id_seq")
    op.create_table('support_tickets',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('display_id', sa.String(length=16), server_default=sa.text("next_display_id('TKT', 'support_tickets_display_id_seq')"), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('order_id', sa.BigInteger(), nullable=True),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('open', 'awaiting_customer', 'closed')", name=op.f('ck_support_tickets_status_valid')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_support_tickets_order_id_orders'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_support_tickets_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_tickets')),
    sa.UniqueConstraint('display_id', name=op.f('uq_support_tickets_display_id'))
    )
    op.create_index(op.f('ix_support_tickets_order_id'), 'support_tickets', ['order_id'], unique=False)
    op.create_index('ix_support_tickets_status_updated', 'support_tickets', ['status', 'updated_at'], unique=False)
    op.create_index('ix_support_tickets_user_id_updated', 'support_tickets', ['user_id', 'updated_at'], unique=False)
    op.create_table('support_messages',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('ticket_id', sa.BigInteger(), nullable=False),
    sa.Column('author', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('admin_id', sa.BigInteger(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("author IN ('customer', 'staff')", name=op.f('ck_support_messages_author_valid')),
    sa.ForeignKeyConstraint(['admin_id'], ['admins.id'], name=op.f('fk_support_messages_admin_id_admins'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ticket_id'], ['support_tickets.id'], name=op.f('fk_support_messages_ticket_id_support_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_messages'))
    )
    op.create_index('ix_support_messages_ticket_id_created', 'support_messages', ['ticket_id', 'created_at'], unique=False)
    op.create_table('refund_requests',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('order_id', sa.BigInteger(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('requested_by', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('actor_id', sa.BigInteger(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('provider_outcome', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('stripe_refund_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('amount_cents', sa.BigInteger(), nullable=True),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('requested', 'provider_done', 'completed', 'failed')", name=op.f('ck_refund_requests_status_valid')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_refund_requests_order_id_orders'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_requests')),
    sa.UniqueConstraint('order_id', name=op.f('uq_refund_requests_order_id'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('refund_requests')
    op.drop_index('ix_support_messages_ticket_id_created', table_name='support_messages')
    op.drop_table('support_messages')
    op.drop_index('ix_support_tickets_user_id_updated', table_name='support_tickets')
    op.drop_index('ix_support_tickets_status_updated', table_name='support_tickets')
    op.drop_index(op.f('ix_support_tickets_order_id'), table_name='support_tickets')
    op.drop_table('support_tickets')
    op.execute("DROP SEQUENCE support_tickets_display_id_seq")
