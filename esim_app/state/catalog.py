"""Storefront browsing: country, region and global plan lists, one plan, the currency the visitor pays in.

Public pages: no sign-in, nothing private. Each handler awaits one `services.catalog` (or
`services.store`) call and maps the view to rows; the sort and filter choices, coverage and
prices in the visitor's currency come from the service, and checkout charges exactly those.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

import reflex as rx

from esim_app.state.auth import AuthState
from esim_app.state.locale import LocaleState, reader_language
from services import accounts, catalog, store
from services.core import (
    DEFAULT_LANGUAGE,
    N_,
    country_name,
    days_text,
    format_data_size,
    money_text,
    ntranslate,
    offer_title,
    place_name,
    translate,
)

CURRENCY_COOKIE_SECONDS = 365 * 24 * 3600
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlanCard:
    slug: str
    name: str
    destination_name: str
    data: str
    validity: str
    price: str
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


@functools.lru_cache(maxsize=8192)
def plan_card_of(o: catalog.OfferView, currency: str, display_cents: int | None = None, *,
                 best_value: bool = False, lang: str = DEFAULT_LANGUAGE) -> PlanCard:
    """The card a page shows for an offer in `lang`, priced as checkout charges it: `display_cents` in
    `currency` when that is not the offer's own currency. Cached (a pure function of its arguments):
    every visitor of a list gets the same cards, and a new price is a new `OfferView`."""
    price, shown_in = (display_cents, currency) if display_cents is not None else (o.price_cents, o.currency)
    per_gb_cents = catalog.per_gb_cents(price, o.data_mb, o.unlimited)
    per_gb = "" if per_gb_cents is None else translate(
        lang, "{price} per GB", price=money_text(lang, per_gb_cents, shown_in))
    place = place_name(lang, o.kind, o.destination_code, o.destination_name)
    return PlanCard(
        slug=o.slug,
        name=offer_title(lang, place=place, data_mb=o.data_mb, unlimited=o.unlimited, days=o.validity_days),
        destination_name=place,
        data=format_data_size(o.data_mb, unlimited=o.unlimited, lang=lang),
        validity=days_text(lang, o.validity_days),
        price=money_text(lang, price, shown_in),
        per_gb=per_gb,
        is_best_value=best_value,
        coverage=ntranslate(lang, "Covers {n} country", "Covers {n} countries", o.coverage_count)
        if o.coverage_count > 1 else "",
    )


def _countries(coverage: tuple[catalog.CoverageCountry, ...], lang: str) -> list[Country]:
    return sorted((Country(c.code, country_name(c.code, lang, english=c.name), c.flag) for c in coverage),
                  key=lambda c: c.name)


def _options(choices: tuple[catalog.Choice, ...], lang: str, counted: str = "") -> list[Option]:
    """Choices in `lang`; `counted` words the numbered ones ("{n} GB or more"), keyed by the number."""
    return [Option(c.key, translate(lang, counted, n=c.key) if counted and c.key.isdigit() else translate(lang, c.label))
            for c in choices]


GENERIC_DESCRIPTION = N_("Prepaid eSIM data plans for travellers: compare networks, pay securely, install in a minute.")


def list_description(view: catalog.PlanListView, lang: str = DEFAULT_LANGUAGE) -> str:
    """The meta description of a plan list in `lang`, from what it sells (in the store currency)."""
    place = place_name(lang, view.kind, view.code, view.name)
    count = len(view.coverage)
    where = {"regional": ntranslate(lang, "across {n} country in {place}", "across {n} countries in {place}",
                                    count, place=place),
             "global": ntranslate(lang, "in {n} country worldwide", "in {n} countries worldwide", count)
             }.get(view.kind) or translate(lang, "in {place}", place=place)
    if not view.offers:
        return translate(lang, "Prepaid eSIM data {where} for travellers: compare networks, pay securely, "
                               "install in a minute.", where=where)
    cheapest = min(view.offers, key=lambda o: o.price_cents)
    days = sorted(o.validity_days for o in view.offers)
    span = days_text(lang, days[0]) if days[0] == days[-1] else translate(
        lang, "{low} to {high} days", low=days[0], high=days[-1])
    return translate(lang, "Prepaid eSIM data {where}: {plans} from {price}, valid {span}. Delivered by email, "
                           "installed in a minute, no roaming charges.",
                     where=where, plans=ntranslate(lang, "{n} plan", "{n} plans", len(view.offers)),
                     price=money_text(lang, cheapest.price_cents, cheapest.currency), span=span)


def plan_description(detail: catalog.PlanDetailView, lang: str = DEFAULT_LANGUAGE) -> str:
    """The meta description of one plan in `lang`: what it gives, where, for how long and for how much."""
    o = detail.offer
    place = place_name(lang, o.kind, o.destination_code, o.destination_name)
    where = place if o.coverage_count <= 1 else ntranslate(
        lang, "{n} country ({place})", "{n} countries ({place})", o.coverage_count, place=place)
    data = translate(lang, "Unlimited data") if o.unlimited else translate(
        lang, "{data} of data", data=format_data_size(o.data_mb, lang=lang))
    return translate(lang, "{data} for {days} in {where} for {price}: a prepaid eSIM, one payment, no subscription. "
                           "Installed in a minute.", data=data, days=days_text(lang, o.validity_days), where=where,
                     price=money_text(lang, o.price_cents, o.currency))


class DisplayCurrencyState(rx.State):
    """The currency the visitor pays in: their choice, kept in a cookie; until they choose, a signed-in
    customer's profile currency. The choices, rates and policies are the admin's."""

    currency: str = rx.Cookie("", name="currency", max_age=CURRENCY_COOKIE_SECONDS, same_site="lax")
    currencies: list[str] = [store.STORE_CURRENCY]
    refund_days: int = 30
    notice: str = ""  # the owner's notice for customers (admin settings), "" for none

    @rx.event
    async def load(self) -> None:
        await self._load(await (await self.get_state(AuthState))._current())

    async def _load(self, identity: accounts.Identity | None) -> None:
        """The admin's choices, and (until the visitor chooses) the currency of `identity`'s profile."""
        settings = await store.get_display_settings()
        self.currencies = list(settings.currencies)
        self.refund_days = settings.refund_window_days
        self.notice = settings.notice
        if not self.currency:
            if identity is not None and identity.role == "customer":
                page = await accounts.get_profile_page(identity)
                self.currency = page.profile.currency if page.profile.currency in self.currencies else ""

    @rx.event
    async def set_currency(self, value: str):
        if await self._choose(value):
            return [PlanListState.refresh_prices, PlanDetailState.refresh_prices]
        return None

    async def _choose(self, value: str) -> bool:
        """Remember `value` (one of the offered currencies) in the cookie and, when signed in, the profile."""
        if not isinstance(value, str) or value not in self.currencies:
            return False
        self.currency = value
        identity = await (await self.get_state(AuthState))._current()
        if identity is not None and identity.role == "customer":
            await accounts.set_currency(identity.principal_id, value)
        return True

    def _currency(self) -> str:
        return self.currency if self.currency in self.currencies else store.STORE_CURRENCY


async def visit(state: rx.State) -> rx.event.EventSpec:
    """The first step of a storefront page load, from any state's on-load handler: resolve the session (for
    the header), then the language, then the currency; in that order, as the language and the currency may
    come from the signed-in customer's profile. Returns the event applying the language."""
    auth = await state.get_state(AuthState)
    identity = await auth._current()
    language = (await state.get_state(LocaleState))._negotiate(auth)
    try:
        await (await state.get_state(DisplayCurrencyState))._load(identity)
    except Exception:  # the database is away: the page keeps its default currency, and still its language
        log.exception("storefront visit: the display currencies did not load")
    return language


class PlanListState(rx.State):
    """A country, region or the global list, with sorting and (for countries) filters."""

    slug: str = ""  # the address's slug of the list held (`esim_app.components.places`)
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
        currency, lang = await self._display_currency(), await reader_language(self)
        place = place_name(lang, view.kind, view.code, view.name)
        self._code, self.slug, self.flag = view.code, view.slug, view.flag
        self.title = translate(lang, "{place} eSIM plans", place=place)
        self.plans = [plan_card_of(o, currency, view.display_prices.get(o.slug), best_value=o.slug in view.best_value,
                                   lang=lang) for o in view.offers]
        self.covered = _countries(view.coverage, lang)
        self.sort_options = _options(view.sort_choices, lang)
        self.data_options = _options(view.data_choices, lang, N_("{n} GB or more"))
        self.day_options = _options(view.day_choices, lang, N_("{n} days or more"))
        if view.offers:
            cheapest = min(o.price_cents for o in view.offers)
            self.subtitle = ntranslate(lang, "{n} plan from {price}", "{n} plans from {price}", len(view.offers),
                                       price=money_text(lang, cheapest, view.offers[0].currency))
        else:
            self.subtitle = translate(lang, "No plans match these filters.")

    async def _open(self, kind: str, key: str) -> catalog.PlanListView | None:
        """Load a list with the default sort and no filters; None (and a not-found page) when unknown."""
        self.kind, self.sort, self.data_filter, self.days_filter = kind, "price", "any", "any"
        self.unlimited_only = self.include_multi = self.not_found = False
        try:
            view = await self._fetch(key)
        except catalog.UnknownDestination:
            self.plans, self.covered, self.not_found, self.slug = [], [], True, ""
            self.title = translate(await reader_language(self),
                                   N_("Region not found") if kind == "regional" else N_("Destination not found"))
            return None
        await self._show(view)
        self.description = list_description(view, await reader_language(self))
        return view

    async def _reload(self) -> None:
        await self._show(await self._fetch(self._code))

    @rx.event
    async def load_country(self):
        """The page's on-load: the storefront `visit`, then this (one event per page load)."""
        language, slug = await visit(self), str(self.country_slug)  # type: ignore[attr-defined]  (route argument)
        view = await self._open("local", slug)
        if view is not None and slug != view.slug:  # /destinations/jp → /destinations/japan
            return [language, rx.redirect(f"/destinations/{view.slug}", replace=True)]
        return language

    @rx.event
    async def load_region(self):
        """The page's on-load: the storefront `visit`, then this (one event per page load)."""
        language, slug = await visit(self), str(self.region_slug)  # type: ignore[attr-defined]  (route argument)
        view = await self._open("regional", slug)
        if view is not None and slug != view.slug:  # /regions/Europe → /regions/europe (the page matches the address)
            return [language, rx.redirect(f"/regions/{view.slug}", replace=True)]
        return language

    @rx.event
    async def load_global(self):
        """The page's on-load: the storefront `visit`, then this (one event per page load)."""
        language = await visit(self)
        await self._open("global", "global")
        return language

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
    async def load(self):
        """The page's on-load: the storefront `visit`, then this (one event per page load)."""
        language = await visit(self)
        await self._show()
        return language

    @rx.event
    async def refresh_prices(self) -> None:
        if self.found:
            await self._show()

    async def _show(self) -> None:
        currency = (await self.get_state(DisplayCurrencyState))._currency()
        lang = await reader_language(self)
        detail = await catalog.get_plan(str(self.plan_ref), currency=currency)  # type: ignore[attr-defined]
        self.loaded, self.found = True, detail is not None
        if detail is None:
            self.plan, self.coverage, self.operator, self.supports_topup, self.kind = None, [], "", False, ""
            self.title = translate(lang, "Plan not found")
            return
        self.plan = plan_card_of(detail.offer, currency, detail.display_price_cents, best_value=detail.is_best_value,
                                 lang=lang)
        self.coverage = _countries(detail.coverage, lang)
        self.operator, self.supports_topup = detail.operator or "", detail.supports_topup
        self.kind, self.title = detail.offer.kind, translate(lang, "{plan} eSIM", plan=self.plan.name)
        self.description = plan_description(detail, lang)


class LandingState(rx.State):
    """The popular destinations' names in the reader's language and their live "from" prices."""

    from_prices: dict[str, str] = {}
    names: dict[str, str] = {d.code: d.name for d in catalog.POPULAR_DESTINATIONS}

    @rx.event
    async def load(self):
        """The page's on-load: the storefront `visit`, then this (one event per page load)."""
        language = await visit(self)
        landing, lang = await catalog.get_landing(), await reader_language(self)
        self.names = {d.code: country_name(d.code, lang, english=d.name) for d in catalog.POPULAR_DESTINATIONS}
        cheapest = {d.code: d for d in landing.destinations}
        self.from_prices = {  # the page shows the popular destinations only
            d.code: translate(lang, "From {price}", price=money_text(lang, c.min_price_cents, c.currency))
            for d in catalog.POPULAR_DESTINATIONS if (c := cheapest.get(d.code)) is not None}
        return language
