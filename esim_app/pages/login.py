"""Sign-in pages for customers (emailed code), businesses (password) and staff (password + TOTP)."""

from __future__ import annotations

import reflex as rx

from esim_app import routes
from esim_app.components.forms import error_callout, field, notice_callout
from esim_app.components.ui import button, card
from esim_app.i18n import t
from esim_app.pages.templates import storefront_page
from esim_app.state.login import CodeLoginState, PasswordLoginState
from esim_app.state.staff_login import StaffLoginState


def _panel(title: str | rx.Var[str], subtitle: str | rx.Var[str], *children: rx.Component) -> rx.Component:
    return rx.center(
        card(
            rx.vstack(
                rx.el.h1(title, class_name="t-card"),
                rx.el.p(subtitle, class_name="t-secondary"),
                *children,
                spacing="4",
                align="stretch",
                width="100%",
            ),
            width="100%",
            max_width="28rem",
            padding=["1.5rem", "2rem"],
        ),
        padding_x="1.25rem",
        padding_y=["3rem", "5rem"],
    )


def _email_step() -> rx.Component:
    return rx.form(
        rx.vstack(
            field(t("Email address"), "email", type_="email", testid="email-input", placeholder="you@example.com",
                  auto_complete="email", required=True, default_value=CodeLoginState.email),
            button(t("Email me a code"), type="submit", size="md", width="100%",
                   custom_attrs={"data-testid": "send-code"}),
            spacing="4",
            width="100%",
        ),
        on_submit=CodeLoginState.send_code,
        reset_on_submit=False,
    )


def _code_step() -> rx.Component:
    return rx.form(
        rx.vstack(
            field(t("6-digit code"), "code", testid="code-input", input_mode="numeric", auto_complete="one-time-code",
                  max_length=6, placeholder="123456", required=True, auto_focus=True),
            button(t("Sign in"), type="submit", size="md", width="100%", custom_attrs={"data-testid": "verify-code"}),
            rx.hstack(
                rx.el.button(t("Use another email"), type="button", class_name="btn btn-ghost btn-sm",
                             on_click=CodeLoginState.change_email),
                rx.el.button(t("Send a new code"), type="button", class_name="btn btn-ghost btn-sm",
                             on_click=CodeLoginState.send_code({"email": CodeLoginState.email})),
                justify="between",
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=CodeLoginState.verify_code,
        reset_on_submit=True,
    )


@storefront_page(routes.LOGIN, t("Sign in"), indexed=False)
def login_page() -> rx.Component:
    return _panel(
        t("Sign in or create your account"),
        t("No password needed: we email you a one-time code."),
        notice_callout(CodeLoginState.notice),
        error_callout(CodeLoginState.error, testid="login-error"),
        rx.cond(CodeLoginState.code_sent, _code_step(), _email_step()),
    )


def _password_form(on_submit: rx.EventHandler, error: rx.Var[str] = PasswordLoginState.error) -> rx.Component:
    return rx.form(
        rx.vstack(
            error_callout(error, testid="login-error"),
            field("Email address", "email", type_="email", testid="email-input", auto_complete="username",
                  required=True),
            field("Password", "password", type_="password", testid="password-input",
                  auto_complete="current-password", required=True),
            button("Sign in", type="submit", size="md", width="100%", custom_attrs={"data-testid": "login-submit"}),
            spacing="4",
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
    )


@storefront_page(routes.BUSINESS_LOGIN, "Business sign-in", PasswordLoginState.read_reason, indexed=False)
def business_login_page() -> rx.Component:
    return _panel("Business sign-in", "For companies buying eSIMs for their teams.",
                  rx.cond(PasswordLoginState.notice != "",
                          rx.callout(PasswordLoginState.notice, icon="ban", color_scheme="amber", width="100%",
                                     role="status", custom_attrs={"data-testid": "login-notice"})),
                  _password_form(PasswordLoginState.login_enterprise),
                  rx.link("Forgot password?", href=routes.BUSINESS_FORGOT,
                          custom_attrs={"data-testid": "forgot-password"}),
                  rx.el.p("Not a customer yet? Write to us and we will set up your company account.",
                          class_name="t-secondary"))


def _totp_field() -> rx.Component:
    return field("Code", "totp", testid="totp-input", input_mode="numeric", auto_complete="one-time-code",
                 max_length=40, placeholder="123456", required=True, auto_focus=True)


def _start_over() -> rx.Component:
    return rx.el.button("Start over", type="button", class_name="btn btn-ghost btn-sm",
                        on_click=StaffLoginState.start_over)


def _enrol_step() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.p("Two-factor sign-in is required for staff. Scan this code with an authenticator app "
                    "(or type the key below), then enter the 6-digit code it shows.", class_name="t-secondary"),
            rx.center(rx.image(src=StaffLoginState.enrol_qr, alt="QR code for your authenticator app",
                               width="12rem", height="12rem", custom_attrs={"data-testid": "totp-qr"})),
            rx.el.code(StaffLoginState.enrol_secret, custom_attrs={"data-testid": "totp-secret"},
                       style={"word_break": "break-all", "user_select": "all"}),
            error_callout(StaffLoginState.error, testid="login-error"),
            _totp_field(),
            button("Confirm", type="submit", size="md", width="100%", custom_attrs={"data-testid": "totp-confirm"}),
            _start_over(),
            spacing="4",
            width="100%",
        ),
        on_submit=StaffLoginState.confirm_enrolment,
        reset_on_submit=False,
    )


def _recovery_step() -> rx.Component:
    return rx.vstack(
        rx.el.p("Two-factor sign-in is on. Keep these recovery codes somewhere safe: each one signs you in "
                "once without your phone. They are shown only now.", class_name="t-secondary"),
        rx.el.ul(rx.foreach(StaffLoginState.recovery_codes, lambda code: rx.el.li(rx.el.code(code))),
                 custom_attrs={"data-testid": "recovery-codes"}, style={"columns": "2", "padding_left": "1.25rem"}),
        button("I have saved them, continue", size="md", width="100%", on_click=StaffLoginState.finish_enrolment,
               custom_attrs={"data-testid": "recovery-continue"}),
        spacing="4",
        width="100%",
    )


def _staff_code_step() -> rx.Component:
    return rx.form(
        rx.vstack(
            error_callout(StaffLoginState.error, testid="login-error"),
            rx.el.p("Enter the 6-digit code from your authenticator app, or one of your recovery codes.",
                    class_name="t-secondary"),
            _totp_field(),
            button("Sign in", type="submit", size="md", width="100%", custom_attrs={"data-testid": "login-submit"}),
            _start_over(),
            spacing="4",
            width="100%",
        ),
        on_submit=StaffLoginState.submit_code,
        reset_on_submit=True,
    )


@storefront_page(routes.ADMIN_LOGIN, "Admin sign-in", indexed=False)
def admin_login_page() -> rx.Component:
    return _panel("Staff sign-in", "Operators of this store only: password, then your authenticator app.",
                  rx.match(StaffLoginState.step,
                           ("enrol", _enrol_step()),
                           ("recovery_codes", _recovery_step()),
                           ("code", _staff_code_step()),
                           _password_form(StaffLoginState.submit_password, StaffLoginState.error)))
