"""Catalogue: search packages by covered country, a storefront index and the top-up flag.

The GIN index serves "plans covering JP" (`coverage @> ARRAY['JP']`); the partial index serves
country and region pages, which only read enabled, current, non-top-up offers.

Revision ID: 64f381020bef
Revises: f12e5bfa92a5
Create Date: 2026-11-26 14:26:48.394505

"""
from typing import Sequence, Union

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = '64f381020bef'
down_revision: Union[str, Sequence[str], None] = 'f12e5bfa92a5'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

STOREFRONT = sa.text('is_enabled AND NOT is_topup AND vanished_at IS NULL')


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('packages', sa.Column('supports_topup', sa.Boolean(), server_default=sa.text('false'), nullable=False))
    op.create_index('ix_packages_coverage', 'packages', ['coverage'], unique=False, postgresql_using='gin')
    op.create_index('ix_packages_storefront', 'packages', ['destination_code', 'price_cents'], unique=False,
                    postgresql_where=STOREFRONT)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_packages_storefront', table_name='packages', postgresql_where=STOREFRONT)
    op.drop_index('ix_packages_coverage', table_name='packages', postgresql_using='gin')
    op.drop_column('packages', 'supports_topup')
