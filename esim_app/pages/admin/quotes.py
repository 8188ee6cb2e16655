"""Quotes in the admin dashboard: the queue by status (`/admin/quotes`) and pricing one quote
(`/admin/quotes/[quote_ref]`): a unit price per line, a catalogue package for each free-text need,
the validity, then send."""

from __future__ import annotations

import reflex as rx

from esim_app import routes
from esim_app.components.forms import error_callout, field, native_select, notice_callout
from esim_app.components.status import status_badge
from esim_app.components.table import list_pager
from esim_app.components.ui import button, card
from esim_app.pages.templates import admin_page
from esim_app.state.admin_quotes import READERS, PricingLine, QueueRow, QuotePricingState, QuoteQueueState

Q = QuoteQueueState
P = QuotePricingState


def _queue_row(q: QueueRow) -> rx.Component:
    return rx.el.a(
        rx.flex(
            rx.el.strong(q.ref, min_width="10rem"),
            rx.el.span(q.company, min_width="10rem"),
            status_badge(q.status),
            rx.el.span(q.quantity, " eSIMs", class_name="t-secondary"),
            rx.el.span(q.total, font_weight="600"),
            rx.el.span("Requested ", q.requested, class_name="t-secondary"),
            rx.cond(q.wanted_by != "", rx.el.span("Wanted by ", q.wanted_by, class_name="t-secondary")),
            gap="1rem", align="center", flex_wrap="wrap", justify="between",
        ),
        href="/admin/quotes/" + q.ref,
        class_name="card card-hover",
        padding="1rem 1.25rem",
        display="block",
        custom_attrs={"data-testid": "quote-row"},
    )


@admin_page(routes.ADMIN_QUOTES, "Quotes", QuoteQueueState.load, roles=READERS)
def admin_quotes_page() -> rx.Component:
    return rx.vstack(
        rx.el.h1("Quotes", class_name="t-section"),
        rx.hstack(
            rx.el.label("Status", html_for="status_filter", class_name="t-secondary"),
            rx.box(native_select("status_filter", rx.el.option("All", value=""),
                                 rx.foreach(Q.statuses, lambda s: rx.el.option(s, value=s)),
                                 value=Q.status_filter, on_change=Q.set_filter,
                                 custom_attrs={"data-testid": "quote-status-filter"}), width="12rem"),
            align="center", spacing="3",
        ),
        error_callout(Q.error),
        rx.cond(Q.total > 0,
                rx.vstack(rx.foreach(Q.quotes, _queue_row), list_pager(Q), spacing="3", width="100%"),
                rx.el.p("No quotes with this status.", class_name="t-muted")),
        spacing="4", align="stretch", width="100%",
    )


def _package_picker(line: PricingLine) -> rx.Component:
    name = "package_" + line.id.to_string()
    return rx.vstack(
        rx.el.label("Package that meets this need", html_for=name, class_name="t-secondary"),
        native_select(name, rx.el.option("Choose a package", value=""),
                      rx.foreach(P.packages, lambda p: rx.el.option(p.label, value=p.slug)),
                      default_value=line.package_slug, custom_attrs={"data-testid": "quote-line-package"}),
        spacing="1", width="100%",
    )


def _pricing_line(line: PricingLine) -> rx.Component:
    return rx.box(
        rx.flex(
            rx.vstack(
                rx.el.strong("Line ", line.number, ": ", line.description),
                rx.el.span(line.quantity, " eSIMs", rx.cond(line.list_price != "", " · list price " + line.list_price, ""),
                           class_name="t-secondary"),
                spacing="1", flex="2", min_width="14rem",
            ),
            rx.box(field("Unit price", "price_" + line.id.to_string(), testid="quote-line-price", required=True,
                         default_value=line.unit_price, input_mode="decimal", placeholder="e.g. 6.50",
                         disabled=~P.can_price), width="9rem"),
            gap="1rem", align="end", flex_wrap="wrap", width="100%",
        ),
        rx.cond(line.is_custom, rx.box(_package_picker(line), padding_top="0.5rem")),
        key=line.id,
        padding_y="0.75rem",
        border_bottom="1px solid var(--line)",
        custom_attrs={"data-testid": "quote-line"},
    )


def _package_search() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.box(field("Find packages for the needs by destination", "package_query", testid="quote-package-search",
                         placeholder="e.g. France"), flex="1"),
            button("Find", type="submit", variant="secondary"),
            align="end", spacing="3", width="100%", max_width="36rem",
        ),
        on_submit=P.search_packages,
    )


def _pricing_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.foreach(P.lines, _pricing_line),
            rx.box(field("Valid until", "valid_until", type_="date", testid="quote-valid-until", required=True,
                         default_value=P.valid_until, key=P.valid_until), max_width="14rem"),
            rx.cond(P.can_price, button("Send quote", type="submit", custom_attrs={"data-testid": "send-quote"})),
            spacing="3", align="stretch", width="100%",
        ),
        on_submit=P.send,
    )


@admin_page(routes.ADMIN_QUOTE, "Quote", QuotePricingState.load, roles=READERS)
def admin_quote_page() -> rx.Component:
    return rx.vstack(
        rx.el.a("← Quotes", href=routes.ADMIN_QUOTES, class_name="t-secondary"),
        error_callout(P.error, testid="quote-error"),
        notice_callout(P.notice),
        rx.cond(P.found, rx.vstack(
            rx.hstack(
                rx.el.h1("Quote ", P.ref, class_name="t-section"),
                status_badge(P.status, testid="quote-status"),
                align="center", spacing="3", flex_wrap="wrap",
            ),
            rx.el.p(rx.el.a(P.company, href="/admin/enterprise/" + P.company_ref), " · requested by ", P.requested_by,
                    rx.cond(P.wanted_by != "", " · wanted by " + P.wanted_by, ""), class_name="t-secondary"),
            rx.cond(P.note != "", card(rx.el.p("Note: ", P.note), padding="1rem")),
            rx.hstack(rx.el.span("Total", class_name="t-card"),
                      rx.el.span(P.total, class_name="t-card", custom_attrs={"data-testid": "quote-total"}),
                      rx.cond(P.priced_by != "", rx.el.span("priced by ", P.priced_by, class_name="t-secondary")),
                      spacing="3", align="center"),
            rx.cond(P.has_needs & P.can_price, _package_search()),
            _pricing_form(),
            spacing="4", align="stretch", width="100%",
        )),
        spacing="4", align="stretch", width="100%",
    )
