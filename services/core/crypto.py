"""Encryption at rest for secrets the app must read back (an eSIM's activation string, matching id).

Keys are Fernet keys (`ENCRYPTION_KEYS`, comma-separated, newest first): the first encrypts, every
one decrypts, so a key is rotated by putting a new one in front, running `esim rotate-keys` (which
re-encrypts every value with the newest key), then dropping the old one. Outside production an
unset variable means a key generated once and kept in `DATA_DIR/encryption.key`; production
refuses to start without the variable (`settings.startup_problems`).
"""

from __future__ import annotations

import functools
import json
import os
import pathlib
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from services.core.settings import Settings, get_settings

KEY_FILE = "encryption.key"


class EncryptionKeyError(RuntimeError):
    """No usable key: the variable is unset in production, or a stored value was encrypted with
    a key that is no longer configured."""


def _development_key(data_dir: str) -> str:
    """The key kept in `data_dir`, created (owner-only) on first use."""
    path = pathlib.Path(data_dir) / KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(Fernet.generate_key().decode())
    return path.read_text().strip()


def keys_for(settings: Settings) -> MultiFernet:
    """The configured keys (newest first); a generated development key when none is set."""
    raw = [k.strip() for k in settings.encryption_keys.split(",") if k.strip()]
    if not raw:
        if settings.is_production:
            raise EncryptionKeyError("ENCRYPTION_KEYS is not set")
        raw = [_development_key(settings.data_dir)]
    try:
        return MultiFernet([Fernet(k) for k in raw])
    except ValueError:
        raise EncryptionKeyError("ENCRYPTION_KEYS holds a value that is not a Fernet key") from None


_cached_keys = functools.lru_cache(maxsize=8)(keys_for)


def current_keys() -> MultiFernet:
    """The keys of the process's settings (settings are frozen, so they key the cache)."""
    return _cached_keys(get_settings())


def encrypt(value: str) -> str:
    return current_keys().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return current_keys().decrypt(token.encode()).decode()
    except InvalidToken:
        raise EncryptionKeyError("a stored value cannot be decrypted with the configured ENCRYPTION_KEYS") from None


def rotate(token: str) -> str:
    """`token` re-encrypted with the newest key."""
    try:
        return current_keys().rotate(token.encode()).decode()
    except InvalidToken:
        raise EncryptionKeyError("a stored value cannot be decrypted with the configured ENCRYPTION_KEYS") from None


class EncryptedText(sa.TypeDecorator[str]):
    """A text column stored Fernet-encrypted; the model reads and writes plain strings."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str | None:
        return None if value is None else encrypt(str(value))

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> str | None:
        return None if value is None else decrypt(value)


class EncryptedJSON(sa.TypeDecorator[Any]):
    """A JSON document stored Fernet-encrypted as text (a provider's raw answer carries the LPA too)."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str | None:
        return None if value is None else encrypt(json.dumps(value, separators=(",", ":"), default=str))

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Any:
        return None if value is None else json.loads(decrypt(value))


# Every encrypted column, by table, for `rotate_stored` (and the migration that introduced them).
ENCRYPTED_COLUMNS: dict[str, tuple[str, ...]] = {"esims": ("lpa", "matching_id", "raw"), "admins": ("totp_secret",)}


def rotate_stored(conn: sa.Connection) -> int:
    """Re-encrypt every stored value with the newest key, in `conn`'s transaction; rows rewritten."""
    rewritten = 0
    for table, columns in ENCRYPTED_COLUMNS.items():
        names = ", ".join(columns)
        update = sa.text(f"UPDATE {table} SET {', '.join(f'{c} = :{c}' for c in columns)} WHERE id = :id")
        for row in conn.execute(sa.text(f"SELECT id, {names} FROM {table} FOR UPDATE")).mappings().all():
            conn.execute(update, {"id": row["id"], **{c: rotate(row[c]) if row[c] is not None else None for c in columns}})
            rewritten += 1
    return rewritten
