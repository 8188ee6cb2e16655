"""Email attachments, so order mails can carry the eSIM QR code inline.

Revision ID: 3b581a7761e5
Revises: 64f381020bef
Create Date: 2026-11-26 14:26:57.989232

"""
from typing import Sequence, Union

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

# revision identifiers, used by Alembic.
revision: str = '3b581a7761e5'
down_revision: Union[str, Sequence[str], None] = '64f381020bef'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('email_outbox', sa.Column('attachments', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'[]'::jsonb"), nullable=False))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column('email_outbox', 'attachments')
