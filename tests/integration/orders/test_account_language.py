"""The customer's account pages in their language: plan names, places and dates come from the services
already worded for the reader, never as the catalogue's English or an English date."""

from __future__ import annotations

from providers.registry import ProviderRegistry
from services import orders, support
from services.core import db, format_date
from services.core.localize import package_title
from services.core.models import Package
from tests.support.orders import order_row


def _package(order_id: int) -> Package:
    with db.session() as s:
        return s.get(Package, order_row(order_id).package_id)


async def test_orders_and_esims_read_in_japanese_with_japanese_dates(completed_order, customer: int,
                                                                     registry: ProviderRegistry) -> None:
    # given a completed order
    order_id = await completed_order("airalo")
    row, package = order_row(order_id), _package(order_id)
    # when the account is read in Japanese
    account = await orders.load_account(customer, lang="ja")
    listed = next(o for o in account.orders if o.ref == row.display_id)
    esim = account.esims[0]
    # then the plan is named in Japanese and the days are written the Japanese way
    assert listed.plan_name == package_title(package, "ja") != package.name
    assert "日間" in listed.plan_name and "days" not in listed.plan_name
    assert listed.created_on == format_date(row.created_at, "ja") and "/" in listed.created_on
    assert esim.plan_name == listed.plan_name and esim.destination_name != package.destination_name
    # and the order page and the eSIM page agree, in German too
    page = await orders.get_order(customer, order_ref=row.display_id, lang="de")
    detail = await orders.get_esim(customer, esim_ref=esim.ref, lang="de")
    assert page.plan_name == detail.summary.plan_name == package_title(package, "de")
    assert "Tage" in page.plan_name and page.created_on == format_date(row.created_at, "de")
    assert detail.summary.expires_on == "" or "." in detail.summary.expires_on


async def test_refund_deadline_and_support_choices_follow_the_language(completed_order, customer: int) -> None:
    # given a completed order
    order_id = await completed_order("airalo")
    row, package = order_row(order_id), _package(order_id)
    # when the refund form and the support page are read in French
    eligibility = await orders.get_refund_eligibility(customer, order_ref=row.display_id, lang="fr")
    page = await support.get_support_page(customer, lang="fr")
    # then the deadline is a French date and the order picker names the plan in French
    assert any(month in eligibility.deadline for month in ("janv.", "févr.", "mars", "avr.", "mai", "juin",
                                                           "juil.", "août", "sept.", "oct.", "nov.", "déc."))
    choice = next(o for o in page.orders if o.ref == row.display_id)
    assert choice.plan_name == package_title(package, "fr") and "jours" in choice.plan_name
