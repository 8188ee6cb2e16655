"""Extracting the messages to translate and updating each language's catalogue (`make translations`).

The one definition of what counts as a message: `babel.cfg` says where to look, `KEYWORDS` which
calls mark a message. The completeness test extracts with the same function.
"""

from __future__ import annotations

import configparser
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from services.core.i18n import DOMAIN, LOCALES_DIR, languages

ROOT = LOCALES_DIR.parent
KEYWORDS = {"t": None, "N_": None, "translate": (2,), "ntranslate": (2, 3),
            "gettext": None, "ngettext": (1, 2), "_": None}  # the last three: {% trans %} and _() in email templates


def _method_map() -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    parser = configparser.RawConfigParser()
    parser.read(ROOT / "babel.cfg", encoding="utf-8")
    methods, options = [], {}
    for section in parser.sections():
        method, _, pattern = section.partition(":")
        methods.append((pattern.strip(), method.strip()))
        options[pattern.strip()] = dict(parser.items(section))
    return methods, options


def extract() -> Catalog:
    """Every message the code marks for translation, with where it is used."""
    methods, options = _method_map()
    catalog = Catalog(domain=DOMAIN, project="Wayfarer", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            ROOT, methods, options, KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def read(lang: str) -> Catalog:
    with (LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


def update() -> None:
    """Write `locales/messages.pot` and merge it into every language's `messages.po`."""
    template = extract()
    with (LOCALES_DIR / f"{DOMAIN}.pot").open("wb") as f:
        write_po(f, template, width=110, sort_by_file=True)
    for lang in languages()[1:]:
        catalog = read(lang)
        catalog.update(template, no_fuzzy_matching=True)
        with (LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("wb") as f:
            write_po(f, catalog, width=110, ignore_obsolete=True, sort_by_file=True)
        untranslated = sum(1 for m in catalog if m.id and not all(
            m.string if isinstance(m.string, tuple) else (m.string,)))
        print(f"{lang}: {len(catalog)} messages, {untranslated} untranslated")


def init(lang: str) -> Path:
    """Start a catalogue for a new language (then run `update`)."""
    path = LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, Catalog(locale=lang, domain=DOMAIN, project="Wayfarer"), width=110)
    return path


if __name__ == "__main__":
    update()
