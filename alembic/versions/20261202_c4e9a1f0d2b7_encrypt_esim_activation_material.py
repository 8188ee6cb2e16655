"""Encrypt eSIM activation material at rest: lpa, matching_id and the provider's raw answer.

The columns become text holding Fernet tokens (services/core/crypto.py, `ENCRYPTION_KEYS`); existing
rows are encrypted here with the newest configured key. Downgrade decrypts them back.

Revision ID: c4e9a1f0d2b7
Revises: c4e1a9d2b7f3
Create Date: 2026-12-02 13:30:00

"""
import json
from typing import Sequence, Union

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from alembic import op
from services.core import crypto

# revision identifiers, used by Alembic.
revision: str = 'c4e9a1f0d2b7'
down_revision: Union[str, Sequence[str], None] = 'c4e1a9d2b7f3'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_UPDATE = sa.text("UPDATE esims SET lpa = :lpa, matching_id = :matching_id, raw = :raw WHERE id = :id")


def upgrade() -> None:
    """Widen the columns to text, then encrypt every row."""
    op.alter_column('esims', 'raw', server_default=None)
    op.alter_column('esims', 'lpa', type_=sa.Text(), existing_nullable=False)
    op.alter_column('esims', 'matching_id', type_=sa.Text(), existing_nullable=False)
    op.alter_column('esims', 'raw', type_=sa.Text(), existing_nullable=False, postgresql_using='raw::text')
    conn = op.get_bind()
    for row in conn.execute(sa.text("SELECT id, lpa, matching_id, raw FROM esims")).mappings().all():
        conn.execute(_UPDATE, {"id": row["id"], "lpa": crypto.encrypt(row["lpa"]),
                               "matching_id": crypto.encrypt(row["matching_id"]),
                               "raw": crypto.encrypt(json.dumps(json.loads(row["raw"]), separators=(",", ":")))})


def downgrade() -> None:
    """Decrypt every row, then restore the original column types."""
    conn = op.get_bind()
    for row in conn.execute(sa.text("SELECT id, lpa, matching_id, raw FROM esims")).mappings().all():
        conn.execute(_UPDATE, {"id": row["id"], "lpa": crypto.decrypt(row["lpa"]),
                               "matching_id": crypto.decrypt(row["matching_id"]), "raw": crypto.decrypt(row["raw"])})
    op.alter_column('esims', 'raw', type_=pg.JSONB(), existing_nullable=False, postgresql_using='raw::jsonb',
                    server_default=sa.text("'{}'::jsonb"))
    op.alter_column('esims', 'matching_id', type_=sa.String(length=200), existing_nullable=False)
    op.alter_column('esims', 'lpa', type_=sa.String(length=400), existing_nullable=False)
