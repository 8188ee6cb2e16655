"""The refund panel of an order: whether a refund is possible, and asking for one.

The order reference comes from the page, but every handler re-checks on the server that the order
belongs to the signed-in customer (the services are scoped by their user id).
"""

from __future__ import annotations

import reflex as rx

from esim_app.errors import message_for
from esim_app.state.auth import CustomerState
from esim_app.state.locale import reader_language
from services import orders
from services.core import ServiceError, money_text, translate


class RefundState(CustomerState):
    eligible: bool = False
    refunded: bool = False
    in_review: bool = False  # the provider did not confirm the cancel: staff decide, nothing refunded yet
    rejected: bool = False  # staff reviewed the request and declined it
    refused_because: str = ""
    deadline: str = ""
    error: str = ""
    notice: str = ""
    busy: bool = False
    _order_ref: str = ""  # set by `load` only after the ownership check

    @rx.event
    async def load(self, order_ref: str):
        identity, redirect = await self._require("customer")
        if redirect:
            return redirect
        self._order_ref, self.eligible, self.refunded = "", False, False
        self.in_review, self.rejected = False, False
        self.error, self.notice, self.refused_because, self.deadline = "", "", "", ""
        lang = await reader_language(self)
        try:
            found = await orders.get_refund_eligibility(identity.principal_id, order_ref=str(order_ref), lang=lang)
        except ServiceError:
            return
        self._order_ref = found.order_ref
        self.eligible, self.refunded = found.eligible, found.refunded
        self.in_review, self.rejected = found.request_status == "review", found.request_status == "rejected"
        self.deadline = found.deadline
        self.refused_because = message_for(found.refusal, lang) if found.refusal is not None else ""

    @rx.event
    async def request(self, form: dict[str, str]):
        identity, redirect = await self._require("customer")
        if redirect:
            yield redirect
            return
        if not self._order_ref or self.busy:
            return
        self.busy, self.error = True, ""
        yield
        try:
            view = await orders.request_refund(identity.principal_id, order_ref=self._order_ref,
                                                reason=str(form.get("reason", "")))
        except ServiceError as exc:
            self.error = message_for(exc, await reader_language(self))
        else:
            self.eligible = False
            if view.status == "review":
                self.in_review = True
            else:
                self.refunded = True
                lang = await reader_language(self)
                self.notice = translate(lang, "We cancelled the eSIM and refunded {amount} to your card. It usually "
                                              "shows within 5 to 10 business days.",
                                        amount=money_text(lang, view.amount_cents, view.currency))
        finally:
            self.busy = False
