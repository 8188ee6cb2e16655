"""Staff below an action's role, driving the action's whole flow on one tab as its page does (open the
page, open the confirmation, confirm) instead of one handler on a fresh tab as the inventory does:
nothing of Alice's, Acme's, the staff's or the store's settings changes. Controls: an owner running
some of the same flows does change those rows (then puts them back), so the check would see it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import reflex as rx

from esim_app.state.admin.customers import AdminCustomerState
from esim_app.state.admin.order import AdminOrderState
from esim_app.state.admin_company import AdminCompanyState
from esim_app.state.admin_currencies import CurrencySettingsState
from esim_app.state.admin_enterprise import CompaniesState
from esim_app.state.admin_ops import SettingsState
from esim_app.state.admin_packages import PackagesState
from esim_app.state.admin_providers import ProvidersState
from esim_app.state.admin_quotes import QuotePricingState
from esim_app.state.admin_staff import StaffState
from esim_app.state.admin_tickets import AdminTicketState
from esim_app.state.refund_queue import RefundQueueState
from tests.integration.security.inventory_args import ARGS, ROUTE_ARGS, SINGLE, Refs
from tests.integration.security.test_handler_inventory import _browser_tab, _call
from tests.integration.security.world import World, _rows

Step = tuple[str, Callable[[Refs], tuple]]
pytestmark = pytest.mark.usefixtures("providers_answer")

OPERATORS, SUPPORT_DESK = ("owner", "operations"), ("owner", "support")
PRICERS = ("owner", "operations", "finance")
NOTE: Callable[[Refs], tuple] = lambda r: ({"note": "as asked", "amount": ""},)  # noqa: E731
NOTHING: Callable[[Refs], tuple] = lambda r: ()  # noqa: E731
MARGIN_90: Step = ("preview", lambda r: ({"target": "dest:JP", "value": "90"},))
MARGIN_NONE: Step = ("preview", lambda r: ({"target": "dest:JP", "value": ""},))

# flow -> (page state, the staff roles it is for, its steps after `load`)
FLOWS: dict[str, tuple[type[rx.State], tuple[str, ...], list[Step]]] = {
    "refund Alice's order": (AdminOrderState, ("owner", "operations", "support"),
                             [("ask", lambda r: ("refund", 0)), ("confirm", NOTE)]),
    "retry Alice's order": (AdminOrderState, OPERATORS, [("ask", lambda r: ("retry", 0)), ("confirm", NOTE)]),
    "cancel Alice's eSIM at the provider": (AdminOrderState, OPERATORS,
                                            [("ask", lambda r: ("cancel", 0)), ("confirm", NOTE)]),
    "disable Alice": (AdminCustomerState, SUPPORT_DESK, [("ask", lambda r: ("disable",)), ("confirm", NOTE)]),
    "end Alice's sessions": (AdminCustomerState, SUPPORT_DESK, [("ask", lambda r: ("revoke",)), ("confirm", NOTE)]),
    "approve Alice's refund request": (RefundQueueState, SUPPORT_DESK,
                                       [("ask", lambda r: (r.order, True)), ("decide", NOTE)]),
    "reply to Alice's ticket": (AdminTicketState, SUPPORT_DESK, [("send_reply", ARGS["AdminTicketState.send_reply"]),
                                                                 ("close", NOTHING)]),
    "change Japan's margin": (PackagesState, OPERATORS, [MARGIN_90, ("save", NOTHING)]),
    "switch Alice's plan off": (PackagesState, OPERATORS, [("filter_offers", ARGS["PackagesState.filter_offers"]),
                                                          ("set_choice", ARGS["PackagesState.set_choice"])]),
    "set a currency rate": (CurrencySettingsState, ("owner",), [("save", ARGS["CurrencySettingsState.save"])]),
    "switch a provider off": (ProvidersState, OPERATORS, [("set_enabled", ARGS["ProvidersState.set_enabled"])]),
    "record a payment from Acme": (AdminCompanyState, ("owner", "finance"),
                                   [("record_entry", ARGS["AdminCompanyState.record_entry"]),
                                    ("save_credit_limit", ARGS["AdminCompanyState.save_credit_limit"])]),
    "suspend Acme": (CompaniesState, PRICERS, [("ask", ARGS["CompaniesState.ask"]), ("confirm", NOTHING)]),
    "price Acme's quote again": (QuotePricingState, PRICERS, [("send", ARGS["QuotePricingState.send"])]),
    "disable the owner": (StaffState, ("owner",), [("ask", ARGS["StaffState.ask"]), ("confirm", NOTHING)]),
    "change the refund window": (SettingsState, ("owner",), [("save", ARGS["SettingsState.save"])]),
}


async def _run(world: World, cls: type[rx.State], token: str, steps: list[Step]) -> rx.State:
    """The flow on one tab, as the page drives it: `load` first, then each step."""
    state = _browser_tab(cls, token, world.refs)
    for name, args in [("load", NOTHING), *steps]:
        await _call(state, name, args(world.refs))
    return state


@pytest.mark.parametrize("flow", sorted(FLOWS))
async def test_staff_below_an_action_cannot_do_it_through_its_whole_flow(world: World, flow: str) -> None:
    rx.State.setup_dynamic_args(dict.fromkeys(ROUTE_ARGS, SINGLE))
    cls, allowed, steps = FLOWS[flow]
    below = [case for case, caller in world.callers.items()
             if caller.identity.role == "admin" and not set(caller.identity.roles) & set(allowed)]
    assert below, f"no staff role is below {flow!r}"
    before = _rows(world)
    for case in below:
        await _run(world, cls, world.callers[case].token, steps)
        assert _rows(world) == before, f"{case} could {flow}"


@pytest.mark.parametrize(("flow", "undo"), [
    ("change Japan's margin", [MARGIN_NONE, ("save", NOTHING)]),
    ("switch Alice's plan off", [("set_choice", lambda r: (r.plan, "auto"))]),
    ("switch a provider off", [("set_enabled", lambda r: ("airalo", True))]),
])
async def test_an_owner_doing_the_same_flow_changes_the_rows_the_check_reads(world: World, flow: str,
                                                                              undo: list[Step]) -> None:
    rx.State.setup_dynamic_args(dict.fromkeys(ROUTE_ARGS, SINGLE))
    cls, _, steps = FLOWS[flow]
    owner = world.callers["an admin"].token
    before = _rows(world)
    state = await _run(world, cls, owner, steps)
    try:
        assert _rows(world) != before, f"the owner's {flow!r} changed nothing: {getattr(state, 'error', '')}"
    finally:
        await _run(world, cls, owner, undo)
