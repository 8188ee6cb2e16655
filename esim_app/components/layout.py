"""Page shells: the storefront (header + footer) and the three portals (sidebar navigation)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from esim_app import routes
from esim_app.components.phone_menu import phone_menu
from esim_app.components.preferences import color_mode_toggle, language_select
from esim_app.components.ui import button_link, logo
from esim_app.i18n import t
from esim_app.state.auth import AuthState
from esim_app.state.catalog import DisplayCurrencyState
from esim_app.state.locale import LocaleState
from services.catalog import REGIONS
from services.core import N_, get_settings


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    icon: str


STORE_NAV = (
    NavItem(N_("Destinations"), "/#destinations", "map-pin"),
    NavItem(N_("Regions"), "/#regions", "map"),
    NavItem(N_("Global"), routes.GLOBAL, "globe"),
    NavItem(N_("For business"), routes.BUSINESS_LOGIN, "briefcase"),
)

ACCOUNT_NAV = (
    NavItem(N_("Overview"), "/account", "layout-dashboard"),
    NavItem(N_("My eSIMs"), "/account/esims", "smartphone"),
    NavItem(N_("Orders"), "/account/orders", "receipt"),
    NavItem(N_("Support"), "/account/support", "life-buoy"),
    NavItem(N_("Profile"), "/account/profile", "user"),
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


def site_header() -> rx.Component:
    return rx.el.header(
        rx.hstack(
            logo(get_settings().brand_name),
            rx.hstack(
                *[rx.el.a(t(item.label), href=item.href, class_name="nav-link") for item in STORE_NAV],
                spacing="1",
                display=["none", "none", "flex"],
            ),
            rx.hstack(
                language_select(),
                color_mode_toggle(),
                rx.box(
                    rx.cond(AuthState.role == "customer",
                            button_link(t("My account"), routes.ACCOUNT, variant="secondary", size="sm"),
                            button_link(t("Log in"), routes.LOGIN, variant="secondary", size="sm")),
                    display=["none", "none", "block"],
                ),
                phone_menu([(t(item.label), item.href) for item in STORE_NAV]),
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


def _footer_column(title: str | rx.Var[str], links: list[tuple[str | rx.Var[str], str]]) -> rx.Component:
    return rx.el.div(
        rx.el.span(title, class_name="t-caption"),
        *[rx.el.a(label, href=href, class_name="t-secondary") for label, href in links],
        class_name="footer-column",
    )


def site_footer() -> rx.Component:
    """Plain elements laid out by assets/theme.css (`.footer-grid`): nothing in it changes once drawn."""
    settings = get_settings()
    return rx.el.footer(
        rx.el.div(
            rx.el.div(
                rx.el.div(
                    logo(settings.brand_name),
                    rx.el.p(t("Prepaid travel data in 190+ countries, delivered to your phone in seconds."),
                            class_name="t-secondary", max_width="20rem"),
                    class_name="footer-column footer-brand",
                ),
                _footer_column(t("Travel"), [(t(r.name), routes.region(r.slug)) for r in REGIONS[:4]]
                               + [(t("Global plans"), routes.GLOBAL)]),
                _footer_column(t("Help"), [(t("How it works"), "/#how-it-works"), (t("FAQ"), "/#faq"),
                                           (t("Compatible phones"), routes.DEVICES),
                                           (t("Contact support"), f"mailto:{settings.support_email}")]),
                _footer_column(t("Company"), [(t("For business"), routes.BUSINESS_LOGIN),
                                              (t("My account"), routes.ACCOUNT)]),
                class_name="footer-grid",
            ),
            rx.el.p(t("© 2026 {brand}. Prices include all fees. Payments by Stripe.", brand=settings.brand_name),
                    class_name="t-secondary", margin_top="2.5rem"),
            class_name="container footer-inner",
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


def hreflang_links() -> rx.Component:
    """The page in every language (React puts the links in the head)."""
    return rx.foreach(LocaleState.alternates,
                      lambda a: rx.el.link(rel="alternate", href_lang=a.hreflang, href=a.href))


def storefront_shell(*children: rx.Component) -> rx.Component:
    return rx.box(
        hreflang_links(),
        # A plain anchor: React Router's link (`rx.el.a`) writes "#main" as the prerendered page's path plus
        # "#main" ("/login/#main"), another page once `/login` is served without its slash.
        rx.el.A.create(t("Skip to content"), href="#main", class_name="sr-only"),
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
                rx.el.a(rx.icon(item.icon, size=18), t(item.label), href=item.href, class_name="nav-link")
                for item in items
            ],
            rx.spacer(),
            rx.el.span(AuthState.display_name, class_name="t-secondary", padding_x="0.75rem"),
            rx.hstack(
                color_mode_toggle(),
                rx.el.button(rx.icon("log-out", size=16), t("Log out"), type="button", class_name="btn btn-ghost btn-sm",
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
            rx.icon_button(rx.icon("log-out", size=16), variant="ghost", aria_label=t("Log out"),
                           on_click=AuthState.logout),
            align="center",
            padding="0.75rem 1rem",
        ),
        rx.hstack(
            *[rx.el.a(t(item.label), href=item.href, class_name="nav-link") for item in items],
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
