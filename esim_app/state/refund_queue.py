"""The staff queue of refund requests in review (`/admin/support`): list, then approve or reject one.

Every handler resolves the staff session on the server and checks the staff role (support or owner)
before its one service call; the admin id comes from that session only. A decision is two steps:
`ask` picks a request from the rows this tab was shown, `decide` (the confirm button, with the note)
sends it, then the list is reloaded through `load`. Approving above the store's support refund limit
is refused to support staff by the service (`refund_authority`), with words saying who can.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import reflex as rx

from esim_app.components.table import TableState
from esim_app.errors import message_for
from esim_app.state.auth import AdminState
from services import orders
from services.core import ServiceError, format_money

ROLES = ("support", "owner")
MAX_NOTE = 500
WHY = {"in_use": "The eSIM was installed or used", "unverified": "The provider could not confirm it is unused",
       "unreachable": "The provider did not answer", "unsupported": "The provider cannot cancel eSIMs",
       "refused": "The provider refused the cancel"}


@dataclass(frozen=True)
class RefundRequestRow:
    order_ref: str
    customer_email: str
    plan_name: str
    amount: str
    reason: str
    why: str
    requested_at: str


def _row(r: orders.RefundRequestView) -> RefundRequestRow:
    return RefundRequestRow(r.order_ref, r.customer_email, r.plan_name, format_money(r.amount_cents, r.currency),
                            r.reason, WHY.get(r.why_review, r.why_review or "Unknown"),
                            r.requested_at.astimezone(dt.UTC).strftime("%d %b %Y %H:%M UTC"))


class RefundQueueState(TableState, AdminState):
    requests: list[RefundRequestRow] = []
    pending_ref: str = ""  # the request the confirm step is about
    pending_approve: bool = False
    error: str = ""
    notice: str = ""
    busy: bool = False
    page_size: int = 25
    _all: list[RefundRequestRow] = []  # every request in review, as the service last listed them

    def _clear(self) -> None:
        self.requests, self._all, self.pending_ref, self.pending_approve = [], [], "", False
        self._set_total(0)

    async def _fetch_page(self) -> int:
        """Pages over the list already loaded (the service returns the whole queue, oldest first)."""
        start = self.page * self.page_size
        self.requests = self._all[start:start + self.page_size]
        return len(self._all)

    @rx.event
    async def load(self):
        identity, redirect = await self._require("admin", ROLES)
        if redirect:
            self._clear()
            return redirect
        self.pending_ref, self.pending_approve = "", False
        try:
            found = await orders.list_refund_requests(identity.principal_id)
        except ServiceError as exc:
            self._clear()
            self.error = message_for(exc)
            return None
        self._all = [_row(r) for r in found]
        self.page = max(0, min(self.page, -(-len(self._all) // self.page_size) - 1))
        await self._refresh()
        return None

    @rx.event
    async def ask(self, order_ref: str, approve: bool):
        """The confirm step: remember which listed request to decide, and how."""
        _, redirect = await self._require("admin", ROLES)
        if redirect:
            self._clear()
            return redirect
        self.error = self.notice = ""
        if str(order_ref) not in {r.order_ref for r in self._all}:
            self.pending_ref = ""
            return None
        self.pending_ref, self.pending_approve = str(order_ref), bool(approve)
        return None

    @rx.event
    def cancel(self) -> None:
        self.pending_ref, self.pending_approve = "", False

    @rx.event
    async def decide(self, form: dict[str, str]):
        identity, redirect = await self._require("admin", ROLES)
        if redirect:
            self._clear()
            yield redirect
            return
        if not self.pending_ref or self.busy:
            return
        ref, approve = self.pending_ref, self.pending_approve
        self.busy, self.error, self.notice = True, "", ""
        yield
        try:
            view = await orders.decide_refund_request(identity.principal_id, order_ref=ref, approve=approve,
                                                      note=str(form.get("note", ""))[:MAX_NOTE])
        except ServiceError as exc:
            self.busy, self.error = False, message_for(exc)  # the confirm step stays open with the note
            return
        self.busy = False
        self.notice = (f"Refunded {format_money(view.amount_cents, view.currency)} for {ref}." if approve
                       else f"Rejected the refund request for {ref}.")
        yield RefundQueueState.load
