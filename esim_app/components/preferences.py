"""The reader's preferences in the page headers: light or dark, and the language.

Both work before the app runs. The built pages are painted a second or so before their JavaScript
starts (`esim_app.plugins.PaintFirst`), and a click then used to do nothing (the colour toggle) or be
undone by hydration (the language select, whose value the app controls). A small script in the app's
head (`early_choices_script`) answers those two controls until React has taken the page over:

- the colour toggle switches `<html class>` as Reflex's colour mode does and stores the choice under
  the same `localStorage` key (`theme`), which Reflex's colour mode reads when it starts;
- the language select opens the page again with `?lang=` (as the pages' `hreflang` links do), which
  the app honours and remembers in its `lang` cookie (`LocaleState`): what the app's own handler
  does, except that a signed-in customer's profile keeps its language. The page's text is translated
  by the app, so without JavaScript there is nothing a form could switch.

Once React runs (`hydrateRoot` marks the document as its container) the script stands aside and the
app's own handlers answer, so nothing is done twice.
"""

from __future__ import annotations

import json

import reflex as rx

from esim_app.i18n import t
from esim_app.state.locale import LocaleState
from services.core import language_names

COLOR_MODE_TOGGLE = "color-mode-toggle"
LANGUAGE_SELECT = "lang-select"
THEME_KEY = "theme"  # the localStorage key of Reflex's colour mode (reflex_base `react-theme.js`)

_EARLY_CHOICES = """(() => {{
  const appRuns = () => Object.keys(document).some((key) => key.startsWith("__reactContainer$"));
  document.addEventListener("click", (event) => {{
    if (appRuns() || !event.target.closest || !event.target.closest(".{toggle}")) return;
    const root = document.documentElement, mode = root.classList.contains("dark") ? "light" : "dark";
    root.classList.remove("light", "dark");
    root.classList.add(mode);
    root.style.colorScheme = mode;
    try {{ localStorage.setItem({key}, mode); }} catch (error) {{}}
  }});
  document.addEventListener("change", (event) => {{
    if (appRuns() || !event.target.matches || !event.target.matches(".{select}")) return;
    const url = new URL(location.href);
    url.searchParams.set("lang", event.target.value);
    location.replace(url);
  }});
}})();"""


def early_choices_script() -> rx.Component:
    """The inline script (for the app's head) that answers the colour toggle and the language select
    until the app runs."""
    return rx.el.script(_EARLY_CHOICES.format(toggle=COLOR_MODE_TOGGLE, select=LANGUAGE_SELECT,
                                              key=json.dumps(THEME_KEY)))


def color_mode_toggle() -> rx.Component:
    """Light/dark switch; the choice persists in the browser. Both icons are drawn and the stylesheet
    shows the one for `<html class>`, so the icon is right before the app runs too."""
    return rx.icon_button(
        rx.icon("sun", class_name="color-mode-light"),
        rx.icon("moon", class_name="color-mode-dark"),
        on_click=rx.toggle_color_mode,
        variant="ghost", size="2", background="transparent", color="inherit",
        aria_label=t("Switch light or dark mode"),
        class_name=COLOR_MODE_TOGGLE,
        custom_attrs={"data-testid": "color-mode-toggle"},
    )


def language_select() -> rx.Component:
    """The language switcher: each language named in itself."""
    return rx.el.select(
        *[rx.el.option(name, value=code, lang=code) for code, name in language_names().items()],
        value=LocaleState.lang,
        on_change=LocaleState.choose,
        aria_label=t("Language"),
        class_name=f"native-select {LANGUAGE_SELECT}",  # the second: the early script's hook alone
        custom_attrs={"data-testid": "language-select"},
    )
