"""The enterprise portal's home page (a placeholder until that portal lands; the admin home is pages/admin/home.py)."""

import reflex as rx

from esim_app import routes
from esim_app.pages.templates import business_page


def _overview(title: str, text: str) -> rx.Component:
    return rx.vstack(rx.el.h1(title, class_name="t-section"), rx.el.p(text, class_name="t-body t-muted"),
                     spacing="3", align="start")


@business_page(routes.BUSINESS, "Business")
def business_home() -> rx.Component:
    return _overview("Overview", "Spend, eSIMs in stock and allocations.")
