"""The customer's profile: name, country, display currency, language; sessions; log out everywhere."""

from __future__ import annotations

import reflex as rx

from esim_app.components.forms import error_callout, field, native_select, notice_callout
from esim_app.components.ui import button, card
from esim_app.i18n import t
from esim_app.pages.templates import account_page
from esim_app.state.profile import ProfileState, SessionRow
from services import accounts
from services.core import N_


def _labelled(label: str | rx.Var[str], name: str, control: rx.Component) -> rx.Component:
    return rx.vstack(rx.el.label(label, html_for=name, class_name="t-secondary"), control,
                     spacing="1", width="100%", align="stretch")


def _details_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.h2(t("Your details"), class_name="t-card"),
            rx.el.p(t("Signed in as"), " ", rx.el.strong(ProfileState.email), class_name="t-secondary"),
            rx.grid(
                field(t("First name"), "first_name", default_value=ProfileState.first_name, max_length=100,
                      auto_complete="given-name"),
                field(t("Last name"), "last_name", default_value=ProfileState.last_name, max_length=100,
                      auto_complete="family-name"),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            _labelled(t("Country of residence"), "country", native_select(
                "country", rx.el.option(t("Not set"), value=""),
                *[rx.el.option(name, value=code) for code, name in accounts.countries()],
                default_value=ProfileState.country)),
            rx.grid(
                _labelled(t("Display currency"), "currency", native_select(
                    "currency", rx.foreach(ProfileState.currencies, lambda c: rx.el.option(c, value=c)),
                    default_value=ProfileState.currency)),
                _labelled(t("Language"), "language", native_select(
                    "language", *[rx.el.option(name, value=code) for code, name in accounts.LANGUAGES.items()],
                    default_value=ProfileState.language)),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            error_callout(ProfileState.error),
            notice_callout(ProfileState.notice),
            button(t("Save"), type="submit", size="sm", custom_attrs={"data-testid": "profile-save"}),
            spacing="3",
            align="stretch",
        ),
        key=ProfileState.form_key,
        on_submit=ProfileState.save,
    )


def _session(row: SessionRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.device, rx.cond(row.current, rx.badge(t("This device"), color_scheme="green", margin_left="0.5rem"))),
        rx.table.cell(row.ip),
        rx.table.cell(row.started),
        rx.table.cell(row.last_seen),
        custom_attrs={"data-testid": "session-row"},
    )


def _sessions() -> rx.Component:
    return rx.vstack(
        rx.el.h2(t("Where you are signed in"), class_name="t-card"),
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(h)) for h in
                                           (N_("Device"), N_("IP address"), N_("Signed in"), N_("Last active"))])),
            rx.table.body(rx.foreach(ProfileState.sessions, _session)),
            width="100%",
            variant="surface",
        ),
        button(t("Log out everywhere"), type="button", variant="secondary", size="sm",
               on_click=ProfileState.logout_everywhere, custom_attrs={"data-testid": "logout-everywhere"}),
        spacing="3",
        align="start",
        width="100%",
    )


@account_page("/account/profile", t("Profile"), ProfileState.load)
def profile_page() -> rx.Component:
    return rx.vstack(
        rx.el.h1(t("Profile"), class_name="t-section", font_size="2rem", margin_bottom="1.5rem"),
        rx.cond(ProfileState.loaded, card(_details_form(), max_width="40rem"), rx.spinner()),
        _sessions(),
        spacing="5",
        align="stretch",
    )
