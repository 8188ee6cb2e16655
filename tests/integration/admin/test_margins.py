"""Margin rules from the admin dashboard: preview equals what saving stores, prices change at once,
the storefront shows them, every change is audited, and only owners and operations may do it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from services import admin, catalog
from services.accounts.errors import NotPermitted
from services.core import db
from services.core.cache import invalidate_catalog_cache
from services.store import settings as store
from tests.integration.admin.support import staff


@pytest.fixture(autouse=True)
def default_rules(sandbox) -> None:
    """Each test starts from the default rules and prices that match them."""
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("DELETE FROM settings WHERE key LIKE 'pricing.%' OR key = 'providers.paused'"))
    from services.catalog import reprice

    reprice.apply_settings()
    invalidate_catalog_cache()


def _prices(slugs: list[str]) -> dict[str, int]:
    with db.get_engine().connect() as conn:
        rows = conn.execute(sa.text("SELECT slug, price_cents FROM packages WHERE slug = ANY(:s)"), {"s": slugs})
        return dict(rows.all())


def _audit(action: str, admin_id: int) -> list[dict]:
    with db.get_engine().connect() as conn:
        return [r[0] for r in conn.execute(sa.text(
            "SELECT details FROM audit_log WHERE action = :a AND actor_id = :id ORDER BY id"),
            {"a": action, "id": admin_id})]


async def test_the_preview_is_exactly_what_saving_stores_and_the_storefront_shows_it() -> None:
    owner = staff("owner")
    change = admin.MarginChange("destination", "jp", "80")
    preview = await admin.preview_margin(owner, change)
    assert preview.change.key == "JP" and preview.before == "" and preview.total == len(preview.changes) > 0
    assert all(c.destination_code == "JP" and c.new_price_cents > c.old_price_cents for c in preview.changes)
    japan_before = await catalog.list_country_plans("japan")
    saved = await admin.save_margin(owner, change, ip="10.1.1.1")
    assert saved.repriced == preview.total
    assert _prices([c.slug for c in preview.changes]) == {c.slug: c.new_price_cents for c in preview.changes}
    japan_after = await catalog.list_country_plans("japan")
    expected = {c.slug: c.new_price_cents for c in preview.changes}
    shown = {p.slug: p.price_cents for p in japan_after.offers}
    assert shown and all(expected[slug] == price for slug, price in shown.items())  # every Japan plan repriced
    assert [p.price_cents for p in japan_after.offers] != [p.price_cents for p in japan_before.offers]
    [row] = _audit("catalog.margin_changed", owner.principal_id)
    assert row["entity"] == "margin"
    with db.get_engine().connect() as conn:  # the audit page's object columns name the rule
        assert conn.execute(sa.text("SELECT entity_type, entity_id FROM audit_log WHERE action = 'catalog.margin_changed'"
                                    " AND actor_id = :id"), {"id": owner.principal_id}).one() == ("margin", "destination:JP")
    assert row["before"] == {"value": ""} and row["after"] == {"value": "80"} and row["repriced"] == preview.total


async def test_a_minimum_margin_and_a_price_ending_are_applied_to_every_offer() -> None:
    ops = staff("operations")
    await admin.save_margin(ops, admin.MarginChange("minimum", "", "500"), ip=None)
    await admin.save_margin(ops, admin.MarginChange("rounding", "", "0.49"), ip=None)
    with db.get_engine().connect() as conn:
        rows = conn.execute(sa.text("SELECT cost_micros, cost_currency, price_cents FROM packages"
                                    " WHERE vanished_at IS NULL AND cost_currency = 'USD'")).all()
    assert rows
    for cost_micros, _, price in rows:
        assert price % 100 == 49
        assert price * 10_000 >= cost_micros + 500 * 10_000  # at least cost plus five dollars
    assert [r["after"] for r in _audit("catalog.margin_changed", ops.principal_id)] == [
        {"value": "500"}, {"value": "0.49"}]


async def test_removing_a_rule_returns_to_the_next_one_in_precedence() -> None:
    owner = staff("owner")
    await admin.save_margin(owner, admin.MarginChange("destination", "JP", "80"), ip=None)
    back = await admin.preview_margin(owner, admin.MarginChange("destination", "JP", ""))
    assert back.before == "80" and back.total > 0
    assert all(c.new_price_cents < c.old_price_cents for c in back.changes)


@pytest.mark.parametrize("role", ["support", "finance"])
async def test_support_and_finance_cannot_preview_or_save_margins(role: str) -> None:
    member = staff(role)
    with pytest.raises(NotPermitted):
        await admin.preview_margin(member, admin.MarginChange("default", "", "90"))
    with pytest.raises(NotPermitted):
        await admin.save_margin(member, admin.MarginChange("default", "", "90"), ip=None)
    assert store.get_store_settings().default_margin_percent == store.DEFAULTS.default_margin_percent


async def test_an_invalid_rule_is_refused_with_words_and_nothing_changes() -> None:
    owner = staff("owner")
    for change in (admin.MarginChange("destination", "atlantis", "10"), admin.MarginChange("default", "", "-5"),
                   admin.MarginChange("rounding", "", "0.999"), admin.MarginChange("bogus", "", "1")):
        with pytest.raises(store.InvalidSetting):
            await admin.preview_margin(owner, change)
    assert _audit("catalog.margin_changed", owner.principal_id) == []


async def test_offer_overrides_are_audited_and_back_to_auto_restores_the_best_price() -> None:
    owner = staff("operations")
    page = await admin.list_offer_groups(owner, destination="JP")
    assert page.groups > 0 and page.rows
    best = next(r for r in page.rows if r.is_best_price)
    flags = await admin.set_offer_choice(owner, best.slug, "disable", ip=None)
    assert not flags.is_enabled and not flags.auto_mode
    flags = await admin.set_offer_choice(owner, best.slug, "auto", ip=None)
    assert flags.auto_mode and flags.is_enabled and flags.is_best_price
    rows = _audit("catalog.offer_disable", owner.principal_id) + _audit("catalog.offer_auto", owner.principal_id)
    assert [r["after"]["is_enabled"] for r in rows] == [False, True]
    assert rows[0]["before"] == {"is_enabled": True, "auto_mode": True}
