"""The admin home (`/admin`): figures of a chosen range beside the range before it, charts, splits and
the lists of orders needing attention and provider incidents.

Every handler resolves the staff session on the server and passes the identity to one service call,
which checks the staff role again: owners and finance get money, operations and support only the
two lists. The browser sends a range name or two dates, nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

import reflex as rx

from esim_app.errors import MESSAGES, message_for
from esim_app.state.auth import AdminState
from services import admin
from services.core import ServiceError, format_money

ROLES = admin.HOME_ROLES
RANGES = (("today", "Today"), ("7d", "Last 7 days"), ("30d", "Last 30 days"), ("12m", "Last 12 months"),
          ("custom", "Custom range"))
EXPORT_BASE = "/api/exports/admin"


@dataclass(frozen=True)
class Kpi:
    label: str
    value: str
    previous: str  # the figure of the range before
    change: str  # "+12.5 %", or "" when there is nothing to compare with
    up: bool
    note: str = ""


@dataclass(frozen=True)
class SplitLine:
    key: str
    label: str
    orders: int
    revenue: str
    refunds: str
    margin: str


@dataclass(frozen=True)
class AttentionLine:
    order_ref: str
    href: str
    why: str
    status: str
    amount: str
    since: str


@dataclass(frozen=True)
class IncidentLine:
    at: str
    order_ref: str
    href: str
    provider: str
    reason: str
    detail: str


WHY = {"not_delivered": "Paid, not delivered", "failed": "Delivery failed", "refund_waiting": "Refund request waiting"}
EMPTY_KPI = Kpi("", "", "", "", True)


def _usd(cents: int) -> str:
    return format_money(cents, admin.BASE_CURRENCY)


def _change(now: int | Decimal, before: int | Decimal) -> tuple[str, bool]:
    if not before:
        return "", True
    percent = (Decimal(now) - Decimal(before)) * 100 / abs(Decimal(before))
    return f"{percent:+.1f} %", percent >= 0


def _kpi(label: str, now: int, before: int, text=str, note: str = "") -> Kpi:
    change, up = _change(now, before)
    return Kpi(label, text(now), text(before), change, up, note)


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value} %"


def kpis(current: admin.Totals, previous: admin.Totals) -> list[Kpi]:
    """Revenue, refunds, margin, orders, average order, paying customers, new customers, enterprise revenue."""
    return [
        _kpi("Revenue", current.revenue_cents, previous.revenue_cents, _usd),
        _kpi("Refunds", current.refunds_cents, previous.refunds_cents, _usd, f"{current.refunds} refunds"),
        _kpi("Gross margin", current.margin_cents, previous.margin_cents, _usd,
             f"{_percent(current.margin_percent)} of revenue after refunds (before: {_percent(previous.margin_percent)})"),
        _kpi("Orders", current.orders, previous.orders, note=f"{current.topups} top-ups"),
        _kpi("Average order", current.average_order_cents, previous.average_order_cents, _usd),
        _kpi("Paying customers", current.paying_customers, previous.paying_customers),
        _kpi("New customers", current.new_customers, previous.new_customers, note="first paid order in the range"),
        _kpi("Enterprise revenue", current.enterprise_cents, previous.enterprise_cents, _usd),
    ]


def _split(rows: tuple[admin.SplitRow, ...]) -> list[SplitLine]:
    return [SplitLine(r.key, r.label, r.orders, _usd(r.revenue_cents), _usd(r.refunds_cents), _usd(r.margin_cents))
            for r in rows]


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%d %b %Y %H:%M UTC")


def _order_href(ref: str) -> str:
    return f"/admin/orders/{ref}"


class AdminHomeState(AdminState):
    period: str = "30d"
    start: str = ""  # ISO dates of a custom range
    end: str = ""
    range_text: str = ""
    previous_text: str = ""
    sees_money: bool = False
    loaded: bool = False
    error: str = ""
    kpis: list[Kpi] = [EMPTY_KPI] * 8
    granularity: str = "day"
    series: list[dict[str, str | float | int]] = []
    providers: list[SplitLine] = []
    destinations: list[SplitLine] = []
    plans: list[SplitLine] = []
    attention: list[AttentionLine] = []
    incidents: list[IncidentLine] = []

    def _clear(self) -> None:
        self.kpis, self.series, self.providers, self.destinations, self.plans = [EMPTY_KPI] * 8, [], [], [], []
        self.attention, self.incidents, self.sees_money, self.loaded = [], [], False, False
        self.range_text = self.previous_text = ""

    def _show(self, board: admin.Dashboard) -> None:
        self.range_text = f"{board.period.start:%d %b %Y} – {board.period.end:%d %b %Y} (UTC)"
        self.previous_text = f"{board.previous.start:%d %b %Y} – {board.previous.end:%d %b %Y}"
        self.start, self.end = board.period.start.isoformat(), board.period.end.isoformat()
        money = board.money
        self.sees_money = money is not None
        if money is not None:
            self.kpis = kpis(money.current, money.previous)
            self.granularity = money.granularity
            label = "%d %b" if money.granularity == "day" else "wk %d %b"
            self.series = [{"label": p.start.strftime(label), "revenue": p.revenue_cents / 100,
                            "margin": p.margin_cents / 100, "orders": p.orders} for p in money.series]
            self.providers, self.destinations, self.plans = (
                _split(money.splits["provider"]), _split(money.splits["destination"]), _split(money.splits["plan"]))
        self.attention = [AttentionLine(a.order_ref, _order_href(a.order_ref), WHY.get(a.why, a.why), a.status,
                                        format_money(a.amount_cents, a.currency), _when(a.since))
                          for a in board.attention]
        self.incidents = [IncidentLine(_when(i.at), i.order_ref, _order_href(i.order_ref), i.provider_id,
                                       MESSAGES.get(i.reason, i.reason), i.detail)
                          for i in board.incidents]
        self.loaded = True

    async def _fetch(self):
        identity, redirect = await self._require("admin", ROLES)
        if redirect:
            self._clear()
            return redirect
        try:
            board = await admin.load_dashboard(identity, period=self.period, start=self.start or None,
                                               end=self.end or None)
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        self.error = ""
        self._show(board)
        return None

    @rx.var
    def export_query(self) -> str:
        """The range as the CSV links send it."""
        params = {"period": self.period} | ({"start": self.start, "end": self.end} if self.period == "custom" else {})
        return "?" + urlencode(params)

    @rx.event
    async def load(self):
        return await self._fetch()

    @rx.event
    async def set_period(self, period: str):
        """Choose a preset range (fetched at once) or `custom` (fetched when its dates are applied)."""
        _, redirect = await self._require("admin", ROLES)
        if redirect:
            self._clear()
            return redirect
        period = str(period)
        if period not in admin.PERIODS and period != "custom":
            return None
        self.period = period
        if period == "custom":
            return None
        self.start = self.end = ""
        return await self._fetch()

    @rx.event
    async def apply_custom(self, form: dict[str, str]):
        """Show a custom range: `start` and `end` as ISO dates (checked by the service)."""
        _, redirect = await self._require("admin", ROLES)
        if redirect:
            self._clear()
            return redirect
        self.period = "custom"
        self.start, self.end = str(form.get("start", ""))[:10], str(form.get("end", ""))[:10]
        return await self._fetch()

