"""Apply and inspect Alembic migrations from code (CLI, `make run`, test set-up). Never at import."""

from __future__ import annotations

import pathlib

from alembic.config import Config

from alembic import command

ROOT = pathlib.Path(__file__).resolve().parents[2]


def alembic_config() -> Config:
    return Config(str(ROOT / "alembic.ini"))


def upgrade(revision: str = "head") -> None:
    command.upgrade(alembic_config(), revision)


def downgrade(revision: str = "base") -> None:
    command.downgrade(alembic_config(), revision)
