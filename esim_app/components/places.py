"""What a plan list's address alone tells: the place's name and flag, the page's heading and description.

Country and region pages are prerendered at their addresses (`esim_app.routes.prerendered`), so a
phone paints the heading before any JavaScript runs. The heading must read the same in that HTML and
in the browser's first render, before the state arrives by websocket (else React discards the
prerendered page), so it comes from React Router's route parameter and tables of names (each place's
name per language, in a module of their own, `esim_app.plugins.PlaceTables`), not from the state.
Once the state holds the same place, its figures (plan count, lowest price, the description with
prices) replace the address's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import reflex as rx
from reflex.vars.base import VarData
from reflex_base.utils.imports import ImportVar

from esim_app.i18n import t
from esim_app.state.catalog import PlanListState
from esim_app.state.locale import LocaleState
from services import catalog
from services.core import country_name, languages, translate

_ROUTE_PARAMS = VarData(imports={"react-router": [ImportVar(tag="useParams")]},
                        hooks={"const routeParams = useParams();": None})
TABLES_MODULE = "utils/places.js"  # under .web/, written by `esim_app.plugins.PlaceTables`
_REGION_FLAG, _GLOBAL_FLAG = "🗺️", "🌍"  # as `services.catalog` shows them


def route_param(name: str) -> rx.Var[str]:
    """A parameter of the page's address (`country_slug` of `/destinations/[country_slug]`), "" if absent."""
    return rx.Var(_js_expr=f'(routeParams[{json.dumps(name)}] ?? "")', _var_type=str, _var_data=_ROUTE_PARAMS).to(str)


def tables_module() -> str:
    """The JavaScript module of the names and flags by slug: imported once, not repeated in each expression."""
    tables = {
        "countryNames": {lang: {d.slug: country_name(d.code, lang, english=d.name) for d in catalog.all_destinations()}
                         for lang in languages()},
        "regionNames": {lang: {r.slug: translate(lang, r.name) for r in catalog.REGIONS} for lang in languages()},
        "countryFlags": {d.slug: d.flag for d in catalog.all_destinations()},
    }
    return "".join(f"export const {name} = {json.dumps(table, ensure_ascii=False)};\n" for name, table in tables.items())


def _table(name: str) -> rx.Var[dict]:
    module = "$/" + TABLES_MODULE.removesuffix(".js")
    return rx.Var(_js_expr=name, _var_data=VarData(imports={module: [ImportVar(tag=name)]})).to(dict)


@dataclass(frozen=True)
class RoutePlace:
    """The place a plan list's address names: `name` is "" for an address we know nothing of."""

    slug: rx.Var[str] | str
    name: rx.Var[str] | str
    flag: rx.Var[str] | str

    @property
    def current(self) -> rx.Var[bool]:
        """The state holds this place's list (not yet on first render, nor just after following a link)."""
        return PlanListState.slug == self.slug

    def title(self) -> rx.Var[str]:
        return rx.cond(self.name, t("{place} eSIM plans", place=self.name), PlanListState.title)

    def shown_flag(self) -> rx.Var[str]:
        return rx.cond(self.name, self.flag, PlanListState.flag)

    def subtitle(self) -> rx.Var[str]:
        return rx.cond(self.current, PlanListState.subtitle, "")

    def description(self) -> rx.Var[str]:
        """The meta description: the state's (what the list sells, for how much) once it holds this place."""
        general = t("Prepaid eSIM data {where} for travellers: compare networks, pay securely, install in a minute.",
                    where=t("in {place}", place=self.name))
        return rx.cond(self.current, PlanListState.description, rx.cond(self.name, general, PlanListState.description))


def route_place(kind: str) -> RoutePlace:
    """The place of a `local` (country), `regional` or `global` list page's address."""
    if kind == "global":
        return RoutePlace("global", t("Global"), _GLOBAL_FLAG)
    if kind == "regional":
        slug = route_param("region_slug")
        return RoutePlace(slug, _table("regionNames")[LocaleState.lang].to(dict)[slug].to(str), _REGION_FLAG)
    slug = route_param("country_slug")
    return RoutePlace(slug, _table("countryNames")[LocaleState.lang].to(dict)[slug].to(str),
                      _table("countryFlags")[slug].to(str))
