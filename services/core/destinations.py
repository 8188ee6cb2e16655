"""Countries a traveller can search for: names from pycountry, everyday names, aliases and flags.

Search is forgiving: it matches the start of a name, any word of it, an alias ("USA", "UK")
or an ISO code, and falls back to fuzzy matching (RapidFuzz) for small typos ("japn").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import pycountry
from rapidfuzz import fuzz, process

from services.core.i18n import N_, country_names

# Everyday names where pycountry's short name reads like a treaty.
_DISPLAY_NAMES = {
    "BN": "Brunei",
    "CD": "DR Congo",
    "CG": "Republic of the Congo",
    "FM": "Micronesia",
    "PS": "Palestine",
    "RU": "Russia",
    "VA": "Vatican City",
    "CI": "Côte d'Ivoire",
}

# Names people type that are not in pycountry.
_ALIASES = {
    "US": ("USA", "America", "United States of America", "US"),
    "GB": ("UK", "Great Britain", "Britain", "England", "Scotland", "Wales"),
    "AE": ("UAE", "Emirates", "Dubai", "Abu Dhabi"),
    "KR": ("Korea",),
    "CZ": ("Czech Republic",),
    "NL": ("Holland",),
    "TR": ("Turkey",),
    "CI": ("Ivory Coast",),
    "MK": ("Macedonia",),
    "SZ": ("Swaziland",),
    "CV": ("Cape Verde",),
    "TL": ("East Timor",),
    "MM": ("Burma",),
    "HK": ("Hongkong",),
    "VA": ("Holy See", "Vatican"),
}


@dataclass(frozen=True, slots=True)
class Destination:
    code: str  # ISO 3166-1 alpha-2
    name: str
    slug: str
    flag: str
    aliases: tuple[str, ...] = ()


def flag_emoji(code: str) -> str:
    """The flag emoji of an ISO alpha-2 code (two regional indicator letters)."""
    return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in code.upper()) if len(code) == 2 else "🌐"


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _fold(text: str) -> str:
    """Lower case without accents or punctuation, other scripts kept: "Japón" -> "japon", "日本" -> "日本"."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[\W_]+", " ", bare).split())


@functools.cache
def all_destinations() -> tuple[Destination, ...]:
    """Every ISO 3166-1 country, sorted by display name."""
    found = []
    for country in pycountry.countries:
        code = country.alpha_2
        name = _DISPLAY_NAMES.get(code) or getattr(country, "common_name", None) or country.name
        aliases = {country.name, getattr(country, "official_name", country.name), *_ALIASES.get(code, ()),
                   *country_names(code)}  # its name in every language of the storefront
        aliases.discard(name)
        found.append(Destination(code, name, slugify(name), flag_emoji(code), tuple(sorted(aliases))))
    return tuple(sorted(found, key=lambda d: d.name))


@functools.cache
def _by_code() -> dict[str, Destination]:
    return {d.code: d for d in all_destinations()}


@functools.cache
def _by_slug() -> dict[str, Destination]:
    return {d.slug: d for d in all_destinations()}


def get_destination(code_or_slug: str) -> Destination | None:
    key = code_or_slug.strip()
    return _by_code().get(key.upper()) or _by_slug().get(key.lower())


@functools.cache
def _search_terms() -> tuple[list[str], list[Destination]]:
    terms, owners = [], []
    for d in all_destinations():
        for term in (d.name, *d.aliases):
            terms.append(_fold(term))
            owners.append(d)
    return terms, owners


def search_destinations(query: str, *, limit: int = 8) -> list[Destination]:
    """Destinations matching `query`, best first; empty for an empty query."""
    q = _fold(query)
    if not q:
        return []
    ranked: dict[str, tuple[float, Destination]] = {}

    def offer(d: Destination, score: float) -> None:
        if score > ranked.get(d.code, (-1.0, d))[0]:
            ranked[d.code] = (score, d)

    if len(q) == 2 and (exact := _by_code().get(q.upper())):
        offer(exact, 300)
    terms, owners = _search_terms()
    for term, d in zip(terms, owners, strict=True):
        if term == q:
            offer(d, 250)
        elif term.startswith(q):
            offer(d, 200 - len(term) / 100)
        elif f" {q}" in f" {term}":
            offer(d, 150 - len(term) / 100)
    if len(ranked) < limit and len(q) >= 3:
        for _, score, index in process.extract(q, terms, scorer=fuzz.WRatio, limit=limit * 2, score_cutoff=80):
            offer(owners[index], score / 2)  # below every direct match
    best = sorted(ranked.values(), key=lambda pair: (-pair[0], pair[1].name))
    return [d for _, d in best[:limit]]


@dataclass(frozen=True, slots=True)
class Region:
    slug: str
    name: str
    icon: str  # emoji shown on region cards
    blurb: str


REGIONS = (  # names and blurbs are translated where they are shown
    Region("europe", N_("Europe"), "🏰", N_("One eSIM for the Schengen area, the UK and the Balkans.")),
    Region("asia", N_("Asia"), "🏯", N_("Japan, Southeast Asia, Korea and beyond on one plan.")),
    Region("americas", N_("Americas"), "🗽", N_("North, Central and South America.")),
    Region("middle-east", N_("Middle East"), "🕌", N_("The Gulf, the Levant and Türkiye.")),
    Region("africa", N_("Africa"), "🦁", N_("Coverage across North, East and Southern Africa.")),
    Region("oceania", N_("Oceania"), "🏝️", N_("Australia, New Zealand and the Pacific islands.")),
)
