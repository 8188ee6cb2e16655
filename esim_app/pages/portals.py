"""The admin dashboard's home page (a placeholder until analytics land); the enterprise home is
`esim_app/pages/enterprise/billing.py`."""

import reflex as rx

from esim_app import routes
from esim_app.pages.templates import admin_page


def _overview(title: str, text: str) -> rx.Component:
    return rx.vstack(rx.el.h1(title, class_name="t-section"), rx.el.p(text, class_name="t-body t-muted"),
                     spacing="3", align="start")


@admin_page(routes.ADMIN, "Admin")
def admin_home() -> rx.Component:
    return _overview("Analytics", "Revenue, orders and provider health.")
