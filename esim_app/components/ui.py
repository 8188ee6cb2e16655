"""Small building blocks of the design system: buttons, headings, sections, cards."""

from __future__ import annotations

from typing import Literal

import reflex as rx

from esim_app.i18n import t

Size = Literal["sm", "md", "lg"]
Text = str | rx.Var[str]


def button_link(label: Text, href: str, *, variant: str = "primary", size: Size = "md", **props) -> rx.Component:
    """A link styled as a button (navigation without JavaScript handlers)."""
    return rx.el.a(label, href=href, class_name=f"btn btn-{variant} btn-{size}", **props)


def button(*children, variant: str = "primary", size: Size = "md", **props) -> rx.Component:
    return rx.el.button(*children, class_name=f"btn btn-{variant} btn-{size}", **props)


def section(*children, muted: bool = False, **props) -> rx.Component:
    """A full-width band with centred, width-limited content."""
    return rx.el.section(
        rx.box(*children, max_width="72rem", margin_x="auto", padding_x=["1.25rem", "1.5rem", "2rem"]),
        class_name="section-muted" if muted else "",
        padding_y=["3.5rem", "4rem", "5.5rem"],
        **props,
    )


def section_title(title: Text, subtitle: Text | None = None, *, eyebrow: Text | None = None) -> rx.Component:
    return rx.vstack(
        *([rx.el.span(eyebrow, class_name="t-caption")] if eyebrow is not None else []),
        rx.el.h2(title, class_name="t-section"),
        *([rx.el.p(subtitle, class_name="t-body t-muted", max_width="40rem")] if subtitle is not None else []),
        spacing="2",
        margin_bottom="2.5rem",
        align="start",
    )


def card(*children, hover: bool = False, class_name: str = "", **props) -> rx.Component:
    props.setdefault("padding", "1.5rem")
    classes = " ".join(filter(None, ("card", "card-hover" if hover else "", class_name)))
    return rx.box(*children, class_name=classes, **props)


def logo(brand: str, label: Text | None = None) -> rx.Component:
    """The brand mark, a link home; `label` is its accessible name (the brand's home by default)."""
    return rx.el.a(
        rx.hstack(
            rx.center(
                rx.icon("globe", size=18, color="white"),
                width="2rem",
                height="2rem",
                border_radius="0.625rem",
                background="var(--brand-gradient)",
            ),
            rx.el.span(brand, font_weight="700", font_size="1.125rem", letter_spacing="-0.01em"),
            spacing="2",
            align="center",
        ),
        href="/",
        aria_label=label if label is not None else f"{brand} home",
    )


def receipt_link(order_ref: rx.Var[str], label: str | rx.Var[str] = "PDF") -> rx.Component:
    """The download of an order's PDF receipt (a server route, so no client-side routing)."""
    return rx.el.a(rx.icon("download", size=14), label, href="/api/receipts/" + order_ref + ".pdf",
                   download=True, reload_document=True, class_name="link-inline",
                   aria_label=t("Receipt for order {order} (PDF)", order=order_ref),
                   custom_attrs={"data-testid": "receipt-link"})
