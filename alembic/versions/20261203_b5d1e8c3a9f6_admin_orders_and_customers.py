"""Admin orders and customers: indexes for the staff order list and searches, and staff action keys.

The order list pages newest first by keyset on (created_at, id), alone or after one filter (status,
provider, customer); staff search orders by ICCID and customers by the start of their address; an
order's emails are found by address for its timeline. `staff_actions` holds each confirmed staff
action by its dialog's key, so a replayed confirmation does nothing twice.

Revision ID: b5d1e8c3a9f6
Revises: e7b2c5d8a1f4
Create Date: 2026-12-03 09:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'b5d1e8c3a9f6'
down_revision: Union[str, Sequence[str], None] = 'e7b2c5d8a1f4'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXES = (
    ('ix_orders_created_at_id', 'orders', ['created_at', 'id'], {}),
    ('ix_orders_status_created_at_id', 'orders', ['status', 'created_at', 'id'], {}),
    ('ix_orders_provider_id_created_at_id', 'orders', ['provider_id', 'created_at', 'id'], {}),
    ('ix_orders_user_id_created_at_id', 'orders', ['user_id', 'created_at', 'id'], {}),
    ('ix_esims_iccid', 'esims', ['iccid'], {}),
    ('ix_email_outbox_to_address_id', 'email_outbox', ['to_address', 'id'], {}),
    ('ix_users_email_prefix', 'users', ['email'], {'postgresql_ops': {'email': 'text_pattern_ops'}}),
)


def upgrade() -> None:
    for name, table, columns, options in INDEXES:
        op.create_index(name, table, columns, **options)
    op.create_table(
        'staff_actions',
        sa.Column('admin_id', sa.BigInteger(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('action', sa.String(length=64), nullable=False),
        sa.Column('entity_type', sa.String(length=32), nullable=False),
        sa.Column('entity_id', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('result', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"),
                  nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['admin_id'], ['admins.id'], name=op.f('fk_staff_actions_admin_id_admins'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('admin_id', 'key', name=op.f('pk_staff_actions')),
    )


def downgrade() -> None:
    op.drop_table('staff_actions')
    for name, table, _, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
