"""The staff order list: every filter, search by reference / email / ICCID, keyset paging, role checks."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlmodel import select

from services import admin
from services.admin import orders as order_list
from services.core import db
from services.core.models import EnterpriseAccount, Esim, Order, OrderStatus, Package, User
from tests.support.admin import staff


@pytest.fixture(scope="module")
def world(orders_db: str) -> dict:
    """Nine orders of two customers and a company, at one test-only provider and destination."""
    tag = uuid.uuid4().hex[:8]
    provider, destination = f"t{tag}", f"Z{tag[:4].upper()}"
    with db.session() as s:
        package = Package(slug=f"list-{tag}", provider_id=provider, provider_package_id="p", kind="local",
                          destination_code=destination, destination_name="Testland", name="Testland 1 GB",
                          data_mb=1024, validity_days=7, cost_micros=1_000_000, price_cents=500, group_key=f"g{tag}")
        ann, bob = User(email=f"ann-{tag}@example.com"), User(email=f"bob-{tag}@example.com")
        company = EnterpriseAccount(company_name=f"Globex {tag}", contact_name="G", contact_email=f"g-{tag}@example.com")
        s.add_all([package, ann, bob, company])
        s.flush()
        start = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
        orders = []
        for i in range(9):
            user = ann if i < 5 else bob
            o = Order(user_id=user.id, enterprise_account_id=company.id if i == 8 else None, package_id=package.id,
                      provider_id=provider, client_reference=f"{tag}-{i}", price_cents=100 * (i + 1),
                      status=OrderStatus.COMPLETED if i % 3 else OrderStatus.FAILED, created_at=start + dt.timedelta(days=i))
            s.add(o)
            orders.append(o)
        s.flush()
        s.add(Esim(order_id=orders[2].id, user_id=ann.id, provider_id=provider, iccid=f"8999{int(tag, 16) % 10**14:014d}",
                   lpa="LPA:1$x$y", smdp_address="x", matching_id="y"))
        s.commit()
        return {"provider": provider, "destination": destination, "tag": tag, "refs": [o.display_id for o in orders],
                "iccid": f"8999{int(tag, 16) % 10**14:014d}", "company": company.company_name}


def _refs(page: order_list.OrderPage) -> list[str]:
    return [r.ref for r in page.rows]


def test_filters_narrow_the_list(world: dict) -> None:
    refs, mine = world["refs"], {"provider": world["provider"]}
    assert _refs(order_list.list_orders(**mine)) == refs[::-1]  # newest first
    assert _refs(order_list.list_orders(**mine, status="failed")) == [refs[6], refs[3], refs[0]]
    assert _refs(order_list.list_orders(destination=world["destination"], limit=3)) == refs[:-4:-1]
    assert _refs(order_list.list_orders(**mine, customer=f"bob-{world['tag']}")) == refs[:4:-1]
    assert _refs(order_list.list_orders(**mine, customer=world["company"])) == [refs[8]]
    assert _refs(order_list.list_orders(**mine, date_from=dt.date(2026, 1, 2), date_to=dt.date(2026, 1, 3))) == [
        refs[2], refs[1]]
    assert _refs(order_list.list_orders(**mine, min_cents=300, max_cents=400)) == [refs[3], refs[2]]
    assert order_list.list_orders(**mine, status="failed").total == 3


def test_search_by_reference_email_and_iccid(world: dict) -> None:
    refs = world["refs"]
    assert _refs(order_list.search_orders(refs[4].lower())) == [refs[4]]
    assert _refs(order_list.search_orders(f"ann-{world['tag']}@example.com")) == refs[4::-1]
    assert _refs(order_list.search_orders(f"ANN-{world['tag']}")) == refs[4::-1]  # the start of an address
    assert _refs(order_list.search_orders(world["iccid"])) == [refs[2]]
    assert order_list.search_orders("nobody-at-all@example.com").rows == ()


def test_pages_continue_by_cursor_and_by_offset(world: dict) -> None:
    refs, mine = world["refs"][::-1], {"provider": world["provider"]}
    first = order_list.list_orders(**mine, limit=4)
    second = order_list.list_orders(**mine, limit=4, after=first.next_cursor, count=False)
    third = order_list.list_orders(**mine, limit=4, after=second.next_cursor, count=False)
    assert (_refs(first), _refs(second), _refs(third)) == (refs[:4], refs[4:8], refs[8:])
    assert (first.total, third.next_cursor) == (9, "")
    assert _refs(order_list.list_orders(**mine, limit=4, offset=4)) == refs[4:8]
    cheapest = order_list.list_orders(**mine, sort="amount", descending=False, limit=5)
    assert _refs(order_list.list_orders(**mine, sort="amount", descending=False, limit=5,
                                        after=cheapest.next_cursor)) == world["refs"][5:]


@pytest.mark.parametrize("role", ["owner", "operations", "support", "finance"])
async def test_every_staff_role_reads_the_list(world: dict, role: str) -> None:
    page = await admin.list_orders(staff(role), provider=world["provider"], limit=2)
    assert page.total == 9 and len(page.rows) == 2


async def test_a_customer_identity_is_refused(world: dict) -> None:
    identity = staff("finance")
    stranger = type(identity)(role="customer", principal_id=1, email="c@example.com", display_name="C", session_id=0)
    with pytest.raises(admin.NotPermitted):
        await admin.list_orders(stranger)


def test_amount_filters_and_sorting_weigh_each_order_in_usd_whatever_it_was_paid_in(world: dict) -> None:
    # given three orders worth $10, $4 and $12 in USD, paid as ¥1,510, €3.70 and $12.00
    tag = uuid.uuid4().hex[:8]
    with db.session() as s:
        package = s.exec(select(Package).where(Package.slug == f"list-{world['tag']}")).one()
        user = User(email=f"fx-{tag}@example.com")
        s.add(user)
        s.flush()
        paid = [("JPY", 1510, "151", 1000), ("EUR", 370, "0.925", 400), ("USD", 1200, "1", 1200)]
        orders = [Order(user_id=user.id, package_id=package.id, provider_id=f"fx{tag}", client_reference=f"fx-{tag}-{i}",
                        currency=currency, price_cents=price, fx_rate=Decimal(rate), base_price_cents=base,
                        status=OrderStatus.COMPLETED) for i, (currency, price, rate, base) in enumerate(paid)]
        s.add_all(orders)
        s.commit()
        yen, euro, dollars = (o.display_id for o in orders)
    mine = {"provider": f"fx{tag}"}
    # when staff filter by worth between $9 and $11, then sort by amount
    # then only the yen order matches (its digits, 1510, are above the range; the euro's 370 below it)
    assert _refs(order_list.list_orders(**mine, min_cents=900, max_cents=1100)) == [yen]
    assert _refs(order_list.list_orders(**mine, min_cents=1100)) == [dollars]
    # and the dearest first is the $12 order, then the ¥1,510 one, then the €3.70 one
    assert _refs(order_list.list_orders(**mine, sort="amount", descending=True)) == [dollars, yen, euro]
    second = order_list.list_orders(**mine, sort="amount", descending=True, limit=1)
    assert _refs(order_list.list_orders(**mine, sort="amount", descending=True, after=second.next_cursor)) == [yen, euro]
