"""`/business/api-keys`: the company's business API keys (company admins only).

A key is created with a name and its scopes; its secret is shown once, with a copy button, and is
never shown again. Revoking asks for confirmation and stops the key at once. The page links the
API's OpenAPI document.
"""

from __future__ import annotations

import reflex as rx

from esim_app import routes
from esim_app.components.forms import error_callout, field, notice_callout
from esim_app.components.table import Column, data_table
from esim_app.components.ui import button, card
from esim_app.pages.templates import business_page
from esim_app.state.api_keys import ROLES, ApiKeyRow, ApiKeysState
from services.core import get_settings

OPENAPI = "/api/v1/business/openapi.json"
COLUMNS = (Column("Name"), Column("Key"), Column("Scopes"), Column("Created"), Column("Last used"),
           Column("Status"), Column(""))
SCOPE_WORDS = {"read": "read: catalogue, eSIMs, orders, exports", "order": "order: place bulk orders on account",
               "distribute": "distribute: give eSIMs to people"}


def _key_row(row: ApiKeyRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.name, font_weight="600"),
        rx.table.cell(rx.el.code(row.prefix, "_…")),
        rx.table.cell(row.scopes),
        rx.table.cell(row.created),
        rx.table.cell(row.last_used),
        rx.table.cell(row.status, custom_attrs={"data-testid": "api-key-status"}),
        rx.table.cell(rx.cond(
            row.status == "active",
            button("Revoke", variant="ghost", size="sm", type="button", on_click=ApiKeysState.ask_revoke(row.id),
                   aria_label="Revoke " + row.name, custom_attrs={"data-testid": "revoke-api-key"}),
        )),
        custom_attrs={"data-testid": "api-key-row"},
    )


def _scope_box(scope: str) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="checkbox", name=f"scope_{scope}", default_checked=scope == "read",
                    custom_attrs={"data-testid": f"api-key-scope-{scope}"}),
        " " + SCOPE_WORDS[scope],
        display="flex", gap="0.5rem", align_items="center",
    )


def _create_form() -> rx.Component:
    return card(
        rx.form(
            rx.vstack(
                rx.el.h2("New key", class_name="t-card"),
                field("Name (what uses it)", "name", testid="api-key-name", required=True, max_length=100,
                      placeholder="e.g. Travel booking tool"),
                rx.el.fieldset(
                    rx.el.legend("Scopes", class_name="t-secondary"),
                    *[_scope_box(scope) for scope in SCOPE_WORDS],
                    display="flex", flex_direction="column", gap="0.5rem", border="none", padding="0",
                ),
                button("Create key", type="submit", size="md", custom_attrs={"data-testid": "new-api-key"}),
                spacing="3",
                align="start",
                width="100%",
            ),
            on_submit=ApiKeysState.create,
            reset_on_submit=True,
        ),
        max_width="40rem",
    )


def _secret() -> rx.Component:
    return rx.cond(
        ApiKeysState.secret != "",
        rx.callout.root(
            rx.callout.text(rx.el.strong("Copy this key now: it is shown only once. "),
                            "Send it as Authorization: Bearer <key>."),
            rx.hstack(
                rx.el.code(ApiKeysState.secret, word_break="break-all", custom_attrs={"data-testid": "api-key-secret"}),
                button(rx.icon("copy", size=14), "Copy", variant="ghost", size="sm", type="button",
                       on_click=[rx.set_clipboard(ApiKeysState.secret), rx.toast.success("Copied")]),
                button("Done", variant="ghost", size="sm", type="button", on_click=ApiKeysState.dismiss_secret),
                spacing="2", align="center", flex_wrap="wrap",
            ),
            color_scheme="green", role="status", width="100%",
        ),
    )


def _confirm() -> rx.Component:
    return rx.cond(
        ApiKeysState.pending_id != 0,
        card(
            rx.vstack(
                rx.el.h2("Revoke the key \u201c", ApiKeysState.pending_name, "\u201d?", class_name="t-card"),
                rx.el.p("Programs using it are refused from the next request. This cannot be undone.",
                        class_name="t-secondary"),
                rx.hstack(
                    button("Revoke", size="sm", type="button", on_click=ApiKeysState.revoke,
                           custom_attrs={"data-testid": "confirm-revoke"}),
                    button("Cancel", variant="ghost", size="sm", type="button", on_click=ApiKeysState.cancel_revoke),
                    spacing="2",
                ),
                spacing="3",
            ),
            max_width="40rem",
        ),
    )


@business_page(routes.BUSINESS_API_KEYS, "API keys", ApiKeysState.load, roles=ROLES)
def business_api_keys_page() -> rx.Component:
    return rx.vstack(
        rx.el.h1("API keys", class_name="t-section"),
        rx.el.p("Keys let your own systems use the business API: the catalogue at your prices, your eSIMs and "
                f"orders, allocations and exports. Each key may make {get_settings().api_rate_limit_per_minute} "
                "requests a minute. ",
                rx.el.a("The API's OpenAPI document", href=OPENAPI, target="_blank"), ".",
                class_name="t-body t-muted"),
        error_callout(ApiKeysState.error, testid="api-key-error"),
        notice_callout(ApiKeysState.notice),
        _secret(),
        _confirm(),
        _create_form(),
        data_table(ApiKeysState, COLUMNS, ApiKeysState.keys, _key_row, empty="No API keys yet."),
        spacing="4",
        align="stretch",
        width="100%",
    )
