"""CSV exports of the admin home's tables, safe to open in a spreadsheet.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a
formula by Excel, LibreOffice or Google Sheets (CSV injection); such cells get a leading `'`, which
the spreadsheet shows as text. Numbers are written as numbers (amounts in base-currency units with
two decimals), so they stay summable.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal

from services.admin.analytics import Dashboard, Money, Period
from services.core.errors import ServiceError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TABLES = ("series", "providers", "destinations", "plans", "attention", "incidents")
MONEY_TABLES = frozenset({"series", "providers", "destinations", "plans"})
_SPLIT_OF = {"providers": "provider", "destinations": "destination", "plans": "plan"}


class UnknownExport(ServiceError):
    code = "analytics_unknown_export"


def safe_cell(value: object) -> object:
    """`value` ready for a CSV cell: text that a spreadsheet would evaluate is quoted as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _units(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def rows_for(table: str, money: Money | None, board: Dashboard | None) -> Iterator[list[object]]:
    """Header, then the rows of one table (`money` for the money tables, `board` for the two lists)."""
    if table == "series" and money is not None:
        yield ["start", "orders", "revenue_usd", "margin_usd"]
        for p in money.series:
            yield [p.start.isoformat(), p.orders, _units(p.revenue_cents), _units(p.margin_cents)]
    elif table in _SPLIT_OF and money is not None:
        yield ["key", "name", "orders", "revenue_usd", "refunds_usd", "margin_usd"]
        for r in money.splits[_SPLIT_OF[table]]:
            yield [r.key, r.label, r.orders, _units(r.revenue_cents), _units(r.refunds_cents), _units(r.margin_cents)]
    elif table == "attention" and board is not None:
        yield ["order", "why", "status", "amount_minor", "currency", "since_utc"]
        for a in board.attention:
            yield [a.order_ref, a.why, a.status, a.amount_cents, a.currency, a.since.isoformat()]
    elif table == "incidents" and board is not None:
        yield ["at_utc", "order", "provider", "reason", "detail"]
        for i in board.incidents:
            yield [i.at.isoformat(), i.order_ref, i.provider_id, i.reason, i.detail]
    else:
        raise UnknownExport(f"no export {table!r}")


def encode(rows: Iterable[list[object]]) -> Iterator[str]:
    """CSV text, one line at a time (for a streamed response), every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def filename(table: str, period: Period) -> str:
    return f"admin-{table}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
