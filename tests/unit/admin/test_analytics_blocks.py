"""Splitting a range into built week and month blocks plus loose days; CSV cells safe in spreadsheets."""

from __future__ import annotations

import datetime as dt

from services.admin.analytics import Period, Totals, resolve_period
from services.admin.blocks import block_end, block_start, cover
from services.admin.exports import safe_cell

D = dt.date


def _all_blocks(a: dt.date, b: dt.date) -> set[tuple[str, dt.date]]:
    days = [a + dt.timedelta(days=n) for n in range((b - a).days + 1)]
    return {(g, block_start(g, d)) for d in days for g in ("week", "month")}


def test_a_range_is_covered_exactly_once_by_blocks_and_days():
    a, b = D(2026, 1, 7), D(2026, 11, 19)
    spans, days = cover(a, b, _all_blocks(a, b))
    covered = [d for d in days]
    for grain, start in spans:
        end = block_end(grain, start)
        covered += [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    assert sorted(covered) == [a + dt.timedelta(days=n) for n in range((b - a).days + 1)]
    assert len(spans) + len(days) < 40 and ("month", D(2026, 2, 1)) in spans


def test_blocks_not_built_fall_back_to_days_and_partial_blocks_are_never_used():
    a, b = D(2026, 3, 1), D(2026, 3, 31)
    assert cover(a, b, set()) == ([], [a + dt.timedelta(days=n) for n in range(31)])
    spans, _ = cover(a, D(2026, 3, 30), _all_blocks(a, b))
    assert ("month", a) not in spans and all(block_end(g, s) <= D(2026, 3, 30) for g, s in spans)


def test_presets_end_today_and_the_previous_range_has_the_same_length():
    today = D(2026, 12, 2)
    year = resolve_period("12m", today=today)
    assert (year.start, year.end, year.days) == (D(2025, 12, 3), today, 365)
    assert year.previous() == Period(D(2024, 12, 3), D(2025, 12, 2))
    assert resolve_period("today", today=today) == Period(today, today)


def test_margin_and_average_are_rounded_once():
    totals = Totals(revenue_cents=1000, refunds_cents=100, cost_micros=4_555_000, orders=3)
    assert totals.margin_cents == 900 - 456 and str(totals.margin_percent) == "49.3"
    assert totals.average_order_cents == 333 and Totals().margin_percent is None


def test_cells_a_spreadsheet_would_run_are_quoted_as_text():
    assert [safe_cell(v) for v in ("=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "Japan", 12, None)] == [
        "'=1+1", "'+SUM(A1)", "'-2", "'@cmd", "'\tx", "Japan", 12, None]
