"""A company's receipt for one of its bulk orders: the lines bought, the total charged (to the card or the
company's account), credit notes against it, and the store's legal details as the seller.

Finance and company admins only (they keep the books); the company is the caller's, so another
company's reference is `BulkOrderNotFound`, like one that does not exist. An order never paid
(pending, cancelled) has no receipt (`ReceiptUnavailable`). The business portal reads in English,
and so do its receipts.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import col, select

from services.accounts.sessions import Identity
from services.core import DEFAULT_LANGUAGE, country_name, db, format_date, translate
from services.core.localize import package_title
from services.core.models import (
    BulkOrder,
    BulkOrderLine,
    BulkOrderStatus,
    BulkPayment,
    EnterpriseAccount,
    LedgerEntry,
    LedgerKind,
    Package,
)
from services.enterprise.purchasing import BILLING_ROLES, company_of, owned
from services.orders.receipt_pdf import ReceiptFile, pdf_file
from services.orders.receipts import ReceiptLine, ReceiptUnavailable, ReceiptView, package_details, store_seller

PAID = frozenset({BulkOrderStatus.PROVISIONING, BulkOrderStatus.COMPLETED, BulkOrderStatus.FAILED})


def get_bulk_receipt(identity: Identity, order_ref: str) -> ReceiptView:
    """The receipt of one of the caller's company's paid bulk orders (finance or admin)."""
    company_id, lang = company_of(identity, BILLING_ROLES), DEFAULT_LANGUAGE
    with db.session() as s:
        order = owned(s, company_id, order_ref)
        if order.status not in PAID:
            raise ReceiptUnavailable(f"bulk order {order_ref} is {order.status}: never paid")
        company = s.get(EnterpriseAccount, company_id)
        rows = s.exec(select(BulkOrderLine, Package).join(Package, col(Package.id) == col(BulkOrderLine.package_id))
                      .where(col(BulkOrderLine.bulk_order_id) == order.id).order_by(col(BulkOrderLine.id))).all()
        credited = s.exec(select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_cents), 0)).where(
            col(LedgerEntry.bulk_order_id) == order.id, col(LedgerEntry.kind) == LedgerKind.CREDIT_NOTE)).one()
        lines = tuple(ReceiptLine(translate(lang, "eSIM {plan}", plan=package_title(package, lang)),
                                  package_details(package, lang), line.quantity, line.unit_price_cents * line.quantity)
                      for line, package in rows)
        place = country_name(company.country, lang) if company.country else ""  # type: ignore[union-attr]
        buyer = tuple(filter(None, (company.company_name, company.contact_name,  # type: ignore[union-attr]
                                    company.contact_email, place)))  # type: ignore[union-attr]
        return ReceiptView(lang, order.display_id or "", format_date(order.paid_at or order.created_at, lang, form="long"),
                           store_seller(), buyer, lines, order.total_cents, int(credited), order.currency,
                           on_account=order.payment_method == BulkPayment.ACCOUNT)


def bulk_receipt_file(identity: Identity, order_ref: str) -> ReceiptFile:
    """The receipt as a PDF download; `RoleNotAllowed`, `BulkOrderNotFound` or `ReceiptUnavailable` otherwise."""
    return pdf_file(get_bulk_receipt(identity, order_ref))
