"""Page shells: the storefront (header + footer) and the three portals (sidebar navigation)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from esim_app import routes
from esim_app.components.ui import button_link, logo
from esim_app.state.auth import AuthState
from esim_app.state.catalog import DisplayCurrencyState
from services.catalog import REGIONS
from services.core import get_settings


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    icon: str


STORE_NAV = (
    NavItem("Destinations", "/#destinations", "map-pin"),
    NavItem("Regions", "/#regions", "map"),
    NavItem("Global", routes.GLOBAL, "globe"),
    NavItem("For business", routes.BUSINESS_LOGIN, "briefcase"),
)

ACCOUNT_NAV = (
    NavItem("Overview", "/account", "layout-dashboard"),
    NavItem("My eSIMs", "/account/esims", "smartphone"),
    NavItem("Orders", "/account/orders", "receipt"),
    NavItem("Support", "/account/support", "life-buoy"),
    NavItem("Profile", "/account/profile", "user"),
)

BUSINESS_NAV = (
    NavItem("Overview", "/business", "layout-dashboard"),
    NavItem("Quotes", "/business/quotes", "file-text"),
    NavItem("Orders", "/business/orders", "package"),
    NavItem("eSIMs", "/business/esims", "users"),
    NavItem("Billing", "/business/billing", "wallet"),
    NavItem("Team", "/business/team", "user-cog"),
    NavItem("API keys", "/business/api-keys", "key-round"),
    NavItem("Audit", routes.BUSINESS_AUDIT, "scroll-text"),
)

ADMIN_NAV = (
    NavItem("Analytics", "/admin", "chart-line"),
    NavItem("Customers", "/admin/customers", "users"),
    NavItem("Orders", "/admin/orders", "receipt"),
    NavItem("Providers", "/admin/providers", "server"),
    NavItem("Packages", "/admin/packages", "package"),
    NavItem("Enterprise", "/admin/enterprise", "building-2"),
    NavItem("Quotes", "/admin/quotes", "file-text"),
    NavItem("Support", "/admin/support", "life-buoy"),
    NavItem("Jobs", "/admin/jobs", "activity"),
    NavItem("Settings", "/admin/settings", "settings"),
    NavItem("Audit", "/admin/audit", "scroll-text"),
    NavItem("Staff", "/admin/staff", "shield-check"),
)


def color_mode_toggle() -> rx.Component:
    """Light/dark switch; the choice persists in the browser."""
    return rx.color_mode.button(
        variant="ghost", size="2", aria_label="Switch light or dark mode",
        custom_attrs={"data-testid": "color-mode-toggle"},
    )


def _mobile_menu(items: tuple[NavItem, ...]) -> rx.Component:
    return rx.box(
        rx.menu.root(
            rx.menu.trigger(rx.icon_button(rx.icon("menu"), variant="ghost", size="3", aria_label="Open menu")),
            rx.menu.content(
                *[rx.menu.item(rx.el.a(item.label, href=item.href, width="100%")) for item in items],
                rx.menu.separator(),
                rx.menu.item(rx.el.a("Log in", href=routes.LOGIN, width="100%")),
            ),
        ),
        display=["flex", "flex", "none"],
    )


def site_header() -> rx.Component:
    return rx.el.header(
        rx.hstack(
            logo(get_settings().brand_name),
            rx.hstack(
                *[rx.el.a(item.label, href=item.href, class_name="nav-link") for item in STORE_NAV],
                spacing="1",
                display=["none", "none", "flex"],
            ),
            rx.hstack(
                color_mode_toggle(),
                rx.box(
                    rx.cond(AuthState.role == "customer",
                            button_link("My account", routes.ACCOUNT, variant="secondary", size="sm"),
                            button_link("Log in", routes.LOGIN, variant="secondary", size="sm")),
                    display=["none", "none", "block"],
                ),
                _mobile_menu(STORE_NAV),
                spacing="2",
                align="center",
            ),
            justify="between",
            align="center",
            max_width="72rem",
            margin_x="auto",
            padding_x=["1.25rem", "1.5rem", "2rem"],
            padding_y="0.75rem",
        ),
        class_name="site-header",
    )


def _footer_column(title: str, links: list[tuple[str, str]]) -> rx.Component:
    return rx.vstack(
        rx.el.span(title, class_name="t-caption"),
        *[rx.el.a(label, href=href, class_name="t-secondary") for label, href in links],
        spacing="2",
        align="start",
    )


def site_footer() -> rx.Component:
    settings = get_settings()
    return rx.el.footer(
        rx.box(
            rx.grid(
                rx.vstack(
                    logo(settings.brand_name),
                    rx.el.p("Prepaid travel data in 190+ countries, delivered to your phone in seconds.",
                            class_name="t-secondary", max_width="20rem"),
                    spacing="3",
                    align="start",
                ),
                _footer_column("Travel", [(r.name, routes.region(r.slug)) for r in REGIONS[:4]]
                               + [("Global plans", routes.GLOBAL)]),
                _footer_column("Help", [("How it works", "/#how-it-works"), ("FAQ", "/#faq"),
                                        ("Compatible phones", routes.DEVICES),
                                        ("Contact support", f"mailto:{settings.support_email}")]),
                _footer_column("Company", [("For business", routes.BUSINESS_LOGIN), ("My account", routes.ACCOUNT)]),
                columns=rx.breakpoints(initial="1", sm="2", md="4"),
                spacing="6",
                width="100%",
            ),
            rx.el.p(f"© 2026 {settings.brand_name}. Prices in USD include all fees. Payments by Stripe.",
                    class_name="t-secondary", margin_top="2.5rem"),
            max_width="72rem",
            margin_x="auto",
            padding_x=["1.25rem", "1.5rem", "2rem"],
            padding_y="3rem",
        ),
        class_name="site-footer",
    )


def sandbox_payments_banner() -> rx.Component:
    """A warning on every page while real providers meet the Stripe emulator (decided at build time,
    which is every start)."""
    warning = get_settings().sandbox_payments_warning
    if not warning:
        return rx.fragment()
    return rx.el.div(rx.icon("triangle-alert", size=16), warning, role="alert",
                     custom_attrs={"data-testid": "sandbox-payments-banner"},
                     style={"display": "flex", "gap": "0.5rem", "align_items": "center", "padding": "0.5rem 1rem",
                            "background": "#b91c1c", "color": "white", "font_weight": "600"})


def store_notice() -> rx.Component:
    """The owner's notice for customers (admin settings), above every storefront page when set."""
    return rx.cond(
        DisplayCurrencyState.notice != "",
        rx.callout(DisplayCurrencyState.notice, icon="info", color_scheme="blue", size="1", width="100%",
                   border_radius="0", role="status", custom_attrs={"data-testid": "store-notice"}),
    )


def storefront_shell(*children: rx.Component) -> rx.Component:
    return rx.box(
        rx.el.a("Skip to content", href="#main", class_name="sr-only"),
        sandbox_payments_banner(),
        store_notice(),
        site_header(),
        rx.el.main(*children, id="main"),
        site_footer(),
        min_height="100vh",
    )


def _sidebar(title: str, items: tuple[NavItem, ...]) -> rx.Component:
    return rx.el.nav(
        rx.vstack(
            logo(get_settings().brand_name),
            rx.el.span(title, class_name="t-caption", padding_top="1rem"),
            *[
                rx.el.a(rx.icon(item.icon, size=18), item.label, href=item.href, class_name="nav-link")
                for item in items
            ],
            rx.spacer(),
            rx.el.span(AuthState.display_name, class_name="t-secondary", padding_x="0.75rem"),
            rx.hstack(
                color_mode_toggle(),
                rx.el.button(rx.icon("log-out", size=16), "Log out", type="button", class_name="btn btn-ghost btn-sm",
                             on_click=AuthState.logout, custom_attrs={"data-testid": "logout"}),
                justify="between",
            ),
            spacing="1",
            align="stretch",
            height="100%",
        ),
        class_name="portal-sidebar",
        padding="1.25rem",
        width="16rem",
        min_height="100vh",
        display=["none", "none", "block"],
        aria_label=f"{title} navigation",
    )


def _top_nav(items: tuple[NavItem, ...]) -> rx.Component:
    """The portal navigation on narrow screens: one scrollable row."""
    return rx.el.nav(
        rx.hstack(
            logo(get_settings().brand_name),
            rx.spacer(),
            color_mode_toggle(),
            rx.icon_button(rx.icon("log-out", size=16), variant="ghost", aria_label="Log out",
                           on_click=AuthState.logout),
            align="center",
            padding="0.75rem 1rem",
        ),
        rx.hstack(
            *[rx.el.a(item.label, href=item.href, class_name="nav-link") for item in items],
            spacing="1",
            overflow_x="auto",
            padding="0 0.75rem 0.5rem",
        ),
        class_name="site-header",
        display=["block", "block", "none"],
    )


def portal_shell(role: str, title: str, items: tuple[NavItem, ...], *children: rx.Component) -> rx.Component:
    """Sidebar layout shared by the customer account, enterprise portal and admin dashboard.

    The content renders only once the session was resolved to `role`: the prerendered HTML and
    a visitor without a session see a spinner while the guard redirects them to sign in.
    """
    return rx.fragment(sandbox_payments_banner(), rx.cond(
        AuthState.role == role,
        rx.flex(
            _sidebar(title, items),
            rx.box(
                _top_nav(items),
                rx.el.main(*children, id="main", padding=["1.25rem", "1.5rem", "2.5rem"], max_width="80rem"),
                flex="1",
                min_width="0",
            ),
            min_height="100vh",
        ),
        rx.center(rx.spinner(size="3"), height="100vh", aria_label="Loading"),
    ))
