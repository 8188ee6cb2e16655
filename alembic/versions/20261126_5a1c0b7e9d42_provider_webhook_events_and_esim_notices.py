"""Provider webhook events (dedupe by event key) and eSIM notices (each usage/expiry email sent once).

Revision ID: 5a1c0b7e9d42
Revises: 7ac7d791a71e
Create Date: 2026-11-26 16:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (AutoString in generated columns)

from alembic import op

# revision identifiers, used by Alembic.
revision: str = '5a1c0b7e9d42'
down_revision: Union[str, Sequence[str], None] = '7ac7d791a71e'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('provider_webhook_events',
    sa.Column('provider_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('event_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.PrimaryKeyConstraint('provider_id', 'event_key', name=op.f('pk_provider_webhook_events'))
    )
    op.create_table('esim_notices',
    sa.Column('esim_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['esim_id'], ['esims.id'], name=op.f('fk_esim_notices_esim_id_esims'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('esim_id', 'kind', name=op.f('pk_esim_notices'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('esim_notices')
    op.drop_table('provider_webhook_events')
