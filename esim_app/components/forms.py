"""Form pieces with labels, hooks and inline errors."""

from __future__ import annotations

import reflex as rx


def field(label: str | rx.Var[str], name: str, *, type_: str = "text", testid: str = "", **props) -> rx.Component:
    attrs = {"data-testid": testid} if testid else {}
    return rx.vstack(
        rx.el.label(label, html_for=name, class_name="t-secondary"),
        rx.input(name=name, id=name, type=type_, size="3", width="100%", custom_attrs=attrs, **props),
        spacing="1",
        width="100%",
        align="stretch",
    )


def error_callout(message: rx.Var[str], *, testid: str = "form-error") -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle-alert", color_scheme="red", role="alert", width="100%",
                   custom_attrs={"data-testid": testid}),
    )


def notice_callout(message: rx.Var[str]) -> rx.Component:
    return rx.cond(message != "", rx.callout(message, icon="mail", color_scheme="blue", width="100%"))


SELECT_STYLE = {"width": "100%", "padding": "0.625rem 0.75rem", "border_radius": "0.5rem",
                "border": "1px solid var(--gray-7)", "background": "var(--color-panel-solid)", "color": "inherit"}


def native_select(name: str, *options: rx.Component, **props) -> rx.Component:
    """A plain <select> (it can offer an empty choice, which Radix's cannot)."""
    return rx.el.select(*options, name=name, id=name, style=SELECT_STYLE, **props)
