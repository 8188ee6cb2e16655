"""The enterprise portal's and admin dashboard's home pages (placeholders until those portals land)."""

import reflex as rx

from esim_app import routes
from esim_app.pages.templates import admin_page, business_page


def _overview(title: str, text: str) -> rx.Component:
    return rx.vstack(rx.el.h1(title, class_name="t-section"), rx.el.p(text, class_name="t-body t-muted"),
                     spacing="3", align="start")


@business_page(routes.BUSINESS, "Business")
def business_home() -> rx.Component:
    return _overview("Overview", "Spend, eSIMs in stock and allocations.")


@admin_page(routes.ADMIN, "Admin")
def admin_home() -> rx.Component:
    return _overview("Analytics", "Revenue, orders and provider health.")
