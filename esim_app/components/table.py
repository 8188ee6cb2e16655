"""A data table: columns, an empty state, and server-side pagination and sorting driven by state.

A page's state mixes in `TableState`, names its sortable keys and implements `_fetch_page`, which
loads one page through one service call (using `sort_key`, `descending`, `page`, `page_size`)
and returns the total row count. The browser only sends "sort by this key" or "go to that page";
the state checks both before calling the service.

    class TicketsState(TableState, CustomerState):
        rows: list[TicketRow] = []
        _sortable: ClassVar[tuple[str, ...]] = ("subject", "updated")

        async def _fetch_page(self) -> int: ...

    data_table(TicketsState, TICKET_COLUMNS, TicketsState.rows, render_row, empty="No tickets yet.")
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import reflex as rx

from esim_app.i18n import t


@dataclass(frozen=True)
class Column:
    label: str  # empty for the row actions' column: screen readers hear "Actions"
    key: str = ""  # the sort key sent to the state; empty for a column that does not sort


class TableState(rx.State, mixin=True):
    """Sort order and page of one table; the rows themselves are the subclass's own var."""

    sort_key: str = ""
    descending: bool = True
    page: int = 0  # zero-based
    page_count: int = 1
    total: int = 0
    page_size: int = 10
    _sortable: ClassVar[tuple[str, ...]] = ()

    async def _fetch_page(self) -> int:
        """Load the current page into the subclass's rows; return the total number of rows."""
        raise NotImplementedError

    def _set_total(self, total: int) -> None:
        """Record how many rows there are over all pages."""
        self.total = total
        self.page_count = max(1, -(-total // self.page_size))

    async def _refresh(self) -> None:
        self._set_total(await self._fetch_page())

    @rx.event
    async def sort_by(self, key: str):
        """Sort by `key` (a second click reverses the order); back to the first page."""
        if key not in self._sortable:
            return
        self.descending = not self.descending if key == self.sort_key else False
        self.sort_key, self.page = key, 0
        await self._refresh()

    @rx.event
    async def go_to_page(self, page: int):
        """Show page `page` (zero-based), within the pages that exist."""
        self.page = max(0, min(int(page), self.page_count - 1))
        await self._refresh()


def _header_cell(state: type[TableState], column: Column) -> rx.Component:
    if not column.key:
        empty = isinstance(column.label, str) and not column.label  # a label may be a translated Var
        return rx.table.column_header_cell(rx.el.span(t("Actions"), class_name="sr-only") if empty else column.label)
    arrow = rx.cond(
        state.sort_key == column.key,
        rx.cond(state.descending, rx.icon("arrow-down", size=14), rx.icon("arrow-up", size=14)),
        rx.icon("arrow-up-down", size=14, opacity="0.4"),
    )
    return rx.table.column_header_cell(
        rx.el.button(column.label, arrow, type="button", on_click=state.sort_by(column.key),
                     class_name="btn btn-ghost btn-sm", custom_attrs={"data-testid": f"sort-{column.key}"}),
        aria_sort=rx.cond(state.sort_key == column.key,
                          rx.cond(state.descending, "descending", "ascending"), "none"),
    )


def _pager(state: type[TableState]) -> rx.Component:
    return rx.cond(
        state.page_count > 1,
        rx.hstack(
            rx.el.button(rx.icon("chevron-left", size=16), t("Previous"), type="button",
                         class_name="btn btn-ghost btn-sm", disabled=state.page == 0,
                         on_click=state.go_to_page(state.page - 1), custom_attrs={"data-testid": "page-previous"}),
            rx.el.span(t("Page {page} of {pages}", page=state.page + 1, pages=state.page_count), class_name="t-secondary",
                       custom_attrs={"data-testid": "page-position"}),
            rx.el.button(t("Next"), rx.icon("chevron-right", size=16), type="button",
                         class_name="btn btn-ghost btn-sm", disabled=state.page + 1 >= state.page_count,
                         on_click=state.go_to_page(state.page + 1), custom_attrs={"data-testid": "page-next"}),
            spacing="3",
            align="center",
            justify="end",
            width="100%",
        ),
    )


def list_pager(state: type[TableState]) -> rx.Component:
    """The pager alone, for a state whose rows render as a list of cards rather than a table."""
    return _pager(state)


def data_table(
    state: type[TableState],
    columns: Sequence[Column],
    rows: rx.Var[list[Any]],
    render_row: Callable[[Any], rx.Component],
    *,
    empty: str | rx.Component,
) -> rx.Component:
    """The table with sortable headers and a pager, or `empty` when there are no rows at all."""
    empty_state = rx.el.p(empty, class_name="t-muted") if isinstance(empty, str) else empty
    return rx.cond(
        state.total > 0,
        rx.vstack(
            rx.table.root(
                rx.table.header(rx.table.row(*[_header_cell(state, c) for c in columns])),
                rx.table.body(rx.foreach(rows, render_row)),
                width="100%",
                variant="surface",
            ),
            _pager(state),
            spacing="3",
            width="100%",
            align="stretch",
        ),
        empty_state,
    )


def plain_table(*children: rx.Component, **props: Any) -> rx.Component:
    """A small static table (`rx.el.thead`/`tbody` children, no paging): styled like `data_table`'s, and
    scrolling sideways inside its container when a phone is narrower than its columns."""
    return rx.box(rx.el.table(*children, class_name="table", width="100%", **props), class_name="table-scroll")
