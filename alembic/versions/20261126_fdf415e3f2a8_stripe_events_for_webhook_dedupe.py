"""Stripe events received, so a redelivered webhook is processed once.

Revision ID: fdf415e3f2a8
Revises: 3b581a7761e5
Create Date: 2026-11-26 14:30:01.901162

"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (AutoString in generated columns)

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'fdf415e3f2a8'
down_revision: Union[str, Sequence[str], None] = '3b581a7761e5'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('stripe_events',
    sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('order_id', sa.BigInteger(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_stripe_events_order_id_orders'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_stripe_events'))
    )
    op.create_index(op.f('ix_stripe_events_order_id'), 'stripe_events', ['order_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_stripe_events_order_id'), table_name='stripe_events')
    op.drop_table('stripe_events')
