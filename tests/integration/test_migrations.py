"""Migrations: a full round trip on PostgreSQL, and the models agree with the migrated schema."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from services.core import db, migrations
from tests.conftest import use_database
from tests.support.database import fresh_database


def _tables() -> set[str]:
    return set(sa.inspect(db.get_engine()).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade_round_trip(database_url: str) -> None:
    with fresh_database("esim_migrations") as url:
        use_database(url)
        try:
            migrations.upgrade()
            created = _tables()
            assert {"users", "orders", "esims", "packages", "auth_sessions", "email_outbox"} <= created
            migrations.downgrade("base")
            assert _tables() == set()
            migrations.upgrade()
            assert _tables() == created
        finally:
            db.reset_engine()
            use_database(database_url)


def test_models_match_the_migrated_schema(database_url: str) -> None:
    with db.get_engine().connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == [], f"models and migrations differ: {diff}"
