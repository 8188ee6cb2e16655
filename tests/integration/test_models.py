"""Database rules the core tables enforce."""

import concurrent.futures
import re
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from services.core import db
from services.core.models import AuthSession, Role, User


def _new_user() -> str:
    with db.session() as s:
        user = User(email=f"{uuid.uuid4().hex}@example.com")
        s.add(user)
        s.commit()
        return user.display_id


def test_display_ids_are_unique_under_concurrent_sign_ups(database_url: str) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(lambda _: _new_user(), range(80)))
    assert len(set(ids)) == 80
    assert all(re.fullmatch(r"UID\d{3,}", i) for i in ids)


def test_display_ids_keep_growing_past_three_digits(database_url: str) -> None:
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("SELECT setval('users_display_id_seq', 1000)"))
    assert _new_user() == "UID1001"


def test_email_is_unique(database_url: str) -> None:
    email = f"{uuid.uuid4().hex}@example.com"
    with db.session() as s:
        s.add(User(email=email))
        s.commit()
    with db.session() as s, pytest.raises(IntegrityError):
        s.add(User(email=email))
        s.commit()


def test_a_session_belongs_to_exactly_one_principal(database_url: str) -> None:
    import datetime as dt

    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    with db.session() as s, pytest.raises(IntegrityError, match="one_principal"):
        s.add(AuthSession(token_hash=uuid.uuid4().hex, role=Role.CUSTOMER, expires_at=expires))
        s.commit()


def test_order_status_is_checked_by_the_database(database_url: str) -> None:
    with db.get_engine().connect() as conn, pytest.raises(IntegrityError, match="status_valid"):
        conn.execute(sa.text(
            "INSERT INTO packages (slug, provider_id, provider_package_id, kind, destination_code, "
            "destination_name, name, unlimited, validity_days, is_topup, cost_micros, cost_currency, "
            "price_cents, currency, group_key, is_best_price, is_enabled, auto_mode) VALUES "
            "('p-1', 'airalo', 'x', 'local', 'JP', 'Japan', 'Japan 1 GB', false, 7, false, 1000000, 'USD', "
            "199, 'USD', 'g', true, true, true)"))
        conn.execute(sa.text(
            "INSERT INTO orders (kind, package_id, quantity, client_reference, cost_micros, price_cents, "
            "currency, status, retry_count) SELECT 'esim', id, 1, 'ref-1', 0, 199, 'USD', 'lost', 0 FROM packages"))
