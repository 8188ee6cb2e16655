"""Storefront browsing: country, region and global plan lists, one plan, display currency.

Public pages: no sign-in, nothing private. Each handler awaits one `services.catalog` (or
`services.store`) call and maps the view to rows; the sort and filter choices, coverage and
display-currency prices come from the service. Checkout always charges the store currency.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from services import catalog, store
from services.core import format_data_size, format_money


@dataclass(frozen=True)
class PlanCard:
    slug: str
    name: str
    destination_name: str
    data: str
    validity: str
    price: str
    approx_price: str  # in the display currency when it is not USD, else ""
    per_gb: str
    is_best_value: bool  # the lowest price per GB of the plans shown beside it
    coverage: str  # "Covers 34 countries" for multi-country plans, else ""


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    flag: str


@dataclass(frozen=True)
class Option:
    key: str
    label: str


def plan_card_of(o: catalog.OfferView, currency: str, display_cents: int | None = None, *,
                 best_value: bool = False) -> PlanCard:
    """The card a page shows for an offer; `display_cents` is its price in `currency` when that differs."""
    approx = "" if display_cents is None or currency == o.currency else "≈ " + format_money(display_cents, currency)
    per_gb = "" if o.price_per_gb_cents is None else format_money(o.price_per_gb_cents, o.currency) + " per GB"
    return PlanCard(
        slug=o.slug,
        name=o.name,
        destination_name=o.destination_name,
        data=format_data_size(o.data_mb, unlimited=o.unlimited),
        validity=f"{o.validity_days} days",
        price=format_money(o.price_cents, o.currency),
        approx_price=approx,
        per_gb=per_gb,
        is_best_value=best_value,
        coverage=f"Covers {o.coverage_count} countries" if o.coverage_count > 1 else "",
    )


def _countries(coverage: tuple[catalog.CoverageCountry, ...]) -> list[Country]:
    return [Country(c.code, c.name, c.flag) for c in coverage]


def _options(choices: tuple[catalog.Choice, ...]) -> list[Option]:
    return [Option(c.key, c.label) for c in choices]


GENERIC_DESCRIPTION = "Prepaid eSIM data plans for travellers: compare networks, pay securely, install in a minute."


def list_description(view: catalog.PlanListView) -> str:
    """The meta description of a plan list, from what it sells (in the store currency)."""
    where = {"local": f"in {view.name}", "regional": f"across {len(view.coverage)} countries in {view.name}",
             "global": f"in {len(view.coverage)} countries worldwide"}.get(view.kind, f"in {view.name}")
    if not view.offers:
        return f"Prepaid eSIM data {where} for travellers: compare networks, pay securely, install in a minute."
    cheapest = min(view.offers, key=lambda o: o.price_cents)
    days = sorted(o.validity_days for o in view.offers)
    span = f"{days[0]} days" if days[0] == days[-1] else f"{days[0]} to {days[-1]} days"
    plans = "1 plan" if len(view.offers) == 1 else f"{len(view.offers)} plans"
    return (f"Prepaid eSIM data {where}: {plans} from "
            f"{format_money(cheapest.price_cents, cheapest.currency)}, valid {span}. "
            "Delivered by email, installed in a minute, no roaming charges.")


def plan_description(detail: catalog.PlanDetailView) -> str:
    """The meta description of one plan: what it gives, where, for how long and for how much."""
    o = detail.offer
    where = o.destination_name if o.coverage_count <= 1 else f"{o.coverage_count} countries ({o.destination_name})"
    data = "Unlimited data" if o.unlimited else f"{format_data_size(o.data_mb, unlimited=False)} of data"
    return (f"{data} for {o.validity_days} days in {where} "
            f"for {format_money(o.price_cents, o.currency)}: a prepaid eSIM, one payment, no subscription. "
            "Installed in a minute.")


class DisplayCurrencyState(rx.State):
    """The visitor's display currency, remembered in the browser; rates and policies are the admin's."""

    currency: str = rx.LocalStorage(store.STORE_CURRENCY, name="display_currency", sync=True)
    currencies: list[str] = [store.STORE_CURRENCY]
    refund_days: int = 30
    notice: str = ""  # the owner's notice for customers (admin settings), "" for none

    @rx.event
    async def load(self) -> None:
        settings = await store.get_display_settings()
        self.currencies = list(settings.currencies)
        self.refund_days = settings.refund_window_days
        self.notice = settings.notice

    @rx.event
    def set_currency(self, value: str):
        if value in self.currencies:
            self.currency = value
            return [PlanListState.refresh_prices, PlanDetailState.refresh_prices]

    def _currency(self) -> str:
        return self.currency if self.currency in self.currencies else store.STORE_CURRENCY


class PlanListState(rx.State):
    """A country, region or the global list, with sorting and (for countries) filters."""

    title: str = ""
    flag: str = ""
    subtitle: str = ""
    description: str = GENERIC_DESCRIPTION  # the page's meta description, set from the unfiltered list
    kind: str = "local"  # local | regional | global
    plans: list[PlanCard] = []
    covered: list[Country] = []
    sort_options: list[Option] = []
    data_options: list[Option] = []  # empty when the list has no filters (regions, global)
    day_options: list[Option] = []
    sort: str = "price"
    data_filter: str = "any"
    days_filter: str = "any"
    unlimited_only: bool = False
    include_multi: bool = False
    not_found: bool = False
    _code: str = ""  # ISO code, region slug or "global"

    async def _display_currency(self) -> str:
        return (await self.get_state(DisplayCurrencyState))._currency()

    async def _fetch(self, key: str) -> catalog.PlanListView:
        currency = await self._display_currency()
        if self.kind == "local":
            filters = catalog.PlanFilters(self.sort, self.data_filter, self.days_filter, self.unlimited_only,
                                          self.include_multi)
            return await catalog.list_country_plans(key, filters, currency=currency)
        if self.kind == "regional":
            return await catalog.list_region_plans(key, sort=self.sort, currency=currency)
        return await catalog.list_global_plans(sort=self.sort, currency=currency)

    async def _show(self, view: catalog.PlanListView) -> None:
        currency = await self._display_currency()
        self._code, self.title, self.flag = view.code, f"{view.name} eSIM plans", view.flag
        self.plans = [plan_card_of(o, currency, view.display_prices.get(o.slug), best_value=o.slug in view.best_value)
                      for o in view.offers]
        self.covered = _countries(view.coverage)
        self.sort_options, self.data_options = _options(view.sort_choices), _options(view.data_choices)
        self.day_options = _options(view.day_choices)
        if view.offers:
            cheapest = min(o.price_cents for o in view.offers)
            self.subtitle = f"{len(view.offers)} plans from {format_money(cheapest, view.offers[0].currency)}"
        else:
            self.subtitle = "No plans match these filters."

    async def _open(self, kind: str, key: str) -> catalog.PlanListView | None:
        """Load a list with the default sort and no filters; None (and a not-found page) when unknown."""
        self.kind, self.sort, self.data_filter, self.days_filter = kind, "price", "any", "any"
        self.unlimited_only = self.include_multi = self.not_found = False
        try:
            view = await self._fetch(key)
        except catalog.UnknownDestination:
            self.plans, self.covered, self.not_found = [], [], True
            self.title = "Region not found" if kind == "regional" else "Destination not found"
            return None
        await self._show(view)
        self.description = list_description(view)
        return view

    async def _reload(self) -> None:
        await self._show(await self._fetch(self._code))

    @rx.event
    async def load_country(self):
        slug = str(self.country_slug)  # type: ignore[attr-defined]  (route argument)
        view = await self._open("local", slug)
        if view is not None and slug != view.slug:  # /destinations/jp → /destinations/japan
            return rx.redirect(f"/destinations/{view.slug}", replace=True)

    @rx.event
    async def load_region(self) -> None:
        await self._open("regional", str(self.region_slug))  # type: ignore[attr-defined]  (route argument)

    @rx.event
    async def load_global(self) -> None:
        await self._open("global", "global")

    @rx.event
    async def set_sort(self, value: str) -> None:
        self.sort = value if value in {o.key for o in self.sort_options} else "price"
        await self._reload()

    @rx.event
    async def set_data_filter(self, value: str) -> None:
        self.data_filter = value if value in {o.key for o in self.data_options} else "any"
        await self._reload()

    @rx.event
    async def set_days_filter(self, value: str) -> None:
        self.days_filter = value if value in {o.key for o in self.day_options} else "any"
        await self._reload()

    @rx.event
    async def set_unlimited_only(self, value: bool) -> None:
        self.unlimited_only = bool(value)
        await self._reload()

    @rx.event
    async def set_include_multi(self, value: bool) -> None:
        self.include_multi = bool(value)
        await self._reload()

    @rx.event
    async def refresh_prices(self) -> None:
        if self._code and not self.not_found:
            await self._reload()


class PlanDetailState(rx.State):
    title: str = "eSIM plan"
    description: str = GENERIC_DESCRIPTION
    loaded: bool = False
    found: bool = False
    plan: PlanCard | None = None
    coverage: list[Country] = []
    operator: str = ""
    supports_topup: bool = False
    kind: str = ""

    @rx.event
    async def load(self) -> None:
        await self._show()

    @rx.event
    async def refresh_prices(self) -> None:
        if self.found:
            await self._show()

    async def _show(self) -> None:
        currency = (await self.get_state(DisplayCurrencyState))._currency()
        detail = await catalog.get_plan(str(self.plan_ref), currency=currency)  # type: ignore[attr-defined]
        self.loaded, self.found = True, detail is not None
        if detail is None:
            self.plan, self.coverage, self.operator, self.supports_topup, self.kind = None, [], "", False, ""
            self.title = "Plan not found"
            return
        self.plan = plan_card_of(detail.offer, currency, detail.display_price_cents, best_value=detail.is_best_value)
        self.coverage = _countries(detail.coverage)
        self.operator, self.supports_topup = detail.operator or "", detail.supports_topup
        self.kind, self.title = detail.offer.kind, f"{detail.offer.name} eSIM"
        self.description = plan_description(detail)


class LandingState(rx.State):
    """Live "from" prices for the landing page's popular destinations."""

    from_prices: dict[str, str] = {}

    @rx.event
    async def load(self) -> None:
        landing = await catalog.get_landing()
        self.from_prices = {d.code: format_money(d.min_price_cents, d.currency) for d in landing.destinations}
