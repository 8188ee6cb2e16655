"""Activation material (LPA, matching id, the provider's raw answer) is encrypted at rest.

Read through the model it is plain text (order code is unchanged); read from the table it is a
Fernet token. Existing rows are encrypted by the migration, keys rotate with `esim rotate-keys`.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from services.core import crypto, db, get_settings, migrations
from services.core.models import Esim, Order, Package
from services.core.settings import Settings
from tests.conftest import own_database, use_database
from tests.support.database import fresh_database

BEFORE = "c4e1a9d2b7f3"  # the revision before encryption
LPA = "LPA:1$rsp.example.com$K2-SECRET-MATCHING"


@pytest.fixture
def key_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    get_settings.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    get_settings.cache_clear()


def _esim(suffix: str) -> int:
    with db.session() as s:
        package = Package(slug=f"enc-{suffix}", provider_id="airalo", provider_package_id=f"p-{suffix}", kind="local",
                          destination_code="JP", destination_name="Japan", name="Japan 3 GB", data_mb=3072,
                          validity_days=15, cost_micros=4_000_000, price_cents=799, group_key=f"g-{suffix}")
        s.add(package)
        s.flush()
        order = Order(package_id=package.id, client_reference=suffix, price_cents=799, status="completed")
        s.add(order)
        s.flush()
        esim = Esim(order_id=order.id, provider_id="airalo", iccid=f"8944{suffix}", lpa=LPA + suffix,
                    smdp_address="rsp.example.com", matching_id="K2-SECRET-MATCHING" + suffix,
                    raw={"qrcode": LPA + suffix, "iccid": f"8944{suffix}"})
        s.add(esim)
        s.commit()
        return esim.id  # type: ignore[return-value]


def _stored(esim_id: int) -> dict[str, str]:
    with db.get_engine().connect() as conn:
        return dict(conn.execute(sa.text("SELECT lpa, matching_id, raw FROM esims WHERE id = :i"),
                                 {"i": esim_id}).mappings().one())


def _read(esim_id: int) -> Esim:
    with db.session() as s:
        return s.get(Esim, esim_id)  # type: ignore[return-value]


def test_activation_material_is_ciphertext_in_the_table_and_plain_through_the_model(database_url: str) -> None:
    suffix = uuid.uuid4().hex[:10]
    esim_id = _esim(suffix)
    stored = _stored(esim_id)
    assert all("SECRET" not in value and value.startswith("gAAAAA") for value in stored.values()), stored
    esim = _read(esim_id)
    assert esim.lpa == LPA + suffix and esim.matching_id.endswith(suffix) and esim.raw["qrcode"] == LPA + suffix


@contextlib.contextmanager
def _own_database(prefix: str, restore: str) -> Iterator[None]:
    """A fresh database for tests that rewrite every encrypted row or use other keys."""
    with fresh_database(prefix) as url:
        use_database(url)
        try:
            yield
        finally:
            db.reset_engine()
            use_database(restore)


def _rotate_keys() -> subprocess.CompletedProcess:
    return subprocess.run([str(pathlib.Path(sys.executable).with_name("esim")), "rotate-keys"],
                          capture_output=True, text=True, env=dict(os.environ))


def test_keys_rotate_newest_first_and_rotate_keys_rewrites_every_row(database_url: str, key_env) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    key_env.setenv("ENCRYPTION_KEYS", old)
    with own_database("esim_rotate", restore=database_url):
        esim_id = _esim(uuid.uuid4().hex[:10])
        key_env.setenv("ENCRYPTION_KEYS", f"{new},{old}")
        get_settings.cache_clear()
        assert _read(esim_id).lpa.startswith(LPA)  # the old key still decrypts
        result = _rotate_keys()
        assert result.returncode == 0 and "1 rows re-encrypted" in result.stdout, result.stderr
        assert Fernet(new).decrypt(_stored(esim_id)["lpa"].encode()).decode().startswith(LPA)
        key_env.setenv("ENCRYPTION_KEYS", new)  # the old key can go
        get_settings.cache_clear()
        assert _read(esim_id).lpa.startswith(LPA)
        key_env.setenv("ENCRYPTION_KEYS", Fernet.generate_key().decode())
        get_settings.cache_clear()
        with pytest.raises(crypto.EncryptionKeyError):
            _read(esim_id)  # a wrong key fails loudly instead of showing garbage
        refused = _rotate_keys()
        assert refused.returncode == 1 and refused.stderr.startswith("error: ") and len(refused.stderr.splitlines()) == 1


def test_development_generates_one_private_key_under_data_dir(tmp_path: pathlib.Path) -> None:
    settings = Settings(_env_file=None, data_dir=str(tmp_path / "data"))
    token = crypto.keys_for(settings).encrypt(b"secret")
    key_file = tmp_path / "data" / crypto.KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert crypto.keys_for(Settings(_env_file=None, data_dir=str(tmp_path / "data"))).decrypt(token) == b"secret"
    with pytest.raises(crypto.EncryptionKeyError):
        crypto.keys_for(Settings(_env_file=None, esim_env="production", data_dir=str(tmp_path / "data")))


def test_the_migration_encrypts_existing_rows_and_downgrade_restores_them(database_url: str) -> None:
    with _own_database("esim_encrypt", database_url):
        migrations.upgrade(BEFORE)
        suffix = uuid.uuid4().hex[:10]
        with db.get_engine().begin() as conn:  # plain SQL: the tables as they were then, not as the models are now
            package_id = conn.execute(sa.text(
                "INSERT INTO packages (slug, provider_id, provider_package_id, kind, destination_code, destination_name,"
                " coverage, name, data_mb, unlimited, validity_days, is_topup, supports_topup, cost_micros, cost_currency,"
                " price_cents, currency, group_key, is_best_price, is_enabled, auto_mode, raw) VALUES (:slug, 'airalo',"
                " :suffix, 'local', 'JP', 'Japan', '{}', 'Japan 3 GB', 3072, false, 15, false, false, 1, 'USD', 799,"
                " 'USD', :suffix, false, true, true, '{}') RETURNING id"), {"slug": f"m-{suffix}", "suffix": suffix}).scalar_one()
            order_id = conn.execute(sa.text(
                "INSERT INTO orders (kind, package_id, quantity, client_reference, cost_micros, price_cents, currency,"
                " status, retry_count, refunded_cents) VALUES ('esim', :package_id, 1, :suffix, 0, 799, 'USD',"
                " 'completed', 0, 0) RETURNING id"), {"package_id": package_id, "suffix": suffix}).scalar_one()
            conn.execute(sa.text(
                "INSERT INTO esims (order_id, provider_id, iccid, lpa, smdp_address, matching_id, raw, status, used_mb,"
                " unlimited) VALUES (:order_id, 'airalo', '8944001', :lpa, 'rsp.example.com', 'K2-SECRET-MATCHING',"
                " :raw, 'not_installed', 0, false)"),
                {"order_id": order_id, "lpa": LPA, "raw": '{"qrcode": "%s"}' % LPA})
        migrations.upgrade()
        with db.get_engine().connect() as conn:
            esim_id = conn.execute(sa.text("SELECT id FROM esims")).scalar_one()
        assert all("SECRET" not in v for v in _stored(esim_id).values())
        esim = _read(esim_id)
        assert (esim.lpa, esim.matching_id, esim.raw) == (LPA, "K2-SECRET-MATCHING", {"qrcode": LPA})
        migrations.downgrade(BEFORE)
        assert _stored(esim_id)["lpa"] == LPA
