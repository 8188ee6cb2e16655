"""The storefront header's menu on phones: a native disclosure (`<details>`/`<summary>`) of plain links.

A phone's first tap is often on this menu, and the built pages are painted a second or so before
their JavaScript starts (`esim_app.plugins.PaintFirst`). The browser opens and closes a disclosure
itself: before the app runs, without JavaScript, with the keyboard (Enter, Space), and for screen
readers (a button that says whether it is expanded). React leaves `open` alone when it hydrates, so
a menu opened early stays open, and no handler of the app toggles it, so a tap toggles it once.

A small script in the app's head (`phone_menu_script`) closes an open menu as a menu does: on
Escape (the focus goes back to its button), on a click or a focus outside it, and on a followed link
(the app then changes pages without reloading, and the header may stay on the page).
"""

from __future__ import annotations

import reflex as rx

from esim_app import routes
from esim_app.components.ui import Text
from esim_app.i18n import t
from esim_app.state.auth import AuthState

PHONE_MENU = "phone-menu"

_CLOSE_MENU = """(() => {{
  const openMenu = () => document.querySelector(".{menu}[open]");
  document.addEventListener("click", (event) => {{
    const menu = openMenu();
    if (menu && (!menu.contains(event.target) || event.target.closest("a"))) menu.open = false;
  }});
  document.addEventListener("focusin", (event) => {{
    const menu = openMenu();
    if (menu && !menu.contains(event.target)) menu.open = false;
  }});
  document.addEventListener("keydown", (event) => {{
    const menu = openMenu();
    if (event.key !== "Escape" || !menu) return;
    menu.open = false;
    if (menu.contains(document.activeElement)) menu.querySelector("summary").focus();
  }});
}})();"""


def phone_menu_script() -> rx.Component:
    """The inline script (for the app's head) that closes an open phone menu on Escape, outside or on a link."""
    return rx.el.script(_CLOSE_MENU.format(menu=PHONE_MENU))


def _link(label: Text, href: str) -> rx.Component:
    """One item of the menu: a plain link, followed by the browser before the app runs."""
    return rx.el.a(label, href=href, class_name="phone-menu-link")


def phone_menu(links: list[tuple[Text, str]]) -> rx.Component:
    """The menu button and, once opened, `links` (label, address) then the customer's account or sign-in."""
    return rx.el.details(
        rx.el.summary(rx.icon("menu", size=22), aria_label=t("Open menu"), class_name="phone-menu-button",
                      custom_attrs={"data-testid": "phone-menu-button"}),
        rx.el.div(
            *[_link(label, href) for label, href in links],
            rx.el.hr(class_name="phone-menu-separator"),
            rx.cond(AuthState.role == "customer", _link(t("My account"), routes.ACCOUNT),
                    _link(t("Log in"), routes.LOGIN)),
            class_name="phone-menu-panel",
        ),
        class_name=PHONE_MENU,
        custom_attrs={"data-testid": "phone-menu"},
    )
