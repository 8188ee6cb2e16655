"""Orders keep the exchange rate they were priced at.

A customer pays in the currency they chose (`services.store.currencies`); the order fixes the amount
in that currency (`price_cents`, its minor units), the rate (`fx_rate`, units per 1 USD) and what
the amount is worth in USD at that rate (`base_price_cents`) when it is created. Existing orders
are all USD, at rate 1.

Revision ID: f1c7a3e9b2d4
Revises: d8f3a2b6c1e9
Create Date: 2026-12-03 08:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'f1c7a3e9b2d4'
down_revision: Union[str, Sequence[str], None] = 'd8f3a2b6c1e9'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('orders', sa.Column('fx_rate', sa.Numeric(18, 8), nullable=False, server_default='1'))
    op.create_check_constraint(op.f('ck_orders_fx_rate_positive'), 'orders', 'fx_rate > 0')


def downgrade() -> None:
    op.drop_constraint(op.f('ck_orders_fx_rate_positive'), 'orders', type_='check')
    op.drop_column('orders', 'fx_rate')
