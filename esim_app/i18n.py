"""`t("...")`: page text in the reader's language, switching in the browser with `LocaleState.lang`.

Each message is looked up in every catalogue when the page is built and compiled into the page as
one small table keyed by language, so the switcher changes the text without a round trip and the
prerendered page reads in English. `params` may be state vars: `t("Refunds within {days} days",
days=DisplayCurrencyState.refund_days)`. Babel extracts every `t("...")` (see `babel.cfg`).
"""

from __future__ import annotations

import reflex as rx

from esim_app.state.locale import LocaleState
from services.core import DEFAULT_LANGUAGE, languages, translate


def t(message: str, **params: rx.Var | str | int) -> rx.Var[str] | str:
    """`message` in the reader's language; plain text when every language reads the same."""
    table = {lang: translate(lang, message, **params) for lang in languages()}
    if len(set(table.values())) == 1 and not any(isinstance(v, rx.Var) for v in params.values()):
        return table[DEFAULT_LANGUAGE]
    return rx.Var.create(table)[LocaleState.lang].to(str)
