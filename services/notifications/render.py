"""Render an email from a template pair: `<name>.txt` (subject + text) and `<name>.html`.

The text template sets the subject at the top (`{% set subject %}...{% endset %}`), so one
new email is one template pair. HTML is autoescaped; every template sees `brand_name`,
`public_url` and `support_email` besides its own context: the brand and support address an owner
set in the admin settings (`services.store.settings`, cached), else the environment's.
"""

from __future__ import annotations

import functools
import pathlib
from dataclasses import dataclass
from typing import Any

import jinja2

from services.core.cache import cached
from services.core.i18n import DEFAULT_LANGUAGE, is_language, ntranslate, translate
from services.core.settings import get_settings
from services.store.settings import get_store_settings

TEMPLATES = pathlib.Path(__file__).parent / "templates"


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


@functools.cache
def _environment(lang: str) -> jinja2.Environment:
    """Templates whose `{% trans %}` blocks and `_()` read in `lang` (the catalogues of `services.core.i18n`)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
        auto_reload=False,  # the templates ship with the code: no stat() of each file on every render
    )
    env.policies["ext.i18n.trimmed"] = True  # as babel.cfg extracts them: whitespace runs collapsed
    env.install_gettext_callables(  # type: ignore[attr-defined]  (added by the i18n extension)
        lambda message: translate(lang, message),
        lambda singular, plural, n: ntranslate(lang, singular, plural, n),
        newstyle=True)
    return env


def render_email(template: str, context: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> RenderedEmail:
    """Render `template` (a name such as "login_code") in `language`; raises if the pair or a variable is missing."""
    settings, store = get_settings(), cached(("store_settings",), get_store_settings)
    values = {
        "brand_name": store.brand_name or settings.brand_name,
        "public_url": settings.public_url,
        "support_email": store.support_email or settings.support_email,
        **context,
    }
    lang = language if is_language(language) else DEFAULT_LANGUAGE
    values["lang"] = lang
    env = _environment(lang)
    text = env.get_template(f"{template}.txt").make_module(values)
    subject = " ".join(str(getattr(text, "subject", "")).split())
    if not subject:
        raise ValueError(f"template {template}.txt sets no subject")
    html = env.get_template(f"{template}.html").render(values, subject=subject)
    return RenderedEmail(subject=subject, text=str(text).strip() + "\n", html=html)
