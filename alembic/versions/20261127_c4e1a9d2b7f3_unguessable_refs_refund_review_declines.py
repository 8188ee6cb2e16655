"""Unguessable order/eSIM/ticket references, refunds by id with amounts, staff review of refunds, card declines.

New order, eSIM and ticket references are `OID`/`ESM`/`TKT` + 12 characters drawn from a CSPRNG
(`gen_random_uuid`) over an unambiguous base32 alphabet (no 0, 1, I, O); existing sequential ones
stay as they are and keep working. `payment_refunds` counts each Stripe refund once so a partial
refund no longer marks the whole order refunded; `refund_requests` gains the `review` and
`rejected` statuses and who decided; `card_attempts` backs the daily cap on declined cards.

Revision ID: c4e1a9d2b7f3
Revises: 5a1c0b7e9d42
Create Date: 2026-11-27 10:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (AutoString in generated columns)

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'c4e1a9d2b7f3'
down_revision: Union[str, Sequence[str], None] = '5a1c0b7e9d42'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

RANDOM_DISPLAY_ID = """
CREATE FUNCTION random_display_id(prefix text, tbl regclass) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    alphabet constant text := '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
    random_bytes bytea;
    candidate text;
    i int;
    taken boolean;
BEGIN
    LOOP
        random_bytes := uuid_send(gen_random_uuid());  -- bytes 6 and 8 carry the version and variant
        candidate := prefix;
        FOREACH i IN ARRAY ARRAY[0, 1, 2, 3, 4, 5, 7, 9, 10, 11, 12, 13] LOOP
            candidate := candidate || substr(alphabet, get_byte(random_bytes, i) % 32 + 1, 1);
        END LOOP;
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE display_id = $1)', tbl) INTO taken USING candidate;
        EXIT WHEN NOT taken;
    END LOOP;
    RETURN candidate;
END
$$
"""
RANDOM_REFS = (("orders", "OID"), ("esims", "ESM"), ("support_tickets", "TKT"))
OLD_STATUSES = "status IN ('requested', 'provider_done', 'completed', 'failed')"
NEW_STATUSES = "status IN ('requested', 'provider_done', 'review', 'completed', 'rejected', 'failed')"


def upgrade() -> None:
    """Upgrade schema."""
    op.execute(RANDOM_DISPLAY_ID)
    for table, prefix in RANDOM_REFS:
        op.alter_column(table, 'display_id', server_default=sa.text(f"random_display_id('{prefix}', '{table}')"))
    op.add_column('orders', sa.Column('refunded_cents', sa.BigInteger(), server_default='0', nullable=False))
    op.execute("UPDATE orders SET refunded_cents = price_cents WHERE status = 'refunded'")
    op.create_table('payment_refunds',
    sa.Column('refund_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('order_id', sa.BigInteger(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_payment_refunds_order_id_orders'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('refund_id', name=op.f('pk_payment_refunds'))
    )
    op.create_index(op.f('ix_payment_refunds_order_id'), 'payment_refunds', ['order_id'], unique=False)
    op.create_table('card_attempts',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('order_id', sa.BigInteger(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_card_attempts_order_id_orders'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_card_attempts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_attempts'))
    )
    op.create_index('ix_card_attempts_user_id_created', 'card_attempts', ['user_id', 'created_at'], unique=False)
    op.add_column('refund_requests', sa.Column('decided_by', sa.BigInteger(), nullable=True))
    op.add_column('refund_requests', sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
    op.create_foreign_key(op.f('fk_refund_requests_decided_by_admins'), 'refund_requests', 'admins',
                          ['decided_by'], ['id'], ondelete='SET NULL')
    op.drop_constraint(op.f('ck_refund_requests_status_valid'), 'refund_requests', type_='check')
    op.create_check_constraint(op.f('ck_refund_requests_status_valid'), 'refund_requests', NEW_STATUSES)


def downgrade() -> None:
    """Downgrade schema (references drawn at random stay; new ones are sequential again)."""
    op.execute("UPDATE refund_requests SET status = 'failed' WHERE status IN ('review', 'rejected')")
    op.drop_constraint(op.f('ck_refund_requests_status_valid'), 'refund_requests', type_='check')
    op.create_check_constraint(op.f('ck_refund_requests_status_valid'), 'refund_requests', OLD_STATUSES)
    op.drop_constraint(op.f('fk_refund_requests_decided_by_admins'), 'refund_requests', type_='foreignkey')
    op.drop_column('refund_requests', 'decided_at')
    op.drop_column('refund_requests', 'decided_by')
    op.drop_index('ix_card_attempts_user_id_created', table_name='card_attempts')
    op.drop_table('card_attempts')
    op.drop_index(op.f('ix_payment_refunds_order_id'), table_name='payment_refunds')
    op.drop_table('payment_refunds')
    op.drop_column('orders', 'refunded_cents')
    for table, prefix in RANDOM_REFS:
        op.alter_column(table, 'display_id',
                        server_default=sa.text(f"next_display_id('{prefix}', '{table}_display_id_seq')"))
    op.execute("DROP FUNCTION random_display_id(text, regclass)")
