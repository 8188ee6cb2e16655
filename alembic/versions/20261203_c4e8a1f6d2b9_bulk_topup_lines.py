"""Top-up lines of bulk orders: `bulk_order_lines.topup_esim_ids`, the eSIMs a line tops up.

A company's top-up paid by card waits for its payment like a bulk order, so the eSIMs it is for
must be kept with it until it is paid.

Revision ID: c4e8a1f6d2b9
Revises: f2a7c9e4b1d8
Create Date: 2026-12-03 13:40:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'c4e8a1f6d2b9'
down_revision: Union[str, Sequence[str], None] = 'f2a7c9e4b1d8'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('bulk_order_lines', sa.Column('topup_esim_ids', postgresql.ARRAY(sa.BigInteger()), nullable=True))
    op.create_check_constraint(op.f('ck_bulk_order_lines_one_topup_per_unit'), 'bulk_order_lines',
                               'topup_esim_ids IS NULL OR cardinality(topup_esim_ids) = quantity')


def downgrade() -> None:
    op.drop_constraint(op.f('ck_bulk_order_lines_one_topup_per_unit'), 'bulk_order_lines', type_='check')
    op.drop_column('bulk_order_lines', 'topup_esim_ids')
