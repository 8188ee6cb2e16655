"""One order for staff (`/admin/orders/[order_ref]`): details, eSIMs, timeline, and the actions.

An action is two steps: `ask` opens its confirmation dialog (only for an action the order and the
caller's role allow, and for failover only an offer this tab was shown) and gets a fresh action
key kept server side; `confirm` sends the note (and the amount of a refund) with that key. The
service runs each key once, so a double click or a replayed event changes nothing twice. Every
handler resolves the staff session and role first; the services check the role again.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from esim_app.errors import message_for
from esim_app.state.admin.common import MAX_NOTE, money, when
from esim_app.state.auth import AdminState
from services import admin
from services.core import ServiceError, amount_text, format_data_size, parse_money

ROLES = admin.ORDER_ROLES
ACTION_ROLES = {"refund": ("owner", "operations", "support"), "resend": ("owner", "operations", "support"),
                "retry": ("owner", "operations"), "failover": ("owner", "operations"), "cancel": ("owner", "operations")}
DONE = {"refund": "Refunded {amount}.", "resend": "The eSIM email is on its way again.",
        "retry": "Retried: the order is now {status}.", "failover": "Failed over: the order is now {status}.",
        "cancel": "Cancelled at the provider."}


@dataclass(frozen=True)
class EsimRow:
    ref: str
    iccid: str
    status: str
    usage: str


@dataclass(frozen=True)
class EventRow:
    at: str
    kind: str
    title: str
    detail: str
    actor: str


@dataclass(frozen=True)
class AlternativeRow:
    package_id: int
    provider: str
    cost: str
    margin: str
    keeps_floor: bool


def _in_base(d: admin.OrderDetail) -> str:
    """" (≈ $10.86)" after a price in another currency: its worth in USD at the order's rate."""
    return "" if d.currency == admin.BASE_CURRENCY else f" (≈ {money(d.base_price_cents, admin.BASE_CURRENCY)})"


def _usage(e: admin.EsimView) -> str:
    total = "unlimited" if e.unlimited else format_data_size(e.total_mb) if e.total_mb is not None else "?"
    return f"{format_data_size(e.used_mb)} of {total}"


class AdminOrderState(AdminState):
    found: bool = False
    ref: str = ""
    facts: list[tuple[str, str]] = []  # (label, value) of the order's details
    status: str = ""
    esims: list[EsimRow] = []
    timeline: list[EventRow] = []
    alternatives: list[AlternativeRow] = []
    floor: str = ""
    allowed: list[str] = []  # actions this order and the caller's role allow now
    left_to_refund: str = ""
    pending: str = ""  # the action whose confirmation is open
    pending_package: int = 0
    busy: bool = False
    error: str = ""
    notice: str = ""
    _key: str = ""
    _currency: str = "USD"

    def _clear(self) -> None:
        self.found, self.ref, self.facts, self.status, self.esims, self.timeline = False, "", [], "", [], []
        self.alternatives, self.allowed, self.pending, self._key = [], [], "", ""

    def _show(self, d: admin.OrderDetail, roles: tuple[str, ...]) -> None:
        self.found, self.ref, self.status = True, d.ref, d.status
        self.facts = [
            ("Customer", d.customer_email or "—"), ("Company", d.company_name or "—"),
            ("Plan", f"{d.plan_name} ({d.destination_name})"), ("Kind", d.kind), ("Created", when(d.created_at)),
            ("Provider", d.provider_name or "—"), ("Provider order", d.provider_order_id or "—"),
            ("Price", money(d.price_cents, d.currency) + _in_base(d)),
            ("Cost", money(d.cost_cents, admin.BASE_CURRENCY)), ("Margin", money(d.margin_cents, admin.BASE_CURRENCY)),
            ("Refunded", money(d.refunded_cents, d.currency)),
            ("Payment", f"{d.payment_status or '—'} {d.payment_intent_id}".strip()),
            ("Failure", d.failure_reason or "—"), ("Retries", str(d.retry_count)),
        ]
        self.esims = [EsimRow(e.ref, e.iccid, e.status, _usage(e)) for e in d.esims]
        self.timeline = [EventRow(when(e.at), e.kind, e.title, e.detail, e.actor) for e in d.timeline]
        self.alternatives = [AlternativeRow(a.package_id, a.provider_name, money(a.cost_cents, admin.BASE_CURRENCY),
                                            money(a.margin_cents, admin.BASE_CURRENCY), a.keeps_floor)
                             for a in d.alternatives]
        self.floor = money(d.min_margin_cents, admin.BASE_CURRENCY)
        self.left_to_refund = amount_text(d.price_cents - d.refunded_cents, d.currency)
        possible = {"refund": d.can_refund, "resend": d.can_resend, "retry": d.can_retry,
                    "failover": d.can_failover, "cancel": d.can_cancel}
        self.allowed = [a for a, ok in possible.items() if ok and set(ACTION_ROLES[a]) & set(roles)]
        self._currency = d.currency

    async def _reload(self, identity) -> None:
        try:
            detail = await admin.get_order(identity, order_ref=str(self.order_ref))  # type: ignore[attr-defined]
        except ServiceError as exc:
            self._clear()
            self.error = message_for(exc)
            return
        self._show(detail, identity.roles)

    @rx.event
    async def load(self):
        identity, redirect = await self._require("admin", ROLES)
        if redirect:
            self._clear()
            return redirect
        self.error = self.notice = ""
        self.pending, self._key = "", ""
        await self._reload(identity)
        return None

    @rx.event
    async def ask(self, action: str, package_id: int = 0):
        """Open the confirmation of `action` (for a failover: of the offer `package_id` shown here)."""
        _, redirect = await self._require("admin", ROLES)
        if redirect:
            self._clear()
            return redirect
        action, self.error, self.notice = str(action), "", ""
        if action not in self.allowed or (action == "failover" and int(package_id or 0) not in
                                          {a.package_id for a in self.alternatives if a.keeps_floor}):
            self.pending = ""
            return None
        self.pending, self.pending_package, self._key = action, int(package_id or 0), admin.new_action_key()
        return None

    @rx.event
    def cancel(self) -> None:
        self.pending, self._key = "", ""

    @rx.event
    async def confirm(self, form: dict[str, str]):
        identity, redirect = await self._require("admin", ROLES)
        if redirect:
            self._clear()
            yield redirect
            return
        if not self.pending or not self._key or self.busy:
            return
        action, key = self.pending, self._key
        self.busy, self.error = True, ""
        yield
        try:
            result = await self._run(identity, action, key, form)
        except ServiceError as exc:
            self.busy, self.error = False, message_for(exc)  # the dialog stays open; the same key may try again
            return
        self.busy, self.pending, self._key = False, "", ""
        values = result.values
        amount = money(values.get("amount_cents"), self._currency) if "amount_cents" in values else ""
        self.notice = DONE[action].format(amount=amount, status=values.get("status", ""))
        if not result.changed:
            self.notice = "Already done: nothing changed."
        await self._reload(identity)

    async def _run(self, identity, action: str, key: str, form: dict[str, str]) -> admin.ActionResult:
        note, ref = str(form.get("note", ""))[:MAX_NOTE], self.ref
        if action == "refund":
            typed = str(form.get("amount", "")).strip()
            amount = parse_money(typed, self._currency) if typed else None
            if typed and amount is None:
                amount = -1  # unreadable: the service refuses it with its words
            return await admin.refund_order(identity, order_ref=ref, amount_cents=amount, note=note, key=key,
                                            skip_provider_cancel=form.get("skip_cancel") in ("on", "true", True))
        if action == "resend":
            return await admin.resend_esim_email(identity, order_ref=ref, note=note, key=key)
        if action == "retry":
            return await admin.retry_order(identity, order_ref=ref, note=note, key=key)
        if action == "failover":
            return await admin.failover_order(identity, order_ref=ref, package_id=self.pending_package, note=note,
                                              key=key)
        return await admin.cancel_at_provider(identity, order_ref=ref, note=note, key=key)
