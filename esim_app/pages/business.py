"""Enterprise portal pages: set a password from an emailed link, forgotten password, the team."""

from __future__ import annotations

import reflex as rx

from esim_app import routes
from esim_app.components.forms import error_callout, field, native_select, notice_callout
from esim_app.components.table import plain_table
from esim_app.components.ui import button, card
from esim_app.pages.login import _panel
from esim_app.pages.templates import business_page, storefront_page
from esim_app.state.business import ForgotPasswordState, MemberRow, SetPasswordState, TeamState


def _set_password_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.p("Account: ", rx.el.strong(SetPasswordState.email), " at ", SetPasswordState.company,
                    class_name="t-secondary"),
            field("New password (at least 12 characters)", "password", type_="password", testid="password-input",
                  auto_complete="new-password", required=True),
            field("Type it again", "confirm", type_="password", testid="password-confirm",
                  auto_complete="new-password", required=True),
            button("Set password", type="submit", size="md", width="100%",
                   custom_attrs={"data-testid": "set-password"}),
            spacing="4",
            width="100%",
        ),
        on_submit=SetPasswordState.set_password,
        reset_on_submit=False,
    )


def _set_password_body() -> rx.Component:
    return _panel(
        "Choose your password", "For the business portal.",
        error_callout(SetPasswordState.error, testid="form-error"),
        rx.cond(
            SetPasswordState.done,
            rx.vstack(
                rx.callout("Your password is set. Sign in with it now.", icon="circle-check", color_scheme="green",
                           width="100%", custom_attrs={"data-testid": "password-set"}),
                rx.link("Go to business sign-in", href=routes.BUSINESS_LOGIN, custom_attrs={"data-testid": "to-login"}),
                width="100%",
            ),
            rx.cond(SetPasswordState.link_ok, _set_password_form(),
                    rx.cond(SetPasswordState.checked,
                            rx.link("Request a new reset link", href=routes.BUSINESS_FORGOT),
                            rx.spinner())),
        ),
    )


@storefront_page(routes.BUSINESS_INVITE, "Set your password", SetPasswordState.load, indexed=False)
def business_invite_page() -> rx.Component:
    return _set_password_body()


@storefront_page(routes.BUSINESS_RESET, "Reset your password", SetPasswordState.load, indexed=False)
def business_reset_page() -> rx.Component:
    return _set_password_body()


@storefront_page(routes.BUSINESS_FORGOT, "Forgot password", indexed=False)
def business_forgot_page() -> rx.Component:
    return _panel(
        "Forgot your password?", "We email a link to choose a new one to your business address.",
        error_callout(ForgotPasswordState.error, testid="form-error"),
        rx.cond(
            ForgotPasswordState.sent,
            rx.callout("If this address has a business account, we have emailed it a link. It works for one hour.",
                       icon="mail", color_scheme="blue", width="100%", custom_attrs={"data-testid": "reset-sent"}),
            rx.form(
                rx.vstack(
                    field("Email address", "email", type_="email", testid="email-input", auto_complete="username",
                          required=True),
                    button("Email me a link", type="submit", size="md", width="100%",
                           custom_attrs={"data-testid": "request-reset"}),
                    spacing="4",
                    width="100%",
                ),
                on_submit=ForgotPasswordState.request_reset,
            ),
        ),
    )


def _member_row(member: MemberRow) -> rx.Component:
    return rx.el.tr(
        rx.el.td(member.email),
        rx.el.td(
            rx.el.select(
                rx.foreach(TeamState.roles, lambda role: rx.el.option(role, value=role)),
                value=member.role,
                on_change=lambda role: TeamState.change_role(member.id, role),
                aria_label="Role",
                custom_attrs={"data-testid": "user-role"},
            ),
        ),
        rx.el.td(member.status, custom_attrs={"data-testid": "user-status"}),
        custom_attrs={"data-testid": "user-row"},
    )


def _invite_form() -> rx.Component:
    return card(
        rx.form(
            rx.hstack(
                rx.box(field("Email address", "email", type_="email", testid="invite-email", required=True), flex="1", min_width="14rem"),
                rx.vstack(
                    rx.el.label("Role", html_for="role", class_name="t-secondary"),
                    native_select("role", rx.foreach(TeamState.roles, lambda r: rx.el.option(r, value=r)),
                                  default_value="viewer", custom_attrs={"data-testid": "invite-role"}),
                    spacing="1",
                ),
                button("Invite", type="submit", size="md", custom_attrs={"data-testid": "invite-user"}),
                align="end",
                spacing="3",
                flex_wrap="wrap",
                width="100%",
            ),
            on_submit=TeamState.invite,
            reset_on_submit=True,
        ),
        width="100%",
    )


@business_page(routes.BUSINESS_TEAM, "Team", TeamState.load, roles=("admin",))
def business_team_page() -> rx.Component:
    return rx.vstack(
        rx.el.h1("Team", class_name="t-section"),
        rx.el.p("People of your company and what they may do: admin (everything, manages people), operations "
                "(quotes, orders, distribution), finance (billing, statements, exports), viewer.",
                class_name="t-secondary"),
        error_callout(TeamState.error),
        notice_callout(TeamState.notice),
        _invite_form(),
        plain_table(
            rx.el.thead(rx.el.tr(rx.el.th("Email"), rx.el.th("Role"), rx.el.th("Status"))),
            rx.el.tbody(rx.foreach(TeamState.members, _member_row)),
        ),
        spacing="4",
        align="stretch",
        width="100%",
    )
