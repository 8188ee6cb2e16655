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

import reflex as rx
from reflex.istate.data import PageData, URLData

import esim_app.esim_app  # noqa: F401  (every page and state registers itself)
from esim_app.state import auth
from tests.integration.security.inventory_args import ARGS, PUBLIC, ROUTE_ARGS, SANDBOX, SINGLE, Refs
from tests.integration.security.quote_inventory import COMPANY_ALLOWED
from tests.integration.security.world import World, _rows
from tests.support.tabs import tab


# The staff roles each admin state serves; staff of any other role are called too and must be refused.
STAFF_ALLOWED = {
    "StaffState": ("owner",),
    "JobsState": ("owner", "operations"),
    "AuditState": ("owner", "finance"),
    "AdminTicketsState": ("owner", "support"),
    "AdminTicketState": ("owner", "support"),
    "RefundQueueState": ("owner", "support"),
    "SettingsState.save": ("owner",),  # everyone reads the settings; only owners save
    **dict.fromkeys(("CurrencySettingsState.save", "CurrencySettingsState.stop"), ("owner",)),
    "PackagesState": ("owner", "operations"),  # catalogue and margins
    **dict.fromkeys(("ProvidersState.set_enabled", "ProvidersState.test_connection", "ProvidersState.set_threshold",
                     "ProvidersState.sync_now"), ("owner", "operations")),  # everyone reads the providers page
    **dict.fromkeys(("AdminOrderState.ask", "AdminOrderState.confirm"), ("owner", "operations", "support")),
    **dict.fromkeys(("AdminCustomerState.ask", "AdminCustomerState.confirm"), ("owner", "support")),
    **dict.fromkeys(("AdminCompanyState.record_entry", "AdminCompanyState.save_credit_limit",
                     "AdminCompanyState.save_tiers"), ("owner", "finance")),
    **dict.fromkeys(("CompaniesState.create", "CompaniesState.ask", "CompaniesState.confirm",
                     "QuotePricingState.send"), ("owner", "operations", "finance")),
}


def _staff_below(handler: str, roles: tuple[str, ...]) -> bool:
    """Whether a staff or company caller with `roles` is below what `handler` ("State.handler") is for
    (unlisted: no)."""
    listed = STAFF_ALLOWED | COMPANY_ALLOWED
    allowed = listed.get(handler, listed.get(handler.split(".")[0]))
    return bool(roles) and allowed is not None and not set(roles) & set(allowed)


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


def _browser_tab(cls: type[rx.State], token: str, refs: Refs) -> rx.State:
    """A tab on a page whose route arguments and `?esim=` name Alice's things."""
    state = tab(cls, token)
    root = state
    while root.parent_state is not None:
        root = root.parent_state
    on_bulk_page = cls.__module__ == "esim_app.state.bulk_orders"  # the business order page: Acme's order
    params = {"order_ref": refs.bulk_order if on_bulk_page else refs.order, "esim_ref": refs.esim,
              "ticket_ref": refs.ticket, "plan_ref": "x", "user_ref": refs.user, "country_slug": "japan",
              "region_slug": "asia", "company_ref": refs.company, "statement_month": "2026-12",
              "quote_ref": refs.quote}
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
            if caller.identity.role != owner or case in ("another customer", "another company")
            or _staff_below(name, caller.identity.roles)})
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
