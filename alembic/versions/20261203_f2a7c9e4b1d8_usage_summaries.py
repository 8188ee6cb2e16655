"""Companies' daily usage summaries: `usage_summaries`, one row per company and UTC day.

Revision ID: f2a7c9e4b1d8
Revises: f1c7a3e9b2d4
Create Date: 2026-12-03 08:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'f2a7c9e4b1d8'
down_revision: Union[str, Sequence[str], None] = 'f1c7a3e9b2d4'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'usage_summaries',
        sa.Column('enterprise_account_id', sa.BigInteger(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['enterprise_account_id'], ['enterprise_accounts.id'], ondelete='CASCADE',
                                name=op.f('fk_usage_summaries_enterprise_account_id_enterprise_accounts')),
        sa.PrimaryKeyConstraint('enterprise_account_id', 'day', name=op.f('pk_usage_summaries')),
    )


def downgrade() -> None:
    op.drop_table('usage_summaries')
