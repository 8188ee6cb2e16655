"""Order list: an index for its most used pair of filters, status and provider, newest first.

With both filters the list read its page and counted up to 10,000 matches through the paid-orders
index, fetching every row to check status and provider (25 ms over 1,000,000 orders); on
(status, provider_id, created_at, id) the page is one index range and the count index-only.

Revision ID: a9d3f5b7c2e1
Revises: c4e8a1f6d2b9
Create Date: 2026-12-03 13:45:00

"""
from typing import Sequence, Union

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'a9d3f5b7c2e1'
down_revision: Union[str, Sequence[str], None] = 'c4e8a1f6d2b9'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_orders_status_provider_id_created_at_id', 'orders',
                    ['status', 'provider_id', 'created_at', 'id'])


def downgrade() -> None:
    op.drop_index('ix_orders_status_provider_id_created_at_id', table_name='orders')
