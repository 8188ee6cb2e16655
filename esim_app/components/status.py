"""Status badges and usage bars."""

from __future__ import annotations

import reflex as rx

STATUS_COLORS = {"active": "green", "not_installed": "blue", "used_up": "orange", "expired": "gray",
                 "cancelled": "gray", "completed": "green", "failed": "red", "refunded": "gray",
                 "pending": "amber", "paid": "blue", "provisioning": "blue", "requested": "amber", "priced": "blue",
                 "accepted": "green", "rejected": "red", "suspended": "red",
                 "in_stock": "blue", "assigned": "violet", "installed": "teal"}  # company eSIMs (enterprise inventory)


def status_badge(status: rx.Var[str], label: rx.Var[str] | None = None, *, testid: str = "") -> rx.Component:
    return rx.badge(
        label if label is not None else status,
        color_scheme=rx.match(status, *[(k, v) for k, v in STATUS_COLORS.items()], "gray"),
        size="2",
        custom_attrs={"data-testid": testid} if testid else {},
    )


def usage_bar(percent: rx.Var[int], text: rx.Var[str]) -> rx.Component:
    return rx.vstack(
        rx.progress(value=percent, max=100, width="100%", color_scheme=rx.cond(percent >= 80, "orange", "blue")),
        rx.el.span(text, class_name="t-secondary"),
        spacing="1",
        width="100%",
        custom_attrs={"data-testid": "esim-usage"},
    )
