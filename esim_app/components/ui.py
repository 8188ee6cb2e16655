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
    """A full-width band with centred, width-limited content (`.section`, `.container` in assets/theme.css).

    The storefront's building blocks are plain elements with classes rather than themed layout components
    with style props: every one of those is a component to hydrate and a style rule to compute in the
    browser, on every page, while a phone's visitor waits for the page to respond."""
    return rx.el.section(
        rx.el.div(*children, class_name="container"),
        class_name="section section-muted" if muted else "section",
        **props,
    )


def section_title(title: Text, subtitle: Text | None = None, *, eyebrow: Text | None = None) -> rx.Component:
    return rx.el.div(
        *([rx.el.span(eyebrow, class_name="t-caption")] if eyebrow is not None else []),
        rx.el.h2(title, class_name="t-section"),
        *([rx.el.p(subtitle, class_name="t-body t-muted", max_width="40rem")] if subtitle is not None else []),
        class_name="section-title",
    )


def card(*children, hover: bool = False, class_name: str = "", **props) -> rx.Component:
    """A card; padded 1.5rem unless `padding` says otherwise."""
    classes = " ".join(filter(None, ("card", "" if "padding" in props else "card-pad", "card-hover" if hover else "",
                                     class_name)))
    return rx.el.div(*children, class_name=classes, **props)


def logo(brand: str, label: Text | None = None) -> rx.Component:
    """The brand mark, a link home; `label` is its accessible name (the brand's home by default)."""
    return rx.el.a(
        rx.el.span(rx.icon("globe", size=18, color="white"), class_name="logo-mark"),
        rx.el.span(brand, class_name="logo-name"),
        href="/",
        class_name="logo",
        aria_label=label if label is not None else f"{brand} home",
    )


def receipt_link(order_ref: rx.Var[str], label: str | rx.Var[str] = "PDF") -> rx.Component:
    """The download of an order's PDF receipt (a server route, so no client-side routing)."""
    return rx.el.a(rx.icon("download", size=14), label, href="/api/receipts/" + order_ref + ".pdf",
                   download=True, reload_document=True, class_name="link-inline",
                   aria_label=t("Receipt for order {order} (PDF)", order=order_ref),
                   custom_attrs={"data-testid": "receipt-link"})
