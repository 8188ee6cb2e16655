"""`/admin/enterprise/[company_ref]`: one company's credit, ledger and volume tiers for staff.

Owners and finance staff record payments and credit notes, change the credit limit and the tiers;
operations staff read. Every handler resolves the staff identity and passes it to one service
call, which checks the staff role again and audits each change with the values before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import reflex as rx

from esim_app.errors import message_for
from esim_app.state.auth import AdminState
from services import enterprise
from services.core import ServiceError

READ_ROLES = ("owner", "finance", "operations")
WRITE_ROLES = ("owner", "finance")
MAX_TIERS = 10


@dataclass
class LedgerRow:
    date: str
    kind: str
    amount: str
    note: str
    order_ref: str


@dataclass
class TierRow:
    min_quantity: int
    percent: str


def cents(text: object) -> int | None:
    """"1,234.50" → 123450; None when it is not an amount with at most two decimals."""
    try:
        value = Decimal(str(text).replace(",", "").strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        return None
    return int(value * 100)


def tiers_from_text(text: str) -> list[tuple[int, int]] | None:
    """"10: 5, 100: 12.5" (from N eSIMs: X % off) → [(10, 500), (100, 1250)]; None when malformed."""
    tiers = []
    for part in filter(None, (p.strip() for p in str(text).replace(";", ",").replace("\n", ",").split(","))):
        quantity, _, percent = part.partition(":")
        try:
            bp = Decimal(percent.strip().rstrip("%").strip()) * 100
            tiers.append((int(quantity.strip()), int(bp)))
        except (InvalidOperation, ValueError):
            return None
    return tiers[:MAX_TIERS + 1]


class AdminCompanyState(AdminState):
    ref: str = ""
    name: str = ""
    status: str = ""
    contact_email: str = ""
    credit_limit: str = ""
    credit_limit_input: str = ""
    outstanding: str = ""
    available: str = ""
    tiers: list[TierRow] = []
    tiers_text: str = ""
    entries: list[LedgerRow] = []
    can_edit: bool = False
    found: bool = False
    error: str = ""
    notice: str = ""

    def _ref(self) -> str:
        return str(self.company_ref)[:16]  # type: ignore[attr-defined]  (route argument)

    def _show(self, view: enterprise.StaffCompanyView) -> None:
        self.found, self.ref, self.name, self.status = True, view.ref, view.name, view.status
        self.contact_email, self.credit_limit = view.contact_email, view.credit_limit
        self.credit_limit_input = f"{view.credit_limit_cents / 100:.2f}"
        self.outstanding, self.available = view.outstanding, view.available
        self.tiers = [TierRow(t.min_quantity, t.percent) for t in view.tiers]
        self.tiers_text = ", ".join(f"{t.min_quantity}: {t.percent}" for t in view.tiers)
        self.entries = [LedgerRow(e.date, e.kind, e.amount, e.note, e.order_ref) for e in view.entries]

    def _clear(self) -> None:
        self.found, self.ref, self.name, self.contact_email = False, "", "", ""
        self.tiers, self.entries, self.can_edit = [], [], False

    @rx.event
    async def load(self):
        identity, redirect = await self._require("admin", READ_ROLES)
        if redirect:
            self._clear()
            return redirect
        self.error = self.notice = ""
        try:
            view = await enterprise.staff_get_company(identity, self._ref())
        except ServiceError as exc:
            self._clear()
            self.error = message_for(exc)
            return None
        self.can_edit = bool(set(WRITE_ROLES) & set(identity.roles))
        self._show(view)
        return None

    async def _change(self, call, notice: str):
        identity, redirect = await self._require("admin", WRITE_ROLES)
        if redirect:
            return redirect
        self.error = self.notice = ""
        try:
            view = await call(identity)
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        self._show(view)
        self.notice = notice
        return None

    @rx.event
    async def record_entry(self, form: dict[str, str]):
        """Record a payment received (or a credit note) against the company's balance."""
        amount, kind = cents(form.get("amount", "")), str(form.get("kind", "payment"))[:16]
        note, ip = str(form.get("note", ""))[:500], self.router.session.client_ip
        if amount is None:
            self.error = "Enter the amount like 1250.00."
            return None
        return await self._change(lambda who: enterprise.staff_record_entry(
            who, self._ref(), kind=kind, amount_cents=amount, note=note, ip=ip), "Recorded.")

    @rx.event
    async def save_credit_limit(self, form: dict[str, str]):
        amount, ip = cents(form.get("credit_limit", "")), self.router.session.client_ip
        if amount is None:
            self.error = "Enter the credit limit like 50000.00."
            return None
        return await self._change(lambda who: enterprise.staff_set_credit_limit(who, self._ref(), amount, ip=ip),
                                  "Credit limit saved.")

    @rx.event
    async def save_tiers(self, form: dict[str, str]):
        tiers, ip = tiers_from_text(str(form.get("tiers", ""))[:500]), self.router.session.client_ip
        if tiers is None:
            self.error = "Write tiers like 10: 5, 100: 12.5 (from 10 eSIMs 5 % off, from 100 12.5 % off)."
            return None
        return await self._change(lambda who: enterprise.staff_set_volume_tiers(who, self._ref(), tiers, ip=ip),
                                  "Volume tiers saved.")
