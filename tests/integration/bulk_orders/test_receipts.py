"""A company's PDF receipts for its bulk orders: finance and admins download them with every line, the
total charged and credit notes; other roles, other companies and unpaid orders get nothing."""

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
from services.accounts.sessions import Identity
from services.core import db, format_money
from services.core.models import LedgerEntry, LedgerKind, Package
from services.enterprise import purchasing
from services.enterprise.bulk import BulkLine
from tests.integration.bulk_orders.conftest import new_company, teammate
from tests.support.tabs import exchange


@pytest.fixture(scope="module")
def client(orders_db: str) -> Iterator[TestClient]:
    with TestClient(build_api(), base_url="http://127.0.0.1:3000", follow_redirects=False) as c:
        yield c


def _token(who: Identity) -> str:
    with db.session() as s:
        new = sessions.create_session(s, role="enterprise", principal_id=who.principal_id, email=who.email,
                                      display_name="", ip="10.9.0.2", user_agent=None, now=dt.datetime.now(dt.UTC))
        s.commit()
    return exchange(new).token


def _get(client: TestClient, ref: str, who: Identity | None):
    client.cookies.clear()
    if who is not None:
        client.cookies.set(cookie_name(), _token(who))
    return client.get(f"/api/receipts/{ref}.pdf")


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _placed(who: Identity, plan: Package, quantity: int, payment: str = "account") -> purchasing.BulkOrderView:
    return purchasing.place(who, [BulkLine(plan.id, quantity)], payment=payment,  # type: ignore[arg-type]
                            key=uuid.uuid4().hex)


def test_finance_downloads_the_receipt_of_an_order_charged_to_the_account(client, plan: Package) -> None:
    # given a company's order of 3 eSIMs charged to its account, and a credit note for one of them
    admin = new_company(credit_limit_cents=1_000_000)
    order = _placed(admin, plan, 3)
    with db.session() as s, s.begin():
        s.add(LedgerEntry(enterprise_account_id=admin.company_id, kind=LedgerKind.CREDIT_NOTE,  # type: ignore[arg-type]
                          amount_cents=order.total_cents // 3, currency=order.currency, bulk_order_id=order.id,
                          note="one eSIM undelivered"))
    # when its finance user downloads the receipt
    response = _get(client, order.ref, teammate(admin, "finance"))
    # then it is the order's PDF: the line, the total charged to the account, the credit and the net
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == f'attachment; filename="receipt-{order.ref}.pdf"'
    text = _text(response.content)
    credit = order.total_cents // 3
    for expected in (order.ref, "Acme Travel", f"{plan.destination_name}",
                     f"3 {format_money(order.total_cents, order.currency)}",
                     f"Total charged to your account {format_money(order.total_cents, order.currency)}",
                     f"Credited -{format_money(credit, order.currency)}",
                     f"Net charged {format_money(order.total_cents - credit, order.currency)}"):
        assert expected in text, f"{expected!r} missing from the receipt:\n{text}"
    assert "paid by card" not in text


def test_only_finance_and_admins_of_the_company_get_it(client, plan: Package) -> None:
    admin = new_company(credit_limit_cents=1_000_000)
    ref = _placed(admin, plan, 1).ref
    assert _get(client, ref, admin).status_code == 200
    refused = _get(client, ref, teammate(admin, "operations"))
    assert refused.status_code == 403 and b"%PDF" not in refused.content
    stranger = _get(client, ref, new_company(credit_limit_cents=1_000_000))
    assert stranger.status_code == 404 and ref not in stranger.text and b"%PDF" not in stranger.content
    assert stranger.text == _get(client, "BLKDOESNOTEXIST", admin).text  # same answer: nothing leaks
    assert _get(client, ref, None).status_code == 401


def test_an_unpaid_card_order_has_no_receipt(client, plan: Package) -> None:
    admin = new_company()
    pending = _placed(admin, plan, 2, payment="card")
    with db.get_engine().connect() as conn:
        assert conn.execute(sa.text("SELECT status FROM bulk_orders WHERE id = :id"),
                            {"id": pending.id}).scalar_one() == "pending"
    response = _get(client, pending.ref, admin)
    assert response.status_code == 404 and "has not been paid" in response.text
