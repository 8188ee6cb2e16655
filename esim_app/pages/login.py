"""Sign-in pages for customers (emailed code), businesses and administrators (password)."""

from __future__ import annotations

import reflex as rx

from esim_app import routes
from esim_app.components.forms import error_callout, field, notice_callout
from esim_app.components.ui import button, card
from esim_app.pages.templates import storefront_page
from esim_app.state.login import CodeLoginState, PasswordLoginState


def _panel(title: str, subtitle: str, *children: rx.Component) -> rx.Component:
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
            field("Email address", "email", type_="email", testid="email-input", placeholder="you@example.com",
                  auto_complete="email", required=True, default_value=CodeLoginState.email),
            button("Email me a code", type="submit", size="md", width="100%",
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
            field("6-digit code", "code", testid="code-input", input_mode="numeric", auto_complete="one-time-code",
                  max_length=6, placeholder="123456", required=True, auto_focus=True),
            button("Sign in", type="submit", size="md", width="100%", custom_attrs={"data-testid": "verify-code"}),
            rx.hstack(
                rx.el.button("Use another email", type="button", class_name="btn btn-ghost btn-sm",
                             on_click=CodeLoginState.change_email),
                rx.el.button("Send a new code", type="button", class_name="btn btn-ghost btn-sm",
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


@storefront_page(routes.LOGIN, "Sign in", indexed=False)
def login_page() -> rx.Component:
    return _panel(
        "Sign in or create your account",
        "No password needed: we email you a one-time code.",
        notice_callout(CodeLoginState.notice),
        error_callout(CodeLoginState.error, testid="login-error"),
        rx.cond(CodeLoginState.code_sent, _code_step(), _email_step()),
    )


def _password_form(on_submit: rx.EventHandler) -> rx.Component:
    return rx.form(
        rx.vstack(
            error_callout(PasswordLoginState.error, testid="login-error"),
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


@storefront_page(routes.BUSINESS_LOGIN, "Business sign-in", indexed=False)
def business_login_page() -> rx.Component:
    return _panel("Business sign-in", "For companies buying eSIMs for their teams.",
                  _password_form(PasswordLoginState.login_enterprise),
                  rx.link("Forgot password?", href=routes.BUSINESS_FORGOT,
                          custom_attrs={"data-testid": "forgot-password"}),
                  rx.el.p("Not a customer yet? Write to us and we will set up your company account.",
                          class_name="t-secondary"))


@storefront_page(routes.ADMIN_LOGIN, "Admin sign-in", indexed=False)
def admin_login_page() -> rx.Component:
    return _panel("Administrator sign-in", "Operators of this store only.",
                  _password_form(PasswordLoginState.login_admin))
