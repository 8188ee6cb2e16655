"""What the business API needs beyond the portal's use cases, built from them: plan references to
bulk-order lines, one eSIM of the inventory, and recipients given as JSON to the allocation.

Each takes the `ApiCaller` of an authenticated request and acts as its identity (the company of the
key, with the roles its scopes stand for), so the portal's role and company checks apply unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select

from services.core import db
from services.core.models import Esim, EsimAllocation, Order, Package
from services.enterprise import allocation, inventory
from services.enterprise import recipients as parsing
from services.enterprise.access import company_for
from services.enterprise.allocation import AssignResult
from services.enterprise.api_keys import ApiCaller
from services.enterprise.bulk import MAX_LINES, BulkLine
from services.enterprise.distribution_errors import CompanyEsimNotFound
from services.enterprise.errors import BulkPlanUnavailable, InvalidBulkOrder
from services.enterprise.inventory import InventoryRow


def bulk_lines(plans: Sequence[tuple[str, int]]) -> list[BulkLine]:
    """Lines of a bulk order from (plan ref, quantity); `BulkPlanUnavailable` for a plan not on sale.
    Prices are left to the order (list price less the company's volume tier)."""
    if not plans or len(plans) > MAX_LINES:
        raise InvalidBulkOrder(f"1 to {MAX_LINES} lines")
    refs = {ref for ref, _ in plans}
    with db.session() as s:
        found = dict(s.exec(select(Package.slug, Package.id).where(col(Package.slug).in_(refs))
                            .where(col(Package.is_enabled).is_(True), col(Package.is_topup).is_(False))
                            .where(col(Package.vanished_at).is_(None))).all())
    missing = sorted(refs - found.keys())
    if missing:
        raise BulkPlanUnavailable(f"plans not on sale: {missing[:5]}")
    return [BulkLine(package_id=found[ref], quantity=quantity) for ref, quantity in plans]


def get_esim(caller: ApiCaller, esim_ref: str) -> InventoryRow:
    """One eSIM of the caller's company as the inventory shows it; `CompanyEsimNotFound` otherwise."""
    company_id = company_for(caller.identity)
    now = inventory.utcnow()
    state = inventory.status_expression(now)
    query = (select(*inventory.COLUMNS, state)
             .join(Order, col(Order.id) == Esim.order_id).join(Package, col(Package.id) == Order.package_id)
             .outerjoin(EsimAllocation, inventory.live_join())
             .where(col(Esim.enterprise_account_id) == company_id, col(Esim.display_id) == esim_ref[:16]))
    with db.session() as s:
        found = s.exec(query).first()
    if found is None:
        raise CompanyEsimNotFound(f"no eSIM {esim_ref!r} in company {company_id}")
    return inventory._row(*found)  # noqa: SLF001  (the inventory's own row mapping)


def assign_recipients(caller: ApiCaller, people: Sequence[tuple[str, str]], *, esim_refs: Sequence[str] | None,
                      ip: str | None) -> AssignResult:
    """Give each (name, email) one in-stock eSIM (the listed `esim_refs`, in order, when given), all or
    none: `RecipientsInvalid` with 1-based positions for bad entries, `AllocationConflict` (409) when
    another request took some of the eSIMs first."""
    people_ok = parsing.usable(parsing.parse_rows([list(person) for person in people]))
    return allocation.assign(caller.identity, people_ok, esim_refs=esim_refs, ip=ip)
