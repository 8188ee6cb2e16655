"""Enterprise quotes: the company's quotes and the request form (`/business/quotes`), and one quote,
printable, to accept or reject (`/business/quotes/[quote_ref]`)."""

from __future__ import annotations

import reflex as rx

from esim_app import routes
from esim_app.components.forms import SELECT_STYLE, error_callout, field, native_select, notice_callout
from esim_app.components.status import status_badge
from esim_app.components.table import list_pager
from esim_app.components.ui import button, card
from esim_app.pages.templates import business_page
from esim_app.state.quotes import BusinessQuoteState, BusinessQuotesState, DraftLine, LineRow, QuoteRow

State = BusinessQuotesState


def _plan_fields(line: DraftLine) -> rx.Component:
    name = "plan_" + line.key.to_string()
    return rx.vstack(
        rx.el.label("Plan", html_for=name, class_name="t-secondary"),
        native_select(name, rx.el.option("Choose a plan", value=""),
                      rx.foreach(State.plans, lambda p: rx.el.option(p.label, value=p.slug)),
                      required=True, custom_attrs={"data-testid": "quote-plan"}),
        spacing="1", flex="3", min_width="14rem",
    )


def _need_fields(line: DraftLine) -> rx.Component:
    key = line.key.to_string()
    return rx.hstack(
        rx.box(field("Countries (e.g. FR, DE, Italy)", "countries_" + key, testid="quote-countries", required=True),
               flex="2", min_width="12rem"),
        rx.box(field("Data per eSIM, GB (empty: unlimited)", "data_" + key, type_="number", min="1",
                     testid="quote-data-gb"), flex="1", min_width="9rem"),
        rx.box(field("Days", "days_" + key, type_="number", min="1", max="365", testid="quote-days", required=True),
               flex="1", min_width="6rem"),
        spacing="3", flex="3", flex_wrap="wrap", align="end",
    )


def _draft_line(line: DraftLine, index: rx.Var[int]) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.el.span("Line ", index + 1, class_name="t-caption", min_width="3.5rem"),
            rx.cond(line.custom, _need_fields(line), _plan_fields(line)),
            rx.box(field("Quantity", "quantity_" + line.key.to_string(), type_="number", min="1", max="5000",
                         default_value="1", required=True, testid="quote-quantity"), width="7rem"),
            rx.cond(State.draft.length() > 1,
                    button(rx.icon("x", size=16), variant="ghost", size="sm", type="button", aria_label="Remove line",
                           on_click=State.remove_line(line.key))),
            spacing="3", align="end", flex_wrap="wrap", width="100%",
        ),
        key=line.key,
        padding_y="0.5rem",
        border_bottom="1px solid var(--line)",
        custom_attrs={"data-testid": "quote-line"},
    )


def _plan_search() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.box(field("Find plans by destination", "plan_query", testid="quote-plan-search",
                         placeholder="e.g. Japan or JP"), flex="1"),
            button("Find", type="submit", variant="secondary", size="md"),
            align="end", spacing="3", width="100%",
        ),
        on_submit=State.search_plans,
    )


def _request_form() -> rx.Component:
    return card(
        rx.vstack(
            rx.el.h2("Request a quote", class_name="t-card"),
            rx.el.p("Ask for catalogue plans, or describe a need (countries, data, days) and we will match a plan. "
                    "We answer with prices valid for a few weeks.", class_name="t-secondary"),
            _plan_search(),
            rx.form(
                rx.vstack(
                    rx.foreach(State.draft, _draft_line),
                    rx.hstack(
                        button(rx.icon("plus", size=16), "Add a plan", variant="ghost", size="sm", type="button",
                               on_click=State.add_line(False), custom_attrs={"data-testid": "add-plan-line"}),
                        button(rx.icon("plus", size=16), "Describe a need", variant="ghost", size="sm", type="button",
                               on_click=State.add_line(True), custom_attrs={"data-testid": "add-need-line"}),
                        spacing="2", flex_wrap="wrap",
                    ),
                    rx.box(field("Wanted by (optional)", "wanted_by", type_="date", testid="quote-wanted-by"),
                           max_width="14rem"),
                    rx.vstack(
                        rx.el.label("Note for us (optional)", html_for="note", class_name="t-secondary"),
                        rx.el.textarea(name="note", id="note", rows=3, max_length=2000, style=SELECT_STYLE,
                                       custom_attrs={"data-testid": "quote-note"}),
                        spacing="1", width="100%",
                    ),
                    error_callout(State.error, testid="quote-error"),
                    rx.hstack(
                        button("Request quote", type="submit", custom_attrs={"data-testid": "quote-submit"}),
                        button("Cancel", variant="ghost", type="button", on_click=State.cancel),
                        spacing="2",
                    ),
                    spacing="3", align="stretch", width="100%",
                ),
                on_submit=State.submit,
            ),
            spacing="4", align="stretch", width="100%",
        ),
        width="100%",
    )


def _quote_row(q: QuoteRow) -> rx.Component:
    return rx.el.a(
        rx.flex(
            rx.el.strong(q.ref, min_width="10rem"),
            status_badge(q.status),
            rx.el.span(q.quantity, " eSIMs · ", q.lines, " line(s)", class_name="t-secondary"),
            rx.el.span(q.total, font_weight="600"),
            rx.el.span("Requested ", q.requested, class_name="t-secondary"),
            gap="1rem", align="center", flex_wrap="wrap", justify="between",
        ),
        href="/business/quotes/" + q.ref,
        class_name="card card-hover",
        padding="1rem 1.25rem",
        display="block",
        custom_attrs={"data-testid": "quote-row"},
    )


@business_page(routes.BUSINESS_QUOTES, "Quotes", BusinessQuotesState.load)
def business_quotes_page() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.el.h1("Quotes", class_name="t-section"),
            rx.cond(State.can_request & ~State.composing,
                    button(rx.icon("plus", size=16), "New quote", on_click=State.start,
                           custom_attrs={"data-testid": "new-quote"})),
            justify="between", align="center", width="100%", flex_wrap="wrap", gap="0.75rem",
        ),
        rx.cond(State.composing, _request_form()),
        rx.cond(~State.composing, error_callout(State.error)),
        rx.cond(State.total > 0,
                rx.vstack(rx.foreach(State.quotes, _quote_row), list_pager(State), spacing="3", width="100%"),
                rx.el.p("No quotes yet. Ask for prices on a large order with New quote.", class_name="t-muted")),
        spacing="4", align="stretch", width="100%",
    )


def _line_row(line: LineRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(line.number),
        rx.table.cell(line.description),
        rx.table.cell(line.quantity),
        rx.table.cell(line.unit_price),
        rx.table.cell(line.line_total, font_weight="600"),
        custom_attrs={"data-testid": "quote-line"},
    )


def _facts() -> rx.Component:
    Q = BusinessQuoteState
    return rx.grid(
        *[rx.vstack(rx.el.span(label, class_name="t-caption"), rx.el.span(value), spacing="1")
          for label, value in (("Company", Q.company), ("Requested by", Q.requested_by), ("Requested", Q.requested),
                               ("Wanted by", rx.cond(Q.wanted_by != "", Q.wanted_by, "—")),
                               ("Valid until", rx.cond(Q.valid_until != "", Q.valid_until, "—")))],
        columns=rx.breakpoints(initial="2", md="5"), spacing="4", width="100%",
    )


def _decision() -> rx.Component:
    Q = BusinessQuoteState
    return rx.fragment(
        rx.cond(Q.can_decide, rx.hstack(
            button("Accept and order", on_click=Q.accept, custom_attrs={"data-testid": "accept-quote"}),
            button("Reject", variant="secondary", on_click=Q.reject, custom_attrs={"data-testid": "reject-quote"}),
            spacing="2", class_name="no-print",
        )),
        rx.cond(Q.order_ref != "", rx.el.p("Order: ", rx.el.a(Q.order_ref, href="/business/orders/" + Q.order_ref,
                                                               custom_attrs={"data-testid": "quote-order"}))),
    )


@business_page(routes.BUSINESS_QUOTE, "Quote", BusinessQuoteState.load)
def business_quote_page() -> rx.Component:
    Q = BusinessQuoteState
    return rx.vstack(
        rx.el.a("← All quotes", href=routes.BUSINESS_QUOTES, class_name="t-secondary no-print"),
        error_callout(Q.error, testid="quote-error"),
        notice_callout(Q.notice),
        rx.cond(Q.found, rx.vstack(
            rx.hstack(
                rx.el.h1("Quote ", Q.ref, class_name="t-section"),
                status_badge(Q.status, testid="quote-status"),
                rx.spacer(),
                rx.box(button(rx.icon("printer", size=16), "Print", variant="ghost", size="sm", type="button",
                              on_click=rx.call_script("window.print()"), custom_attrs={"data-testid": "print-quote"}),
                       class_name="no-print"),
                align="center", width="100%", flex_wrap="wrap",
            ),
            _facts(),
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                               ("#", "What", "Quantity", "Unit price", "Line total")])),
                rx.table.body(rx.foreach(Q.lines, _line_row)),
                width="100%", variant="surface",
            ),
            rx.hstack(rx.el.span("Total", class_name="t-card"),
                      rx.el.span(Q.total, class_name="t-card", custom_attrs={"data-testid": "quote-total"}),
                      justify="end", spacing="4", width="100%"),
            rx.cond(Q.note != "", rx.el.p("Note: ", Q.note, class_name="t-secondary")),
            _decision(),
            spacing="4", align="stretch", width="100%",
        )),
        spacing="4", align="stretch", width="100%",
    )
