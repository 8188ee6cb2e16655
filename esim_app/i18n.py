"""`t("...")`: page text in the reader's language, switching in the browser with `LocaleState.lang`.

Each message is looked up in every catalogue when the page is built and compiled into the page as
one small table keyed by language, so the switcher changes the text without a round trip and the
prerendered page reads in English: a reader who asks for another language sees the page only once it
reads in theirs (`language_guard`), not an English page that then changes. `params` may be state vars: `t("Refunds within {days} days",
days=DisplayCurrencyState.refund_days)`. Babel extracts every `t("...")` (see `babel.cfg`).
"""

from __future__ import annotations

import json

import reflex as rx

from esim_app.state.locale import LANGUAGE_PENDING, LocaleState
from services.core import DEFAULT_LANGUAGE, languages, translate


def t(message: str, **params: rx.Var | str | int) -> rx.Var[str] | str:
    """`message` in the reader's language; plain text when every language reads the same."""
    table = {lang: translate(lang, message, **params) for lang in languages()}
    if len(set(table.values())) == 1 and not any(isinstance(v, rx.Var) for v in params.values()):
        return table[DEFAULT_LANGUAGE]
    return rx.Var.create(table)[LocaleState.lang].to(str)


# In <head>: the language the server will negotiate (`?lang=`, the chosen-language cookie, the
# browser's languages; the profile is not known here) hides the English prerendered page until
# the page's language step (`StorefrontState.visit`, `LocaleState.negotiate` on portal pages) reveals
# it in that language, or for at most 3 s if the app does not start.
_GUARD = """(() => {{ try {{
  const known = {known}, root = document.documentElement;
  const chosen = (document.cookie.match(/(?:^|; )lang=([^;]*)/) || [])[1];
  const wanted = [new URLSearchParams(location.search).get("lang"), chosen, ...navigator.languages]
    .map((tag) => String(tag || "").split("-")[0].toLowerCase()).find((code) => known.includes(code));
  if (wanted && wanted !== {default}) {{
    root.classList.add("{pending}");
    setTimeout(() => root.classList.remove("{pending}"), 3000);
  }}
}} catch (error) {{}} }})();"""


def language_guard() -> rx.Component:
    """The inline script (for the app's head) that keeps a non-English reader from seeing English first."""
    return rx.el.script(_GUARD.format(known=json.dumps(list(languages())), default=json.dumps(DEFAULT_LANGUAGE),
                                   pending=LANGUAGE_PENDING))
