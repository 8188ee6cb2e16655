"""Catalogue and margins in the admin dashboard (`/admin/packages`), for owners and operations staff.

A margin change is two steps: `preview` (the form) lists every offer whose price would change and
keeps the validated change server-side; `save` stores exactly that change, after which prices and
the storefront change at once. Offers are listed a page of groups at a time; overrides accept only
an offer this tab was shown. Every handler checks the staff session and role, then makes one call.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from esim_app.components.table import TableState
from esim_app.errors import message_for
from esim_app.state.auth import AdminState
from services import admin
from services.core import ServiceError, format_money

ROLES = ("owner", "operations")
MAX_INPUT = 40


@dataclass(frozen=True)
class PreviewRow:
    name: str
    provider: str
    cost: str
    old_price: str
    new_price: str


@dataclass(frozen=True)
class OfferRow:
    slug: str
    group_name: str
    provider: str
    cost: str
    price: str
    margin: str
    best: bool
    enabled: bool
    choice: str  # "auto" or "manual"
    first_of_group: bool


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def _offer_rows(rows: tuple[admin.OfferRowView, ...]) -> list[OfferRow]:
    out, previous = [], None
    for r in rows:
        margin = f"{format_money(r.margin_cents, r.currency)} ({r.margin_percent}%)"
        provider = r.provider_name + (" (switched off)" if r.provider_paused else "")
        out.append(OfferRow(r.slug, r.group_name, provider, format_money(r.cost_cents, r.currency),
                            format_money(r.price_cents, r.currency), margin, r.is_best_price, r.is_enabled,
                            "auto" if r.auto_mode else "manual", r.group_key != previous))
        previous = r.group_key
    return out


def _change(form: dict[str, str]) -> admin.MarginChange:
    """The form's rule: "default", "minimum", "rounding", "provider:<id>" or "dest:<code>", and a value."""
    target, value = str(form.get("target", ""))[:MAX_INPUT], str(form.get("value", "")).strip()[:MAX_INPUT]
    scope, _, key = target.partition(":")
    return admin.MarginChange({"dest": "destination"}.get(scope, scope), key, value)


class PackagesState(TableState, AdminState):
    rules: list[Choice] = []  # the rules in force, as "label: value" lines
    targets: list[Choice] = []
    preview_rows: list[PreviewRow] = []
    preview_title: str = ""
    offers: list[OfferRow] = []
    destination: str = ""
    error: str = ""
    notice: str = ""
    busy: bool = False
    _pending: admin.MarginChange | None = None

    def _clear(self) -> None:
        self.rules, self.targets, self.preview_rows, self.offers = [], [], [], []
        self.preview_title, self._pending = "", None
        self._set_total(0)

    async def _fetch_page(self) -> int:
        """One page of offer groups (sorting and paging arrive here too, so the role is checked here)."""
        identity, redirect = await self._require("admin", ROLES)
        if redirect:
            self.offers = []
            return 0
        try:
            found = await admin.list_offer_groups(identity, destination=self.destination, page=self.page,
                                                  page_size=self.page_size)
        except ServiceError as exc:
            self.offers, self.error = [], message_for(exc)
            return 0
        self.offers = _offer_rows(found.rows)
        return found.groups

    async def _load_rules(self, identity) -> None:
        r = await admin.get_margin_rules(identity)
        lines = [Choice("Default margin", f"{r.default_percent}%"),
                 Choice("Minimum margin per sale", format_money(r.min_margin_cents, r.store_currency)),
                 Choice("Price ending", r.rounding)]
        lines += [Choice(f"Provider {name}", f"{pct}%") for _, name, pct in r.provider_percent if pct]
        names = dict(r.destinations)
        lines += [Choice(f"Destination {names.get(code, code)}", f"{pct}%") for code, pct in r.destination_percent]
        self.rules = lines
        self.targets = ([Choice("default", "Default margin (%)"), Choice("minimum", "Minimum margin per sale (cents)"),
                         Choice("rounding", "Price ending (0.99, 0.49 … or none)")]
                        + [Choice(f"provider:{pid}", f"Provider: {name} (%)") for pid, name, _ in r.provider_percent]
                        + [Choice(f"dest:{code}", f"{name} ({code}) (%)") for code, name in r.destinations])

    async def _guarded(self):
        identity, redirect = await self._require("admin", ROLES)
        if redirect:
            self._clear()
        return identity, redirect

    @rx.event
    async def load(self):
        identity, redirect = await self._guarded()
        if redirect:
            return redirect
        self.error = ""
        try:
            await self._load_rules(identity)
            await self._refresh()
        except ServiceError as exc:
            self._clear()
            self.error = message_for(exc)
        return None

    @rx.event
    async def filter_offers(self, form: dict[str, str]):
        _, redirect = await self._guarded()
        if redirect:
            return redirect
        self.destination, self.page = str(form.get("destination", "")).strip()[:MAX_INPUT], 0
        await self._refresh()
        return None

    @rx.event
    async def preview(self, form: dict[str, str]):
        identity, redirect = await self._guarded()
        if redirect:
            return redirect
        self.error = self.notice = ""
        try:
            found = await admin.preview_margin(identity, _change(form))
        except ServiceError as exc:
            self.preview_rows, self.preview_title, self._pending = [], "", None
            self.error = message_for(exc)
            return None
        self._pending = found.change
        self.preview_rows = [PreviewRow(c.name, c.provider_id, format_money(c.cost_cents, c.currency),
                                        format_money(c.old_price_cents, c.currency),
                                        format_money(c.new_price_cents, c.currency)) for c in found.changes]
        rule = found.change.key or found.change.scope
        self.preview_title = (f"{rule}: {found.before or 'no rule'} → {found.change.value or 'no rule'}. "
                              f"{found.total} prices change" + (f" (first {len(found.changes)} shown)."
                                                                if found.total > len(found.changes) else "."))
        return None

    @rx.event
    def discard_preview(self) -> None:
        self.preview_rows, self.preview_title, self._pending = [], "", None

    @rx.event
    async def save(self):
        identity, redirect = await self._guarded()
        if redirect:
            return redirect
        if self._pending is None or self.busy:
            return None
        change, self.busy, self.error = self._pending, True, ""
        try:
            saved = await admin.save_margin(identity, change, ip=self.router.session.client_ip)
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        finally:
            self.busy = False
        self.preview_rows, self.preview_title, self._pending = [], "", None
        self.notice = f"Saved. {saved.repriced} prices changed; the storefront shows them now."
        await self._load_rules(identity)
        await self._refresh()
        return None

    @rx.event
    async def set_choice(self, slug: str, choice: str):
        identity, redirect = await self._guarded()
        if redirect:
            return redirect
        if str(slug) not in {o.slug for o in self.offers} or choice not in ("enable", "disable", "auto"):
            return None
        self.error = self.notice = ""
        try:
            await admin.set_offer_choice(identity, str(slug), choice, ip=self.router.session.client_ip)
        except ServiceError as exc:
            self.error = message_for(exc)
        await self._refresh()
        return None

