"""`/business/esims`: the company's eSIMs (status, recipient, usage, expiry), handing them to
employees by paste, CSV file or one by one, taking unused ones back, top-ups, and CSV exports."""

from __future__ import annotations

import reflex as rx

from esim_app import routes
from esim_app.components.forms import native_select
from esim_app.components.status import status_badge
from esim_app.components.table import Column, data_table
from esim_app.components.ui import button, card
from esim_app.pages.enterprise.esims_topup import topup_card, topup_checkbox
from esim_app.pages.templates import business_page
from esim_app.state.business_topup import BusinessTopupState
from esim_app.state.esims import CSV_UPLOAD, PASTE_ID, EsimRow, EsimsState, StatusChip

COLUMNS = (Column("Top up"), Column("ICCID", "iccid"), Column("Plan"), Column("Status", "status"),
           Column("Recipient", "recipient"), Column("Usage", "usage"), Column("Expires", "expires"), Column(""))
EXPORTS = (("allocations", "Allocations"), ("esims", "eSIMs"), ("usage", "Usage"), ("orders", "Orders"))


def _row_actions(r: EsimRow) -> rx.Component:
    return rx.cond(
        EsimsState.can_assign,
        rx.cond(r.assignable,
                button("Assign", size="sm", variant="ghost", type="button", on_click=EsimsState.pick(r.ref),
                       custom_attrs={"data-testid": "assign-one"}),
                rx.cond(r.revocable,
                        button("Take back", size="sm", variant="ghost", type="button",
                               on_click=EsimsState.ask_revoke(r.ref), custom_attrs={"data-testid": "revoke-esim"}),
                        rx.cond(r.link_endable,
                                button("End install link", size="sm", variant="ghost", type="button",
                                       on_click=EsimsState.ask_revoke(r.ref),
                                       custom_attrs={"data-testid": "end-link"})))),
    )


def _esim_row(r: EsimRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(topup_checkbox(r)),
        rx.table.cell(rx.el.span(r.iccid, font_family="var(--font-mono, monospace)", word_break="break-all")),
        rx.table.cell(r.plan),
        rx.table.cell(status_badge(r.status, r.status_label, testid="esim-status")),
        rx.table.cell(rx.vstack(rx.el.span(r.recipient), rx.el.span(r.recipient_email, class_name="t-secondary"),
                                rx.cond(r.revocable & r.link_opened,
                                        rx.el.span("Install page opened", class_name="t-caption")),
                                spacing="0", custom_attrs={"data-testid": "esim-recipient"})),
        rx.table.cell(r.usage),
        rx.table.cell(r.expires),
        rx.table.cell(_row_actions(r)),
        custom_attrs={"data-testid": "esim-row"},
    )


def _chip(chip: StatusChip) -> rx.Component:
    return rx.el.button(
        chip.label, " ", rx.el.span(chip.count, class_name="t-secondary"), type="button",
        class_name=rx.cond(EsimsState.status_filter == chip.status, "btn btn-primary btn-sm", "btn btn-ghost btn-sm"),
        aria_pressed=EsimsState.status_filter == chip.status,
        on_click=EsimsState.set_status_filter(rx.cond(EsimsState.status_filter == chip.status, "", chip.status)),
        custom_attrs={"data-testid": "status-filter"},
    )


def _filters() -> rx.Component:
    return rx.flex(
        rx.form(
            rx.hstack(
                rx.input(name="search", placeholder="Search ICCID, name or email", aria_label="Search eSIMs",
                         size="2", width="16rem", max_length=100, custom_attrs={"data-testid": "esim-search"}),
                button("Search", type="submit", size="sm", variant="ghost"),
                spacing="2",
            ),
            on_submit=EsimsState.set_search,
        ),
        rx.flex(rx.foreach(EsimsState.chips, _chip), gap="0.25rem", flex_wrap="wrap"),
        gap="0.75rem",
        flex_wrap="wrap",
        align="center",
        width="100%",
    )


def _csv_input() -> rx.Component:
    zone = rx.upload.root(
        rx.hstack(rx.icon("file-up", size=18), rx.el.span("Or choose a CSV file (name, email; UTF-8)"),
                  spacing="2", align="center"),
        id=CSV_UPLOAD, accept={"text/csv": [".csv"], "text/plain": [".txt"]}, multiple=False, max_files=1,
        max_size=1_000_000, padding="0.75rem 1rem", border="1px dashed var(--gray-8)", border_radius="0.5rem",
        cursor="pointer", aria_label="Choose a CSV file of recipients",
    )
    zone.children[0].children[0].custom_attrs = {"data-testid": "assign-csv"}  # the <input type=file> itself
    return rx.vstack(
        zone,
        rx.foreach(rx.selected_files(CSV_UPLOAD), lambda name: rx.el.span("Chosen: ", name, class_name="t-secondary")),
        spacing="1",
        width="100%",
    )


def _assign_card() -> rx.Component:
    return card(rx.form(
        rx.vstack(
            rx.el.h2("Give eSIMs to people", class_name="t-card"),
            rx.el.label("One person a line: name, email", html_for=PASTE_ID, class_name="t-secondary"),
            rx.el.textarea(name="lines", id=PASTE_ID, rows=5, placeholder="Ada Lovelace, ada@example.com",
                           width="100%", custom_attrs={"data-testid": "assign-paste"},
                           style={"padding": "0.625rem 0.75rem", "border_radius": "0.5rem",
                                  "border": "1px solid var(--gray-7)", "background": "var(--color-panel-solid)",
                                  "color": "inherit", "font": "inherit"}),
            _csv_input(),
            rx.el.label(rx.el.input(type="checkbox", name="skip_invalid", custom_attrs={"data-testid": "assign-skip"}),
                        " Assign the valid lines and skip the others (by default nothing is assigned while a "
                        "line has a problem)", class_name="t-secondary"),
            button("Assign and email install links", type="submit", size="md",
                   custom_attrs={"data-testid": "assign-submit"}),
            spacing="3",
            align="stretch",
        ),
        on_submit=[EsimsState.take_form, EsimsState.submit_assign(rx.upload_files(upload_id=CSV_UPLOAD))],
        reset_on_submit=False,
    ))


def _pick_card() -> rx.Component:
    return rx.cond(EsimsState.picked_ref != "", card(rx.form(
        rx.vstack(
            rx.el.h2("Give this eSIM to", class_name="t-card"),
            rx.flex(
                rx.input(name="name", placeholder="Name", aria_label="Name", required=True, max_length=200,
                         custom_attrs={"data-testid": "assign-one-name"}, flex="1", min_width="10rem"),
                rx.input(name="email", type="email", placeholder="Email", aria_label="Email", required=True,
                         custom_attrs={"data-testid": "assign-one-email"}, flex="1", min_width="12rem"),
                gap="0.5rem", flex_wrap="wrap", width="100%",
            ),
            rx.hstack(
                button("Assign", type="submit", size="sm", custom_attrs={"data-testid": "assign-one-submit"}),
                button("Cancel", type="button", size="sm", variant="ghost", on_click=EsimsState.cancel),
                spacing="2",
            ),
            spacing="3",
            align="stretch",
        ),
        on_submit=EsimsState.assign_picked,
        reset_on_submit=True,
    ), max_width="40rem"))


def _revoke_card() -> rx.Component:
    return rx.cond(EsimsState.revoking_ref != "", card(rx.vstack(
        rx.cond(EsimsState.ending_link,
                rx.el.p("End this eSIM's install link? The page stops working; the eSIM stays on the person's "
                        "phone.", class_name="t-body"),
                rx.el.p("Take this eSIM back? Its install link stops working and it goes back in stock, ready for "
                        "someone else.", class_name="t-body")),
        rx.hstack(
            button(rx.cond(EsimsState.ending_link, "End link", "Take back"), type="button", size="sm",
                   on_click=EsimsState.confirm_revoke,
                   custom_attrs={"data-testid": "confirm-revoke"}),
            button("Cancel", type="button", size="sm", variant="ghost", on_click=EsimsState.cancel),
            spacing="2",
        ),
        spacing="3",
    ), max_width="40rem"))


def _outcome() -> rx.Component:
    return rx.fragment(
        rx.cond(
            (EsimsState.error != "") | (EsimsState.assign_errors.length() > 0),
            rx.callout.root(
                rx.callout.icon(rx.icon("triangle-alert")),
                rx.vstack(
                    rx.el.strong(EsimsState.error),
                    rx.el.ul(rx.foreach(EsimsState.assign_errors, lambda line: rx.el.li(
                        line, custom_attrs={"data-testid": "assign-error-row"}))),
                    spacing="1",
                ),
                color_scheme="red", role="alert", width="100%", custom_attrs={"data-testid": "assign-error"},
            ),
        ),
        rx.cond(EsimsState.assign_result != "",
                rx.callout(EsimsState.assign_result, icon="circle-check", color_scheme="green", role="status",
                           width="100%", custom_attrs={"data-testid": "assign-result"})),
    )


def _exports() -> rx.Component:
    return rx.cond(EsimsState.can_export, rx.hstack(
        rx.el.label("Export", html_for="export-kind", class_name="t-secondary"),
        native_select("export-kind", *[rx.el.option(label, value=kind) for kind, label in EXPORTS],
                      value=EsimsState.export_kind, on_change=EsimsState.set_export_kind,
                      custom_attrs={"data-testid": "export-kind"}, width="auto"),
        rx.el.a(rx.icon("download", size=16), "Download CSV", href="/api/exports/" + EsimsState.export_kind + ".csv",
                download=True, reload_document=True,  # a server route: the browser downloads, no client routing
                class_name="btn btn-ghost btn-sm", custom_attrs={"data-testid": "export-csv"}),
        spacing="2",
        align="center",
        flex_wrap="wrap",
    ))


@business_page(routes.BUSINESS_ESIMS, "eSIMs", EsimsState.load, BusinessTopupState.load)
def business_esims_page() -> rx.Component:
    return rx.vstack(
        rx.flex(rx.el.h1("eSIMs", class_name="t-section"), rx.spacer(), _exports(), width="100%", align="center",
                flex_wrap="wrap", gap="0.75rem"),
        rx.el.p("Every eSIM of your company. Give in-stock eSIMs to your people: each gets an email with a private "
                "install page. Unused eSIMs can be taken back and given to someone else.", class_name="t-secondary"),
        _outcome(),
        rx.cond(EsimsState.can_assign, _assign_card()),
        _pick_card(),
        _revoke_card(),
        topup_card(),
        _filters(),
        data_table(EsimsState, COLUMNS, EsimsState.rows, _esim_row,
                   empty=rx.el.p("No eSIMs here yet. eSIMs of your bulk orders appear here once they are ready.",
                                 class_name="t-muted", custom_attrs={"data-testid": "esims-empty"})),
        spacing="4",
        align="stretch",
        width="100%",
    )
