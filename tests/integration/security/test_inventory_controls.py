"""Controls of the handler inventory: the owners do see their data (and staff do change Acme's billing),
so the inventory's leak and change checks would notice a stranger doing the same; and the sandbox inbox
shows a remote caller no mail. (Beside the inventory, which stays under the module size limit; they
use its world, tabs and checks.)"""

from __future__ import annotations

import reflex as rx

from tests.integration.security.test_handler_inventory import ARGS, ROUTE_ARGS, SINGLE, _browser_tab, _call, _leaks
from tests.integration.security.world import World, _rows
from tests.support.tabs import tab


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


async def test_a_company_admin_does_see_the_api_keys_so_the_checks_can_see_a_leak(world: World) -> None:
    from esim_app.state.api_keys import ApiKeysState

    state = _browser_tab(ApiKeysState, world.acme_admin.token, world.refs)
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


async def test_acme_and_staff_do_change_acme_billing_so_the_checks_can_see_a_change(world: World) -> None:
    from esim_app.state.admin_company import AdminCompanyState
    from esim_app.state.bulk_orders import BulkOrderState

    rx.State.setup_dynamic_args(dict.fromkeys(ROUTE_ARGS, SINGLE))
    before = _rows(world)
    state = _browser_tab(AdminCompanyState, world.callers["an admin"].token, world.refs)
    assert await _call(state, "record_entry", ARGS["AdminCompanyState.record_entry"](world.refs)) == ""
    assert _rows(world) != before and state.notice
    state = _browser_tab(BulkOrderState, world.acme_admin.token, world.refs)
    await _call(state, "load", ())
    assert state.found and state.status == "pending"
async def test_a_company_user_does_see_its_esims_so_the_checks_can_see_a_leak(world: World) -> None:
    from esim_app.state.esims import EsimsState

    state = _browser_tab(EsimsState, world.acme_admin.token, world.refs)
    await _call(state, "load", ())
    assert _leaks(state, world.markers)


async def test_support_staff_do_see_a_ticket_so_the_checks_can_see_a_leak(world: World) -> None:
    from esim_app.state.admin_tickets import AdminTicketState

    rx.State.setup_dynamic_args(dict.fromkeys(ROUTE_ARGS, SINGLE))
    state = _browser_tab(AdminTicketState, world.callers["support staff"].token, world.refs)  # Alice's ticket page
    await _call(state, "load", ())
    assert _leaks(state, world.markers)


async def test_staff_do_see_an_order_and_a_customer_so_the_checks_can_see_a_leak(world: World) -> None:
    from esim_app.state.admin.customers import AdminCustomerState
    from esim_app.state.admin.order import AdminOrderState

    rx.State.setup_dynamic_args(dict.fromkeys(ROUTE_ARGS, SINGLE))
    for state_class in (AdminOrderState, AdminCustomerState):
        state = _browser_tab(state_class, world.callers["an admin"].token, world.refs)
        await _call(state, "load", ())
        assert _leaks(state, world.markers), state_class.__name__


async def test_acme_and_staff_do_see_the_quote_so_the_checks_can_see_a_leak(world: World) -> None:
    from esim_app.state.admin_quotes import QuotePricingState
    from esim_app.state.quotes import BusinessQuoteState

    rx.State.setup_dynamic_args(dict.fromkeys(ROUTE_ARGS, SINGLE))
    for cls, caller in ((BusinessQuoteState, world.acme_admin), (QuotePricingState, world.callers["an admin"])):
        state = _browser_tab(cls, caller.token, world.refs)
        await _call(state, "load", ())
        assert _leaks(state, world.markers) and state.status == "priced"
