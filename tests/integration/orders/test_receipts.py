"""PDF receipts over HTTP: the owner gets the amounts and the seller's legal details, in their language;
nobody else gets anything."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Iterator

import pypdf
import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from esim_app.http.api import build_api
from esim_app.http.session import cookie_name
from services.accounts import sessions
from services.core import country_name, db, format_money, money_text, offer_title
from services.core.models import User
from services.orders import ordering
from services.store import settings as store
from tests.support.orders import best_offer, new_customer, paid_order
from tests.support.tabs import exchange


@pytest.fixture(scope="module")
def client(orders_db: str) -> Iterator[TestClient]:
    with TestClient(build_api(), base_url="http://127.0.0.1:3000", follow_redirects=False) as c:
        yield c


@pytest.fixture
def seller() -> Iterator[None]:
    store.set_legal_name("Wayfarer Travel Ltd")
    store.set_legal_address("1 Main Street\nLondon EC1A 1AA\nUnited Kingdom")
    store.set_tax_id("GB123456789")
    yield
    with db.get_engine().begin() as conn:
        conn.exec_driver_sql("DELETE FROM settings WHERE key LIKE 'store.%%'")


def _customer(first: str | None = None, last: str | None = None, *, language: str = "en") -> tuple[int, str]:
    """A customer (optionally named) and the session cookie of their signed-in browser."""
    user_id = new_customer()
    with db.session() as s:
        user = s.get(User, user_id)
        user.first_name, user.last_name, user.language = first, last, language
        s.add(user)
        new = sessions.create_session(s, role="customer", principal_id=user_id, email=user.email,
                                      display_name=user.email, ip="10.9.0.1", user_agent=None,
                                      now=dt.datetime.now(dt.UTC))
        s.commit()
    return user_id, exchange(new).token


def _get(client: TestClient, order_ref: str, token: str | None):
    client.cookies.clear()
    if token:
        client.cookies.set(cookie_name(), token)
    return client.get(f"/api/receipts/{order_ref}.pdf")


def _order(order_id: int) -> sa.Row:
    with db.get_engine().connect() as conn:
        return conn.execute(sa.text("SELECT display_id, price_cents, currency FROM orders WHERE id = :id"),
                            {"id": order_id}).one()


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_the_owner_downloads_a_receipt_with_the_amount_and_the_sellers_details(client, sandbox,
                                                                              seller) -> None:
    # given a customer with a Japanese name and a paid order
    user_id, token = _customer("山田", "太郎")
    package = best_offer("airalo", with_alternatives=False)
    ref, price, currency = _order(paid_order(user_id, package))
    # when they download its receipt
    response = _get(client, ref, token)
    # then it is a PDF download of their order, with the amount paid and who sold it
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == f'attachment; filename="receipt-{ref}.pdf"'
    assert response.headers["cache-control"] == "no-store"
    text = _text(response.content)
    title = offer_title("en", place=package.destination_name, data_mb=package.data_mb,
                        unlimited=package.unlimited, days=package.validity_days)
    for expected in (ref, "Wayfarer Travel Ltd", "1 Main Street", "London EC1A 1AA", "GB123456789",
                     "山田 太郎", f"eSIM {title}", f"Total paid by card {format_money(price, currency)}"):
        assert expected in text, f"{expected!r} missing from the receipt:\n{text}"
    assert "Refunded" not in text


def test_the_receipt_reads_in_the_customers_language(client, sandbox, seller) -> None:
    user_id, token = _customer("Hanako", "Sato", language="ja")
    package = best_offer("airalo", with_alternatives=False)
    ref, price, currency = _order(paid_order(user_id, package))
    text = _text(_get(client, ref, token).content)
    for expected in ("領収書", f"領収書番号 {ref}", "発行者", "宛先", "登録番号 GB123456789",
                     f"カードお支払い合計 {money_text('ja', price, currency)}",
                     country_name(package.destination_code, "ja")):
        assert expected in text, f"{expected!r} missing from the receipt:\n{text}"


def test_a_partly_refunded_order_shows_the_refund_and_the_net_amount(client, sandbox, seller) -> None:
    user_id, token = _customer("Zoë", "Łukasiewicz")
    order_id = paid_order(user_id, best_offer("esim_go", with_alternatives=False))
    ref, price, currency = _order(order_id)
    with db.get_engine().begin() as conn:  # what a partial Stripe refund records
        conn.execute(sa.text("UPDATE orders SET refunded_cents = 300 WHERE id = :id"), {"id": order_id})
    text = _text(_get(client, ref, token).content)
    assert "Zoë Łukasiewicz" in text
    assert f"Refunded -{format_money(300, currency)}" in text
    assert f"Net paid {format_money(price - 300, currency)}" in text


def test_nobody_but_the_owner_gets_a_receipt(client, sandbox) -> None:
    owner, owner_token = _customer()
    ref = _order(paid_order(owner, best_offer("airalo", with_alternatives=False))).display_id
    _, stranger_token = _customer()
    refused = _get(client, ref, stranger_token)
    assert refused.status_code == 404 and ref not in refused.text and b"%PDF" not in refused.content
    assert refused.text == _get(client, "OIDDOESNOTEXIST", stranger_token).text  # same answer: nothing leaks
    assert _get(client, ref, None).status_code == 401
    assert _get(client, ref, "forged-token").status_code == 401
    assert _get(client, ref, owner_token).status_code == 200


def test_an_unpaid_order_has_no_receipt(client, sandbox) -> None:
    user_id, token = _customer()
    pending = ordering.create_order(user_id, plan_slug=best_offer("airalo", with_alternatives=False).slug,
                                    key=uuid.uuid4().hex)
    response = _get(client, _order(pending.id).display_id, token)
    assert response.status_code == 404 and "has not been paid" in response.text
