"""`/install/[install_token]`: an employee's private install page, opened from the emailed link (no account)."""

from __future__ import annotations

import reflex as rx

from esim_app import routes
from esim_app.components.forms import error_callout
from esim_app.components.install import install_panel
from esim_app.i18n import t
from esim_app.pages.templates import storefront_page
from esim_app.state.esims import InstallState


@storefront_page(routes.INSTALL, t("Install your eSIM"), InstallState.load, indexed=False)
def install_page() -> rx.Component:
    s = InstallState
    return rx.box(
        rx.vstack(
            rx.cond(~s.found, rx.el.h1(t("Install your eSIM"), class_name="t-section")),  # e.g. an expired link
            error_callout(s.error, testid="install-error"),
            rx.cond(
                s.found,
                rx.vstack(
                    rx.el.h1(t("Hello {name}", name=s.recipient_name), class_name="t-section"),
                    rx.el.p(t("{company} has given you an eSIM: {plan}. Install it before you travel, on Wi-Fi. "
                              "This page is private to you and works until {date}.", company=s.company_name,
                              plan=s.plan_name, date=s.link_expires_on), class_name="t-secondary"),
                    install_panel(s.qr_data_uri, s.ios_install_url, s.lpa, s.smdp_address, s.matching_id),
                    spacing="4",
                    align="stretch",
                ),
                rx.cond(s.checked, rx.fragment(), rx.spinner()),
            ),
            spacing="4",
            align="stretch",
        ),
        max_width="56rem",
        margin_x="auto",
        padding=["1.25rem", "1.5rem", "2rem"],
    )
