"""Alembic environment: the engine and metadata come from the application, never from alembic.ini."""

from sqlmodel import SQLModel

import services.core.models  # noqa: F401  (registers every table on SQLModel.metadata)
from alembic import context
from services.core.db import get_engine

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    with get_engine().connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run against a database")
run_migrations_online()
