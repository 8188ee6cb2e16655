"""Admin face: the home (analytics for a range, attention lists) and its CSV downloads."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

from services.accounts import Identity
from services.admin import analytics, exports
from services.accounts.staff_access import active_roles as staff_roles
from services.admin.analytics import (
    BASE_CURRENCY,
    MONEY_ROLES,
    PERIODS,
    AttentionRow,
    Dashboard,
    IncidentRow,
    InvalidRange,
    Money,
    Period,
    SeriesPoint,
    SplitRow,
    Totals,
    resolve_period,
)
from services.admin.exports import TABLES as EXPORT_TABLES
from services.admin.exports import UnknownExport

# -- home / analytics (services.admin.analytics) --
HOME_ROLES = ("owner", "finance", "operations", "support")  # every staff role lands on /admin


async def load_dashboard(identity: Identity | None, *, period: str = "30d", start: str | None = None,
                         end: str | None = None) -> Dashboard:
    """The admin home for `period` (a preset or `custom` with ISO `start`/`end`); money for owners and finance."""
    roles = await asyncio.to_thread(staff_roles, identity, HOME_ROLES)
    chosen = resolve_period(period, start=start, end=end)
    return await asyncio.to_thread(analytics.dashboard, chosen, roles=roles)


async def export_home_table(identity: Identity | None, table: str, *, period: str = "30d", start: str | None = None,
                            end: str | None = None) -> tuple[str, Iterator[str]]:
    """(file name, CSV lines) of one home table; the money tables for owners and finance only."""
    if table not in EXPORT_TABLES:
        raise UnknownExport(f"no export {table!r}")
    wanted = tuple(MONEY_ROLES) if table in exports.MONEY_TABLES else HOME_ROLES
    await asyncio.to_thread(staff_roles, identity, wanted)
    chosen = resolve_period(period, start=start, end=end)
    if table in exports.MONEY_TABLES:
        figures = await asyncio.to_thread(analytics.money, chosen, split_limit=None)
        rows = list(exports.rows_for(table, figures, None))
    else:
        board = await asyncio.to_thread(analytics.dashboard, chosen, roles=())
        rows = list(exports.rows_for(table, None, board))
    return exports.filename(table, chosen), exports.encode(rows)


__all__ = [
    "BASE_CURRENCY", "EXPORT_TABLES", "HOME_ROLES", "MONEY_ROLES", "PERIODS", "AttentionRow", "Dashboard",
    "IncidentRow", "InvalidRange", "Money", "Period", "SeriesPoint", "SplitRow", "Totals",
    "UnknownExport", "export_home_table", "load_dashboard",
]
