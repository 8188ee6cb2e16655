"""Provider calls: one row per provider operation (latency, outcome, status, error code), for the
admin dashboard's provider figures and order timelines.

Revision ID: b3d9f6a2c8e1
Revises: b5d1e8c3a9f6
Create Date: 2026-12-02 16:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (AutoString in generated columns)

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'b3d9f6a2c8e1'
down_revision: Union[str, Sequence[str], None] = 'b5d1e8c3a9f6'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'provider_calls',
        sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column('provider_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('operation', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('latency_ms', sa.Integer(), nullable=False),
        sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('http_status', sa.SmallInteger(), nullable=True),
        sa.Column('error_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('rate_limit_hits', sa.SmallInteger(), server_default=sa.text('0'), nullable=False),
        sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.CheckConstraint("outcome IN ('ok', 'error', 'rate_limited', 'timeout')",
                           name=op.f('ck_provider_calls_outcome_valid')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_calls')),
    )
    op.create_index('ix_provider_calls_provider_id_started_at', 'provider_calls', ['provider_id', 'started_at'])
    op.create_index('ix_provider_calls_started_at', 'provider_calls', ['started_at'])
    op.create_index('ix_provider_calls_subject', 'provider_calls', ['subject'],
                    postgresql_where=sa.text('subject IS NOT NULL'))


def downgrade() -> None:
    op.drop_index('ix_provider_calls_subject', table_name='provider_calls')
    op.drop_index('ix_provider_calls_started_at', table_name='provider_calls')
    op.drop_index('ix_provider_calls_provider_id_started_at', table_name='provider_calls')
    op.drop_table('provider_calls')
