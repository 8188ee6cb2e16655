"""Portal home pages inside their shells."""

import reflex as rx

from esim_app.components.layout import ACCOUNT_NAV, ADMIN_NAV, BUSINESS_NAV, portal_shell


def _overview(title: str, text: str) -> rx.Component:
    return rx.vstack(rx.el.h1(title, class_name="t-section"), rx.el.p(text, class_name="t-body t-muted"),
                     spacing="3", align="start")


def account_home() -> rx.Component:
    return portal_shell("customer", "My account", ACCOUNT_NAV, _overview("Your eSIMs", "Your active eSIMs and recent orders."))


def business_home() -> rx.Component:
    return portal_shell("enterprise", "Business", BUSINESS_NAV, _overview("Overview", "Spend, eSIMs in stock and allocations."))


def admin_home() -> rx.Component:
    return portal_shell("admin", "Admin", ADMIN_NAV, _overview("Analytics", "Revenue, orders and provider health."))
