"""The handler-authorisation inventory: every public event handler of every state, called as a hostile
websocket client could, reads and changes nothing that is not the caller's.

Each handler of a portal state (customer, enterprise and admin) is
called (a) with no session, (b) with another customer's session and Alice's references, (c) with
sessions of the other portals' roles, (d) with another company's enterprise session; afterwards
no trace of Alice's data may be in the tab's state and none of her rows may have changed. Public
handlers (search, filters, sign-in forms) are on an explicit allow-list and are called with no
session under the same checks. A handler that is on neither list, or whose arguments are unknown
here, fails the test: add it to `ARGS` / `PUBLIC` when you add it to the app.
"""

from __future__ import annotations

import inspect
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import reflex as rx
import sqlalchemy as sa
from reflex.istate.data import PageData, URLData
from reflex_base import constants

import esim_app.esim_app  # noqa: F401  (every page and state registers itself)
from esim_app.state import auth
from services.accounts import codes, passwords
from services.core import db
from services.core.models import Esim, Order, OrderStatus, Package, RefundRequest, RefundStatus, User
from services.enterprise import companies as enterprise_companies
from services.support import tickets as support
from tests.integration.auth.conftest import latest_code
from tests.support.enterprise import company_user
from tests.support.staff import staff_sign_in
from tests.support.tabs import SignedIn, exchange, tab

SINGLE = constants.RouteArgType.SINGLE
ROUTE_ARGS = ("country_slug", "region_slug", "plan_ref", "order_ref", "esim_ref", "ticket_ref", "link_token")

# Public by design: no session needed. Still called with none, and still must not leak Alice's data.
PUBLIC = {
    "AuthState.guard", "AuthState.identify", "AuthState.logout",
    "CodeLoginState.send_code", "CodeLoginState.verify_code", "CodeLoginState.change_email",
    "PasswordLoginState.login_enterprise",
    "StaffLoginState.submit_password", "StaffLoginState.confirm_enrolment", "StaffLoginState.finish_enrolment",
    "StaffLoginState.submit_code", "StaffLoginState.start_over",
    "SetPasswordState.load", "SetPasswordState.set_password", "ForgotPasswordState.request_reset",
    "DestinationSearchState.set_query", "DestinationSearchState.open_first",
    "DisplayCurrencyState.load", "DisplayCurrencyState.set_currency", "LandingState.load",
    "PlanListState.load_country", "PlanListState.load_region", "PlanListState.load_global",
    "PlanListState.set_sort", "PlanListState.set_data_filter", "PlanListState.set_days_filter",
    "PlanListState.set_unlimited_only", "PlanListState.set_include_multi", "PlanListState.refresh_prices",
    "PlanDetailState.load", "PlanDetailState.refresh_prices",
}
# The sandbox inbox is everyone's mail by design, for loopback clients only (its own test below).
SANDBOX = {"InboxState.load"}


@dataclass(frozen=True)
class Refs:
    """Alice's references, as a hostile browser would send them."""

    order: str
    esim: str
    ticket: str
    member: int  # a user id of Acme, the company whose team the other companies must not reach


ARGS: dict[str, Callable[[Refs], tuple]] = {
    "AuthState.guard": lambda r: ("customer", []),
    "CodeLoginState.send_code": lambda r: ({"email": "stranger@example.com"},),
    "CodeLoginState.verify_code": lambda r: ({"code": "000000"},),
    "StaffLoginState.submit_password": lambda r: ({"email": "x@example.com", "password": "guess guess guess"},),
    "StaffLoginState.confirm_enrolment": lambda r: ({"totp": "000000"},),
    "StaffLoginState.submit_code": lambda r: ({"totp": "000000"},),
    "PasswordLoginState.login_enterprise": lambda r: ({"email": "x@example.com", "password": "guess guess"},),
    "SetPasswordState.set_password": lambda r: ({"password": "a hostile passphrase", "confirm": "a hostile passphrase"},),
    "ForgotPasswordState.request_reset": lambda r: ({"email": "stranger@example.com"},),
    "TeamState.invite": lambda r: ({"email": f"mallory-{uuid.uuid4().hex[:8]}@example.com", "role": "admin"},),
    "TeamState.change_role": lambda r: (r.member, "viewer"),
    "DestinationSearchState.set_query": lambda r: ("jap",),
    "DestinationSearchState.open_first": lambda r: ({},),
    "DisplayCurrencyState.set_currency": lambda r: ("EUR",),
    "PlanListState.set_sort": lambda r: ("price",),
    "PlanListState.set_data_filter": lambda r: ("3",),
    "PlanListState.set_days_filter": lambda r: ("7",),
    "PlanListState.set_unlimited_only": lambda r: (True,),
    "PlanListState.set_include_multi": lambda r: (True,),
    "RefundState.load": lambda r: (r.order,),
    "RefundState.request": lambda r: ({"reason": "not mine"},),
    "RefundQueueState.ask": lambda r: (r.order, True),
    "RefundQueueState.decide": lambda r: ({"note": "approve it"},),
    "RefundQueueState.sort_by": lambda r: ("order",),
    "RefundQueueState.go_to_page": lambda r: (1,),
    "AdminHomeState.set_period": lambda r: ("12m",),
    "AdminHomeState.apply_custom": lambda r: ({"start": "2026-01-01", "end": "2026-02-01"},),
    "CheckoutState.card_mounted": lambda r: ({"ready": True},),
    "CheckoutState.charge": lambda r: ({"paymentMethod": "pm_card_visa"},),
    "CheckoutState.authenticated": lambda r: ({"paymentIntent": "pi_x"},),
    "SupportState.open_ticket": lambda r: ({"subject": "hi", "body": "there", "order_ref": r.order},),
    "SupportState.sort_by": lambda r: ("subject",),
    "SupportState.go_to_page": lambda r: (1,),
    "TicketState.send_reply": lambda r: ({"body": "sneaky"},),
    "ProfileState.save": lambda r: ({"first_name": "Mallory", "last_name": "", "country": "FR",
                                     "currency": "EUR", "language": "en"},),
}


def _descendants(cls: type[rx.State]) -> list[type[rx.State]]:
    return [sub for direct in cls.get_substates() for sub in (direct, *_descendants(direct))]


def _handlers() -> dict[str, tuple[type[rx.State], str]]:
    """"State.handler" -> (state class, handler name) for every handler the app defines."""
    found = {}
    for cls in _descendants(rx.State):
        for name, handler in cls.event_handlers.items():
            if handler.fn.__module__.startswith("esim_app"):
                found[f"{cls.__name__}.{name}"] = (cls, name)
    return found


def _owner_role(cls: type[rx.State]) -> str | None:
    bases = {"customer": "CustomerState", "enterprise": "EnterpriseState", "admin": "AdminState"}
    for role, base_name in bases.items():
        base = getattr(auth, base_name, None)
        if base is not None and issubclass(cls, base):
            return role
    return None


def _enterprise(company: str, *, company_id: int | None = None, role: str = "admin") -> SignedIn:
    email = f"{company.lower().replace(' ', '-')}-{uuid.uuid4().hex[:8]}@example.com"
    company_user(email, "correct horse battery", company=company, company_id=company_id, role=role)
    return exchange(passwords.login_with_password("enterprise", email, "correct horse battery", ip="10.9.0.1",
                                                  user_agent=None))


def _customer(name: str) -> SignedIn:
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    codes.request_login_code(email, ip=f"10.9.{len(name)}.2")
    return exchange(codes.verify_login_code(email, latest_code(email), ip="10.9.0.2", user_agent=None))


@dataclass(frozen=True)
class World:
    refs: Refs
    alice: SignedIn
    alice_id: int
    markers: tuple[str, ...]
    callers: dict[str, SignedIn]  # case name -> session
    acme_id: int
    acme_admin: SignedIn


@pytest.fixture(scope="module")
def world(database_url: str) -> World:
    alice, marker = _customer("alice"), uuid.uuid4().hex
    uid = alice.identity.principal_id
    with db.session() as s:
        s.get(User, uid).first_name = f"Alice{marker[:6]}"  # type: ignore[union-attr]
        package = Package(slug=f"inv-{marker[:8]}", provider_id="airalo", provider_package_id=f"p-{marker[:8]}",
                          kind="local", destination_code="JP", destination_name="Japan", name="Japan 3 GB",
                          data_mb=3072, validity_days=15, cost_micros=4_000_000, price_cents=799,
                          group_key=f"g-{marker[:8]}")
        s.add(package)
        s.flush()
        order = Order(user_id=uid, package_id=package.id, client_reference=marker, price_cents=799,
                      status=OrderStatus.COMPLETED)
        s.add(order)
        s.flush()
        esim = Esim(order_id=order.id, user_id=uid, provider_id="airalo", iccid=f"8944{marker[:14]}",
                    lpa=f"LPA:1$rsp.example.com${marker}", smdp_address="rsp.example.com", matching_id=marker,
                    total_mb=3072)
        s.add(esim)
        s.add(RefundRequest(order_id=order.id, status=RefundStatus.REVIEW, requested_by="customer", actor_id=uid,
                            reason=f"refund {marker}", provider_outcome="unsupported"))  # in the staff queue
        s.commit()
        refs = (order.display_id, esim.display_id)
    ticket = support.open_ticket(uid, subject=f"Private {marker[:10]}", body=f"secret {marker}").summary.ref
    callers = {"another customer": _customer("bob"), "another company": _enterprise("Globex")}
    acme_admin = _enterprise("Acme")
    member_email = f"acme-member-{marker[:8]}@example.com"
    member = enterprise_companies.invite_user(acme_admin.identity, member_email, "finance", ip=None)
    callers["a viewer of Acme"] = _enterprise("Acme viewer", company_id=acme_admin.identity.org_id,
                                              role="viewer")
    passwords.create_admin(admin := f"ops-{marker[:8]}@example.com", "a long admin passphrase")
    callers["an admin"] = exchange(staff_sign_in(admin, "a long admin passphrase", ip="10.9.0.3"))
    return World(Refs(refs[0], refs[1], ticket, member.id), alice, uid,
                 (marker, marker[:10], f"Alice{marker[:6]}", alice.identity.email, member_email), callers,
                 acme_admin.identity.org_id, acme_admin)  # type: ignore[arg-type]


def _rows(world: World) -> str:
    """Alice's rows, and Acme's users and their links."""
    queries = [
        "SELECT md5(string_agg(u::text, '|' ORDER BY u.id)) FROM enterprise_users u WHERE enterprise_account_id = :a",
        ("SELECT md5(string_agg(t::text, '|' ORDER BY t.id)) FROM enterprise_tokens t"
         " JOIN enterprise_users u ON u.id = t.enterprise_user_id WHERE u.enterprise_account_id = :a"),
    ]
    with db.get_engine().connect() as conn:
        acme = "/".join(str(conn.execute(sa.text(q), {"a": world.acme_id}).scalar()) for q in queries)
    return _alices_rows(world.alice_id) + "/" + acme


def _alices_rows(alice_id: int) -> str:
    """A digest of every row of Alice's: account, orders, eSIMs, refunds, tickets and messages."""
    queries = [
        "SELECT md5(string_agg(u::text, '|')) FROM users u WHERE id = :a",
        "SELECT md5(string_agg(o::text, '|' ORDER BY o.id)) FROM orders o WHERE user_id = :a",
        "SELECT md5(string_agg(e::text, '|' ORDER BY e.id)) FROM esims e WHERE user_id = :a",
        ("SELECT md5(string_agg(r::text, '|' ORDER BY r.id)) FROM refund_requests r"
         " JOIN orders o ON o.id = r.order_id WHERE o.user_id = :a"),
        "SELECT md5(string_agg(t::text, '|' ORDER BY t.id)) FROM support_tickets t WHERE user_id = :a",
        ("SELECT md5(string_agg(m::text, '|' ORDER BY m.id)) FROM support_messages m"
         " JOIN support_tickets t ON t.id = m.ticket_id WHERE t.user_id = :a"),
    ]
    with db.get_engine().connect() as conn:
        return "/".join(str(conn.execute(sa.text(q), {"a": alice_id}).scalar()) for q in queries)


def _browser_tab(cls: type[rx.State], token: str, refs: Refs) -> rx.State:
    """A tab on a page whose route arguments and `?esim=` name Alice's things."""
    state = tab(cls, token)
    root = state
    while root.parent_state is not None:
        root = root.parent_state
    params = {"order_ref": refs.order, "esim_ref": refs.esim, "ticket_ref": refs.ticket, "plan_ref": "x",
              "country_slug": "japan", "region_slug": "asia"}
    data = {"pathname": "/account", "asPath": f"/account?esim={refs.esim}", "query": {**params, "esim": refs.esim}}
    root.rx_router_page = PageData.from_router_data(data)
    root.rx_router_url = URLData.from_router_data({**data, "headers": {"origin": "http://127.0.0.1:3000"}})
    return state


async def _call(state: rx.State, name: str, args: tuple) -> str:
    """Run the handler as an event would; the error it raised ("" for none). An error is no leak:
    what matters is what the state holds and the database keeps afterwards."""
    try:
        result = type(state).event_handlers[name].fn(state, *args)  # background tasks too
        if inspect.isasyncgen(result):
            async for _ in result:
                pass
        elif inspect.isawaitable(result):
            await result
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__
    return ""


def _leaks(state: rx.State, markers: tuple[str, ...]) -> list[str]:
    root = state
    while root.parent_state is not None:
        root = root.parent_state
    dumped = json.dumps(root.dict(), default=str)
    return [m for m in markers if m in dumped]


async def test_every_handler_is_covered_and_refuses_strangers(world: World, record_property) -> None:
    rx.State.setup_dynamic_args(dict.fromkeys(ROUTE_ARGS, SINGLE))
    handlers = _handlers()
    uncovered = sorted(name for name, (cls, h) in handlers.items()
                       if name not in SANDBOX and name not in PUBLIC and _owner_role(cls) is None)
    assert not uncovered, f"handlers on no list (add them to PUBLIC or to a portal base state): {uncovered}"
    missing_args = sorted(name for name, (cls, h) in handlers.items() if name not in SANDBOX and name not in ARGS
                          and len(inspect.signature(cls.event_handlers[h].fn).parameters) > 1)
    assert not missing_args, f"no arguments known for: {missing_args}"
    before, checked, failures, raised = _rows(world), 0, [], set()
    for name, (cls, handler) in sorted(handlers.items()):
        if name in SANDBOX:
            continue
        owner = _owner_role(cls)
        cases = {"no session": ""} | ({} if owner is None else {
            case: caller.token for case, caller in world.callers.items()
            if caller.identity.role != owner or case in ("another customer", "another company")})
        for case, token in cases.items():
            state = _browser_tab(cls, token, world.refs)
            if error := await _call(state, handler, ARGS.get(name, lambda r: ())(world.refs)):
                raised.add(f"{name}: {error}")
            checked += 1
            if leaked := _leaks(state, world.markers):
                failures.append(f"{name} with {case} put Alice's data in the state: {leaked}")
            if _rows(world) != before:
                failures.append(f"{name} with {case} changed Alice's or Acme's rows")
                before = _rows(world)
    print(f"\nhandler inventory: {len(handlers)} handlers, {checked} calls checked;"
          f" raised (no leak, but an error toast): {sorted(raised)}")
    record_property("security_handlers_checked", len(handlers) - len(SANDBOX))
    assert not failures, "\n".join(failures)


async def test_the_owner_does_see_her_data_so_the_checks_can_see_a_leak(world: World) -> None:
    from esim_app.state.account import EsimPageState

    rx.State.setup_dynamic_args(dict.fromkeys(ROUTE_ARGS, SINGLE))
    state = _browser_tab(EsimPageState, world.alice.token, world.refs)
    await _call(state, "load", ())
    assert _leaks(state, world.markers)


async def test_a_company_admin_does_see_the_team_so_the_checks_can_see_a_leak(world: World) -> None:
    from esim_app.state.business import TeamState

    state = _browser_tab(TeamState, world.acme_admin.token, world.refs)
    await _call(state, "load", ())
    assert _leaks(state, world.markers)


async def test_the_sandbox_inbox_shows_a_remote_caller_no_mail(world: World) -> None:
    from esim_app.state.inbox import InboxState

    state = tab(InboxState, "", ip="203.0.113.50")
    await _call(state, "load", ())
    assert not _leaks(state, (world.alice.identity.email,)) and state.messages == []


async def test_staff_do_see_the_refund_queue_so_the_checks_can_see_a_leak(world: World) -> None:
    from esim_app.state.refund_queue import RefundQueueState

    state = _browser_tab(RefundQueueState, world.callers["an admin"].token, world.refs)
    await _call(state, "load", ())
    assert _leaks(state, world.markers)
