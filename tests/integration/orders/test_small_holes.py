"""Smaller holes of issue 9: disabled top-ups are not sold, and references cannot be guessed."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from providers.registry import ProviderRegistry
from services import orders
from services.core import db
from services.orders import ordering, topups
from services.orders.errors import PlanUnavailable, TopupDoesNotFit
from tests.support.orders import best_offer, order_row, paid_order

RANDOM_REF = r"{}[2-9A-HJ-NP-Z]{{12}}"


def _esim_ref(order_id: int) -> tuple[int, str]:
    with db.get_engine().connect() as conn:
        row = conn.execute(sa.text("SELECT id, display_id FROM esims WHERE order_id = :id"), {"id": order_id}).one()
    return row.id, row.display_id


def _set_enabled(slug: str, enabled: bool) -> None:
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("UPDATE packages SET is_enabled = :on WHERE slug = :slug"), {"on": enabled, "slug": slug})


async def test_a_disabled_top_up_is_neither_offered_nor_sold(registry: ProviderRegistry, completed_order,
                                                              customer: int) -> None:
    # given a customer's eSIM with top-ups on offer
    esim_id, esim_ref = _esim_ref(await completed_order("esim_access"))
    offered = await topups.list_topup_offers(customer, esim_ref=esim_ref, registry=registry)
    assert offered
    slug = offered[0].slug
    # when the operator disables one of them
    _set_enabled(slug, False)
    try:
        # then it is no longer offered, and neither the checkout nor the order itself sells it
        after = await topups.list_topup_offers(customer, esim_ref=esim_ref, registry=registry)
        assert slug not in {o.slug for o in after}
        with pytest.raises(TopupDoesNotFit):
            await topups.check_topup(customer, esim_ref=esim_ref, plan_slug=slug, registry=registry)
        with pytest.raises(PlanUnavailable):
            ordering.create_order(customer, plan_slug=slug, topup_of_esim_id=esim_id)
    finally:
        _set_enabled(slug, True)


async def test_order_and_esim_references_are_random_and_not_sequential(completed_order, customer: int) -> None:
    first, second = await completed_order("esim_access"), await completed_order("esim_access")
    refs = [order_row(first).display_id, order_row(second).display_id]
    assert all(re.fullmatch(RANDOM_REF.format("OID"), r) for r in refs), refs
    assert all(re.fullmatch(RANDOM_REF.format("ESM"), _esim_ref(o)[1]) for o in (first, second))
    assert refs[0][3:] != refs[1][3:]
    assert (await orders.get_order(customer, order_ref=refs[1])).ref == refs[1]


def test_ticket_references_are_random(customer: int) -> None:
    with db.get_engine().begin() as conn:
        ref = conn.execute(sa.text("INSERT INTO support_tickets (user_id, subject, status) "
                                   "VALUES (:user, 'Hello', 'open') RETURNING display_id"), {"user": customer}).scalar()
    assert re.fullmatch(RANDOM_REF.format("TKT"), ref)


async def test_an_existing_sequential_reference_keeps_working(customer: int, sandbox) -> None:
    order_id = paid_order(customer, best_offer("airalo", with_alternatives=False))
    with db.get_engine().begin() as conn:
        conn.execute(sa.text("UPDATE orders SET display_id = :ref WHERE id = :id"),
                     {"ref": f"OID{order_id:03d}", "id": order_id})
    assert (await orders.get_order(customer, order_ref=f"OID{order_id:03d}")).ref == f"OID{order_id:03d}"
