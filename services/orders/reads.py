"""The customer's pages as one call each: the account overview, one eSIM, one order, a refund's eligibility.

Async wrappers over the owner-scoped reads of `esims` and `refunds`; the database work runs in
worker threads so the web process's event loop never waits on it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from services.core import DEFAULT_LANGUAGE
from services.orders import esims, receipt_pdf, refunds
from services.orders.esims import EsimDetail, EsimSummary, OrderSummary
from services.orders.refunds import Eligibility


@dataclass(frozen=True, slots=True)
class AccountView:
    esims: tuple[EsimSummary, ...]  # newest first
    orders: tuple[OrderSummary, ...]  # newest first


async def load_account(user_id: int, *, lang: str = DEFAULT_LANGUAGE) -> AccountView:
    """The customer's eSIMs and orders, worded in `lang`."""
    found_esims, found_orders = await asyncio.gather(asyncio.to_thread(esims.list_esims, user_id, lang=lang),
                                                     asyncio.to_thread(esims.list_orders, user_id, lang=lang))
    return AccountView(tuple(found_esims), tuple(found_orders))


async def list_orders(user_id: int, *, lang: str = DEFAULT_LANGUAGE) -> list[OrderSummary]:
    """The customer's orders, newest first, worded in `lang`."""
    return await asyncio.to_thread(esims.list_orders, user_id, lang=lang)


async def get_esim(user_id: int, *, esim_ref: str, lang: str = DEFAULT_LANGUAGE) -> EsimDetail:
    """One of the customer's eSIMs with its install details, worded in `lang`; `EsimNotFound` otherwise."""
    return await asyncio.to_thread(esims.get_esim, user_id, esim_ref=esim_ref, lang=lang)


async def get_receipt_pdf(user_id: int, *, order_ref: str) -> receipt_pdf.ReceiptFile:
    """The PDF receipt of one of the customer's paid orders; `OrderNotFound` or `ReceiptUnavailable` otherwise."""
    return await asyncio.to_thread(receipt_pdf.receipt_file, user_id, order_ref=order_ref)


async def get_order(user_id: int, *, order_ref: str, lang: str = DEFAULT_LANGUAGE) -> OrderSummary:
    """One of the customer's orders, worded in `lang`; `OrderNotFound` otherwise."""
    return await asyncio.to_thread(esims.get_order, user_id, order_ref=order_ref, lang=lang)


async def get_refund_eligibility(user_id: int, *, order_ref: str, lang: str = DEFAULT_LANGUAGE) -> Eligibility:
    """Whether the customer may ask for a refund of this order now (its deadline in `lang`); `OrderNotFound`
    for others' orders."""
    return await asyncio.to_thread(refunds.refund_eligibility, user_id, order_ref=order_ref, lang=lang)
