"""The support page's ticket list is a data table: the server pages and sorts it, the browser only asks."""

from __future__ import annotations

import pytest

from esim_app.state.support import SupportState
from services.support import tickets as support
from tests.integration.support.test_handlers_are_scoped import _signed_in_as


def _twelve_tickets(user_id: int) -> list[str]:
    """Twelve tickets with subjects "Ticket 01".."Ticket 12" (the open limit allows ten at a time)."""
    refs = []
    for n in range(1, 13):
        refs.append(support.open_ticket(user_id, subject=f"Ticket {n:02d}", body="Hello").summary.ref)
        if n <= 6:
            support.close_ticket(user_id, ticket_ref=refs[-1])
    return refs


async def test_the_list_shows_ten_tickets_a_page_newest_activity_first(alice: int, monkeypatch) -> None:
    # given a customer with twelve tickets
    _twelve_tickets(alice)
    state = _signed_in_as(alice, SupportState, monkeypatch)
    # when the page loads
    await state.load()
    # then the first page holds the ten most recently active, and there are two pages
    assert (state.total, state.page_count, state.page) == (12, 2, 0)
    assert [t.subject for t in state.tickets][:2] == ["Ticket 12", "Ticket 11"]
    assert len(state.tickets) == 10
    # and the second page holds the rest
    await state.go_to_page(1)
    assert [t.subject for t in state.tickets] == ["Ticket 02", "Ticket 01"]


async def test_sorting_by_subject_reverses_on_the_second_click_and_restarts_at_page_one(alice: int,
                                                                                         monkeypatch) -> None:
    _twelve_tickets(alice)
    state = _signed_in_as(alice, SupportState, monkeypatch)
    await state.load()
    await state.go_to_page(1)
    await state.sort_by("subject")
    assert state.page == 0 and [t.subject for t in state.tickets][:3] == ["Ticket 01", "Ticket 02", "Ticket 03"]
    await state.sort_by("subject")
    assert [t.subject for t in state.tickets][:2] == ["Ticket 12", "Ticket 11"]


@pytest.mark.parametrize("page", [-5, 99])
async def test_a_page_out_of_range_is_clamped(alice: int, monkeypatch, page: int) -> None:
    _twelve_tickets(alice)
    state = _signed_in_as(alice, SupportState, monkeypatch)
    await state.load()
    await state.go_to_page(page)
    assert state.page == (0 if page < 0 else 1) and state.tickets


async def test_an_unknown_sort_key_from_the_browser_changes_nothing(alice: int, monkeypatch) -> None:
    _twelve_tickets(alice)
    state = _signed_in_as(alice, SupportState, monkeypatch)
    await state.load()
    before = list(state.tickets)
    await state.sort_by("user_id; DROP TABLE")
    assert (state.sort_key, state.tickets) == ("updated", before)


async def test_no_tickets_shows_the_empty_state(alice: int, monkeypatch) -> None:
    state = _signed_in_as(alice, SupportState, monkeypatch)
    await state.load()
    assert (state.total, state.tickets, state.page_count) == (0, [], 1)
