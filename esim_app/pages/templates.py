"""One page decorator per portal: registers the page with its layout, title and role guard.

Like reflex-dev templates' `@template`, each wraps `rx.page`: the page body is put in the
portal's shell, the title gets the brand, and the portals' pages get a server-side on-load guard
(`AuthState.guard`) that sends a stranger to sign in and a caller without one of `roles` to the
portal's home. The guard is for navigation only; every handler still checks the caller itself.

    @account_page("/account/support", "Support", SupportState.load)
    def support_page() -> rx.Component: ...
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import reflex as rx
from reflex.event import EventType

from esim_app.components.layout import (
    ACCOUNT_NAV,
    ADMIN_NAV,
    BUSINESS_NAV,
    NavItem,
    portal_shell,
    storefront_shell,
)
from esim_app.state.auth import AuthState
from esim_app.state.locale import LocaleState
from esim_app.state.storefront import StorefrontState
from services.core import get_settings

Page = Callable[[], rx.Component]
NOINDEX = [{"name": "robots", "content": "noindex"}]


def _named_after(page: Page, body: Page) -> None:
    """Give the wrapped page its body's name and module. Reflex compiles a page's memoized components
    into one front-end module per Python module: named after this module, every page's components
    (the admin chart library too) were one chunk that each page downloaded before its first paint."""
    page.__name__, page.__module__, page.__qualname__ = body.__name__, body.__module__, body.__qualname__


def _branded(title: str | rx.Var[str]) -> str | rx.Var[str]:
    return title + f" · {get_settings().brand_name}"


def storefront_page(route: str, title: str | rx.Var[str], *on_load: EventType[()],
                    description: str | rx.Var[str] | None = None, indexed: bool = True,
                    branded: bool = True, loader_visits: bool = False) -> Callable[[Page], Page]:
    """A storefront page for everyone: header and footer, the visitor's sign-in state and currency.

    `indexed=False` keeps a utility page (sign-in, checkout, an order) out of search engines;
    `description` (text, or a state var filled by the page's loader) is its meta description.
    `loader_visits=True`: the page's loader runs the storefront visit itself (`esim_app.state.catalog.visit`),
    so the page loads in one event instead of two.
    """
    def register(body: Page) -> Page:
        def page() -> rx.Component:
            return storefront_shell(body())

        _named_after(page, body)
        rx.page(route=route, title=_branded(title) if branded else title, description=description,
                meta=None if indexed else NOINDEX,
                on_load=list(on_load) if loader_visits else [StorefrontState.visit, *on_load])(page)
        return body

    return register


def _portal_page(role: str, portal: str, nav: tuple[NavItem, ...], route: str, title: str | rx.Var[str],
                 on_load: Sequence[EventType[()]], roles: Sequence[str]) -> Callable[[Page], Page]:
    def register(body: Page) -> Page:
        def page() -> rx.Component:
            return portal_shell(role, portal, nav, body())

        _named_after(page, body)
        rx.page(route=route, title=_branded(title), meta=NOINDEX,
                on_load=[AuthState.guard(role, list(roles)), LocaleState.negotiate, *on_load])(page)
        return body

    return register


def account_page(route: str, title: str | rx.Var[str], *on_load: EventType[()]) -> Callable[[Page], Page]:
    """A page of the customer account (`/account/...`), for signed-in customers."""
    return _portal_page("customer", "My account", ACCOUNT_NAV, route, title, on_load, ())


def business_page(route: str, title: str, *on_load: EventType[()],
                  roles: Sequence[str] = ()) -> Callable[[Page], Page]:
    """A page of the enterprise portal (`/business/...`), for company users with one of `roles` (any if empty)."""
    return _portal_page("enterprise", "Business", BUSINESS_NAV, route, title, on_load, roles)


def admin_page(route: str, title: str, *on_load: EventType[()],
               roles: Sequence[str] = ()) -> Callable[[Page], Page]:
    """A page of the admin dashboard (`/admin/...`), for staff with one of `roles` (any if empty)."""
    return _portal_page("admin", "Admin", ADMIN_NAV, route, title, on_load, roles)
