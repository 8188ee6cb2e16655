"""The admin home's state and the CSV route, used as a browser would: staff sessions by role, a
customer's session, no session; the figures shown are the service's; the CSV is a download."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from starlette.testclient import TestClient

from esim_app.http.api import build_api
from esim_app.http.session import cookie_name
from esim_app.state.admin_home import AdminHomeState
from services import admin
from services.accounts import passwords
from services.core import format_money
from tests.integration.auth.conftest import latest_code
from tests.support.analytics import seed_shop
from tests.support.staff import staff_sign_in
from tests.support.tabs import exchange, tab

PASSWORD = "a long admin passphrase"


@pytest.fixture(scope="module", autouse=True)
def shop():
    return seed_shop(dt.datetime.now(dt.UTC), orders=150, seed=3)


def _staff_token(role: str) -> str:
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    passwords.create_admin(email, PASSWORD, staff_role=role)
    return exchange(staff_sign_in(email, PASSWORD)).token


def _customer_token() -> str:
    from services.accounts import codes

    email = f"cust-{uuid.uuid4().hex[:8]}@example.com"
    codes.request_login_code(email, ip="10.7.0.1")
    return exchange(codes.verify_login_code(email, latest_code(email), ip="10.7.0.1", user_agent=None)).token


async def test_finance_sees_the_figures_and_switching_the_range_changes_them():
    state = tab(AdminHomeState, _staff_token("finance"))
    assert await AdminHomeState.event_handlers["load"].fn(state) is None
    identity = await state._current()
    board = await admin.load_dashboard(identity, period="30d")
    assert state.sees_money and state.kpis[0].value == format_money(board.money.current.revenue_cents, "USD")
    assert len(state.series) == 30 and state.destinations and state.attention
    month = state.kpis[3].value
    await AdminHomeState.event_handlers["set_period"].fn(state, "12m")
    assert state.period == "12m" and state.granularity == "week" and state.kpis[3].value != month
    await AdminHomeState.event_handlers["set_period"].fn(state, "custom")  # waits for the dates
    assert state.period == "custom" and state.granularity == "week"
    today = dt.datetime.now(dt.UTC).date()
    await AdminHomeState.event_handlers["apply_custom"].fn(state, {"start": str(today - dt.timedelta(days=6)),
                                                                    "end": str(today)})
    assert state.error == "" and len(state.series) == 7
    await AdminHomeState.event_handlers["apply_custom"].fn(state, {"start": "2026-13-01", "end": "x"})
    assert "valid range" in state.error


@pytest.mark.parametrize("role", ["operations", "support"])
async def test_operations_and_support_get_the_lists_but_no_money(role):
    state = tab(AdminHomeState, _staff_token(role))
    await AdminHomeState.event_handlers["load"].fn(state)
    await AdminHomeState.event_handlers["set_period"].fn(state, "12m")
    assert not state.sees_money and state.series == [] and state.kpis[0].value == "" and state.attention


async def test_a_customer_or_no_session_is_sent_to_sign_in_with_nothing_loaded():
    for token in ("", _customer_token()):
        state = tab(AdminHomeState, token)
        for name, args in (("load", ()), ("set_period", ("12m",)), ("apply_custom", ({"start": "2026-01-01",
                                                                                        "end": "2026-02-01"},))):
            assert await AdminHomeState.event_handlers[name].fn(state, *args) is not None  # a redirect
            assert state.series == [] and state.attention == [] and not state.sees_money


def _client(token: str = "") -> TestClient:
    client = TestClient(build_api())
    if token:
        client.cookies.set(cookie_name(), token)
    return client


def test_the_csv_route_streams_a_download_for_staff_by_role():
    finance = _client(_staff_token("finance"))
    reply = finance.get("/api/exports/admin/destinations.csv?period=12m")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/csv")
    assert reply.headers["content-disposition"].startswith('attachment; filename="admin-destinations-')
    assert reply.text.splitlines()[0] == "key,name,orders,revenue_usd,refunds_usd,margin_usd"
    assert len(reply.text.splitlines()) > 1
    support = _client(_staff_token("support"))
    assert support.get("/api/exports/admin/plans.csv").status_code == 403
    assert support.get("/api/exports/admin/attention.csv").status_code == 200
    assert finance.get("/api/exports/admin/passwords.csv").status_code == 400
    assert finance.get("/api/exports/admin/plans.csv?period=custom&start=2026-02-01&end=2026-01-01").status_code == 400
    assert _client().get("/api/exports/admin/plans.csv").status_code == 401
    assert _client(_customer_token()).get("/api/exports/admin/attention.csv").status_code == 401
