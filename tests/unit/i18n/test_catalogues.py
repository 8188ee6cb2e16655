"""Translation completeness: every message the code marks is translated in every language.

Extracts with the same function as `make translations` (babel.cfg + `KEYWORDS`) and compares with
each `locales/<lang>/LC_MESSAGES/messages.po`: a new customer-facing string fails here until every
catalogue has it, and so does an empty or fuzzy translation or one that loses a placeholder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from services.core import languages, translate
from services.core.catalogues import extract, read

PLACEHOLDER = re.compile(r"\{\w*\}|%\(\w+\)s")
TRANSLATED = [lang for lang in languages() if lang != "en"]


@pytest.fixture(scope="module")
def template():
    return extract()


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_the_storefront_speaks_five_languages() -> None:
    assert set(languages()) >= {"en", "es", "fr", "de", "ja"}


def test_extraction_finds_the_storefront_messages(template) -> None:
    ids = {m.id for m in template if m.id}
    assert {"Buy now", "Popular destinations", "Sign in or create your account"} <= ids
    # the shared table's words: its screen-reader "Actions" header and its pager
    assert {"Actions", "Previous", "Next", "Page {page} of {pages}"} <= ids


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_marked_message_is_translated(template, lang: str) -> None:
    catalogue = read(lang)
    missing = []
    for message in template:
        if not message.id:
            continue
        found = catalogue.get(message.id, context=message.context)
        if found is None or found.fuzzy or not all(_strings(found)):
            missing.append(message.id)
    assert missing == [], f"{lang}: untranslated (run `make translations`, then translate): {missing}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_their_placeholders(lang: str) -> None:
    broken = []
    for message in read(lang):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = {p for text in source for p in PLACEHOLDER.findall(text)} - {"{n}"}
        for text in _strings(message):
            if text and not wanted <= set(PLACEHOLDER.findall(text)):
                broken.append((message.id, text))
    assert broken == []


def test_a_translation_is_read_from_its_catalogue() -> None:
    assert translate("ja", "Buy now") == "今すぐ購入"
    assert translate("es", "From {price}", price="9,99 US$") == "Desde 9,99 US$"
    assert translate("xx", "Buy now") == "Buy now"


# What customers read is built here: their dates go through Babel (`services.core.date_text`,
# `moment_text`, `format_date`) for the reader's locale, never `strftime`'s English month names.
CUSTOMER_FACING = ("services/orders", "services/support", "services/notifications", "services/accounts",
                   "services/catalog", "esim_app/pages/storefront", "esim_app/pages/account.py",
                   "esim_app/pages/checkout.py", "esim_app/pages/support.py", "esim_app/pages/profile.py",
                   "esim_app/pages/refund.py", "services/enterprise/installs.py", "esim_app/pages/enterprise/install.py",
                   *(f"esim_app/state/{name}.py" for name in (
                       "account", "catalog", "checkout", "devices", "locale", "login", "profile", "refund",
                       "search", "support", "topup")))
ENGLISH_DATES = re.compile(r"strftime\(|:%[dbBYmHM]|%d %b")


def test_customer_facing_code_writes_dates_for_the_readers_locale() -> None:
    root = Path(__file__).resolve().parents[3]
    files = [p for name in CUSTOMER_FACING for p in ([root / name] if name.endswith(".py")
                                                      else sorted((root / name).rglob("*.py")))]
    assert len(files) > 30
    english = [f"{p.relative_to(root)}:{n}" for p in files for n, line in enumerate(p.read_text().splitlines(), 1)
               if ENGLISH_DATES.search(line)]
    assert english == [], f"dates formatted in English only (use services.core.date_text / moment_text): {english}"
