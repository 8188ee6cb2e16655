"""The providers and packages pages' states, called as a tab would: operations staff preview and save a
margin and switch a provider; support and finance staff act on neither (they may read providers)."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from esim_app.state.admin_packages import PackagesState
from esim_app.state.admin_providers import ProvidersState
from services.accounts import passwords
from services.catalog import reprice
from services.core import db
from services.store import settings as store
from tests.support.staff import staff_sign_in
from tests.support.tabs import exchange, tab

PASSWORD = "a long admin passphrase"


@pytest.fixture(autouse=True)
def default_rules(sandbox):
    yield
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("DELETE FROM settings WHERE key LIKE 'pricing.%' OR key LIKE 'providers.%'"))
    reprice.apply_settings()


async def _run(state, name: str, *args) -> list:
    result = type(state).event_handlers[name].fn(state, *args)
    if hasattr(result, "__aiter__"):
        return [item async for item in result]
    return [await result]


def _staff_tab(cls, role: str):
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    passwords.create_admin(email, PASSWORD, staff_role=role)
    return tab(cls, exchange(staff_sign_in(email, PASSWORD)).token)


async def test_operations_preview_then_save_exactly_the_previewed_rule() -> None:
    state = _staff_tab(PackagesState, "operations")
    await _run(state, "load")
    assert state.offers and any(t.value == "dest:JP" for t in state.targets)
    await _run(state, "preview", {"target": "dest:JP", "value": "70"})
    assert state.preview_rows and "JP" in state.preview_title and state.error == ""
    count = len(state.preview_rows)
    await _run(state, "save")
    assert state.preview_rows == [] and f"{count} prices changed" in state.notice
    assert store.get_store_settings().destination_margin_percent == {"JP": 70}


async def test_a_bad_value_is_explained_and_nothing_can_be_saved() -> None:
    state = _staff_tab(PackagesState, "owner")
    await _run(state, "load")
    await _run(state, "preview", {"target": "default", "value": "lots"})
    assert state.error and state.preview_rows == []
    await _run(state, "save")
    assert store.get_store_settings().default_margin_percent == store.DEFAULTS.default_margin_percent


@pytest.mark.parametrize("role", ["support", "finance"])
async def test_support_and_finance_get_no_packages_and_change_nothing(role: str) -> None:
    state = _staff_tab(PackagesState, role)
    for name, args in (("load", ()), ("preview", ({"target": "default", "value": "90"},)), ("save", ())):
        await _run(state, name, *args)
        assert state.offers == [] and state.preview_rows == [] and state.rules == []
    assert store.get_store_settings().default_margin_percent == store.DEFAULTS.default_margin_percent


async def test_support_reads_providers_but_cannot_switch_one_operations_can() -> None:
    support = _staff_tab(ProvidersState, "support")
    await _run(support, "load")
    assert len(support.rows) == 3 and not support.can_act
    provider_id = support.rows[0].provider_id
    await _run(support, "set_enabled", provider_id, False)
    assert store.get_store_settings().paused_providers == frozenset()
    ops = _staff_tab(ProvidersState, "operations")
    await _run(ops, "load")
    assert ops.can_act
    await _run(ops, "set_enabled", provider_id, False)
    assert store.get_store_settings().paused_providers == {provider_id}
    assert not next(r for r in ops.rows if r.provider_id == provider_id).enabled
    await _run(ops, "test_connection", provider_id)
    assert next(r for r in ops.rows if r.provider_id == provider_id).test_result.startswith("Connected")
    await _run(ops, "set_enabled", "not-shown", False)
    assert store.get_store_settings().paused_providers == {provider_id}


async def test_sync_now_reports_progress_and_a_summary() -> None:
    ops = _staff_tab(ProvidersState, "owner")
    await _run(ops, "load")
    await _run(ops, "sync_now")
    assert ops.sync_lines[0].startswith("Fetching") and ops.sync_lines[-1].startswith("Done")
    assert any(line.startswith("Fetched") for line in ops.sync_lines) and not ops.syncing
