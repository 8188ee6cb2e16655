"""Storefront browsing: country, region and global plan lists, one plan, display currency.

Public pages: no sign-in, nothing private. Prices come from the catalogue in USD; the display
currency only changes what is shown (checkout always charges the USD price).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import reflex as rx

from services import catalog
from services.catalog.destinations import REGIONS, get_destination
from services.core import format_data_size
from services.core.money import format_money

SORTS = {"price": "Lowest price", "data": "Most data", "days": "Longest validity"}
DATA_FILTERS = {"any": None, "1": 1024, "3": 3 * 1024, "5": 5 * 1024, "10": 10 * 1024, "20": 20 * 1024}
DAY_FILTERS = {"any": None, "7": 7, "15": 15, "30": 30}
REGION_NAMES = {r.slug: r.name for r in REGIONS}


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
    is_best_price: bool
    coverage: str  # "Covers 34 countries" for multi-country plans, else ""


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    flag: str


def plan_card_of(o: catalog.OfferView, currency: str) -> PlanCard:
    """The card a page shows for an offer, with an approximate price in `currency` when not USD."""
    price = format_money(o.price_cents, o.currency)
    approx = ""
    if currency != o.currency:
        approx = "≈ " + format_money(catalog.price_in(currency, o.price_cents), currency)
    per_gb = "" if o.price_per_gb_cents is None else format_money(o.price_per_gb_cents, o.currency) + " per GB"
    return PlanCard(
        slug=o.slug,
        name=o.name,
        destination_name=o.destination_name,
        data=format_data_size(o.data_mb, unlimited=o.unlimited),
        validity=f"{o.validity_days} days",
        price=price,
        approx_price=approx,
        per_gb=per_gb,
        is_best_price=o.is_best_price,
        coverage=f"Covers {o.coverage_count} countries" if o.coverage_count > 1 else "",
    )


class DisplayCurrencyState(rx.State):
    """The visitor's display currency, remembered in the browser; rates and policies are the admin's."""

    currency: str = rx.LocalStorage("USD", name="display_currency", sync=True)
    currencies: list[str] = ["USD"]
    refund_days: int = 30

    @rx.event
    async def load(self) -> None:
        settings = await asyncio.to_thread(catalog.storefront_settings)
        self.currencies = ["USD", *sorted(settings.currency_rates)]
        self.refund_days = settings.refund_window_days

    @rx.event
    def set_currency(self, value: str):
        if value in self.currencies:
            self.currency = value
            return [PlanListState.refresh_prices, PlanDetailState.refresh_prices]

    def _currency(self) -> str:
        return self.currency if self.currency in self.currencies else "USD"


class PlanListState(rx.State):
    """A country, region or the global list, with sorting and filters."""

    title: str = ""
    flag: str = ""
    subtitle: str = ""
    kind: str = "local"  # local | regional | global
    plans: list[PlanCard] = []
    covered: list[Country] = []
    sort: str = "price"
    data_filter: str = "any"
    days_filter: str = "any"
    unlimited_only: bool = False
    include_multi: bool = False
    not_found: bool = False
    _code: str = ""
    _offers: list[catalog.OfferView] = []

    async def _display_currency(self) -> str:
        return (await self.get_state(DisplayCurrencyState))._currency()

    async def _show(self) -> None:
        currency = await self._display_currency()
        self.plans = [plan_card_of(o, currency) for o in self._offers]
        if self._offers:
            cheapest = min(o.price_cents for o in self._offers)
            self.subtitle = f"{len(self._offers)} plans from {format_money(cheapest, self._offers[0].currency)}"
        else:
            self.subtitle = "No plans match these filters."

    async def _load(self) -> None:
        sort = self.sort if self.sort in SORTS else "price"
        if self.kind == "local":
            offers = await asyncio.to_thread(
                catalog.list_country_offers, self._code, sort=sort,
                data_min_mb=DATA_FILTERS.get(self.data_filter), days_min=DAY_FILTERS.get(self.days_filter),
                unlimited=True if self.unlimited_only else None, include_multi_country=self.include_multi,
            )
        elif self.kind == "regional":
            offers = await asyncio.to_thread(catalog.list_region_offers, self._code, sort=sort)
        else:
            offers = await asyncio.to_thread(catalog.list_global_offers, sort=sort)
        self._offers = offers
        await self._show()

    def _reset_filters(self) -> None:
        self.sort, self.data_filter, self.days_filter = "price", "any", "any"
        self.unlimited_only = self.include_multi = self.not_found = False
        self.covered = []

    @rx.event
    async def load_country(self):
        slug = str(self.country_slug)  # type: ignore[attr-defined]  (route argument)
        country = get_destination(slug)
        if country is None:
            self._offers, self.plans, self.not_found, self.title = [], [], True, "Destination not found"
            return
        if slug != country.slug:  # /destinations/jp → /destinations/japan
            return rx.redirect(f"/destinations/{country.slug}", replace=True)
        self._reset_filters()
        self.kind, self._code, self.title, self.flag = "local", country.code, f"{country.name} eSIM plans", country.flag
        await self._load()

    @rx.event
    async def load_region(self):
        slug = str(self.region_slug).lower()  # type: ignore[attr-defined]  (route argument)
        if slug not in REGION_NAMES:
            self._offers, self.plans, self.not_found, self.title = [], [], True, "Region not found"
            return
        self._reset_filters()
        self.kind, self._code, self.title, self.flag = "regional", slug, f"{REGION_NAMES[slug]} eSIM plans", "🗺️"
        await self._load()
        self.covered = await asyncio.to_thread(_union_coverage, [o.slug for o in self._offers])

    @rx.event
    async def load_global(self):
        self._reset_filters()
        self.kind, self._code, self.title, self.flag = "global", "global", "Global eSIM plans", "🌍"
        await self._load()
        self.covered = await asyncio.to_thread(_union_coverage, [o.slug for o in self._offers])

    @rx.event
    async def set_sort(self, value: str):
        self.sort = value if value in SORTS else "price"
        await self._load()

    @rx.event
    async def set_data_filter(self, value: str):
        self.data_filter = value if value in DATA_FILTERS else "any"
        await self._load()

    @rx.event
    async def set_days_filter(self, value: str):
        self.days_filter = value if value in DAY_FILTERS else "any"
        await self._load()

    @rx.event
    async def set_unlimited_only(self, value: bool):
        self.unlimited_only = bool(value)
        await self._load()

    @rx.event
    async def set_include_multi(self, value: bool):
        self.include_multi = bool(value)
        await self._load()

    @rx.event
    async def refresh_prices(self):
        await self._show()


def _union_coverage(slugs: list[str]) -> list[Country]:
    seen: dict[str, Country] = {}
    for slug in slugs:
        detail = catalog.get_offer(slug)
        for c in detail.coverage if detail else ():
            seen.setdefault(c.code, Country(c.code, c.name, c.flag))
    return sorted(seen.values(), key=lambda c: c.name)


class PlanDetailState(rx.State):
    title: str = "eSIM plan"
    loaded: bool = False
    found: bool = False
    plan: PlanCard | None = None
    coverage: list[Country] = []
    operator: str = ""
    supports_topup: bool = False
    kind: str = ""
    _offer: catalog.OfferView | None = None

    @rx.event
    async def load(self):
        detail = await asyncio.to_thread(catalog.get_offer, str(self.plan_ref))  # type: ignore[attr-defined]
        self.loaded, self.found = True, detail is not None
        self._offer = detail.offer if detail else None
        self.coverage = [Country(c.code, c.name, c.flag) for c in detail.coverage] if detail else []
        self.operator = (detail.operator or "") if detail else ""
        self.supports_topup = bool(detail and detail.supports_topup)
        self.kind = detail.offer.kind if detail else ""
        self.title = f"{detail.offer.name} eSIM" if detail else "Plan not found"
        await self._show()

    async def _show(self) -> None:
        currency = (await self.get_state(DisplayCurrencyState))._currency()
        self.plan = plan_card_of(self._offer, currency) if self._offer else None

    @rx.event
    async def refresh_prices(self) -> None:
        await self._show()


class LandingState(rx.State):
    """Live "from" prices for the landing page's popular destinations."""

    from_prices: dict[str, str] = {}

    @rx.event
    async def load(self) -> None:
        destinations = await asyncio.to_thread(catalog.destinations_with_offers)
        self.from_prices = {d.code: format_money(d.min_price_cents, d.currency) for d in destinations}
