"""CSV exports of a company's eSIMs, allocations, usage and orders: streamed, safe in spreadsheets.

Rows come from a server-side cursor in batches and leave as UTF-8 CSV chunks (stdlib `csv`, a
header row first), so memory stays flat however many rows a company has. A text cell starting
with = + - @, a tab or a carriage return would be run as a formula by spreadsheet programs; it gets
a leading apostrophe (OWASP's advice), and `csv` quotes it when needed. Exports are for company
admins, finance and operations, always of the caller's own company, and each download is in the
company's audit log. Activation strings and matching ids are never exported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select

from services.accounts.sessions import Identity
from services.core import db
from services.core.models import Esim, EsimAllocation, Order, Package
from services.enterprise.access import EXPORT_ROLES, company_for, require_active
from services.enterprise.allocation import utcnow
from services.enterprise.audit import record
from services.enterprise.distribution_errors import UnknownExport
from services.enterprise.inventory import live_join, status_expression

KINDS = ("esims", "allocations", "usage", "orders")
BATCH = 5000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str | None) -> str:
    """A text cell a spreadsheet shows as text: a leading apostrophe before a formula character
    (`TEXT` applies the same rule in SQL; this is for callers that build cells in Python)."""
    if not value:
        return ""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


# Cells are made by the database, so rows go straight from the cursor into the C `csv` writer.
def TEXT(column: Any) -> Any:  # noqa: N802  (a cell maker, named like its siblings)
    """`safe_text` in SQL; NULL stays NULL (an empty cell)."""
    starts = sa.func.left(column, 1).in_(list(FORMULA_STARTS))
    return sa.case((starts, sa.literal("'") + column), else_=column)


def WHEN(column: Any) -> Any:  # noqa: N802
    """A timestamp as ISO 8601 in UTC ("2026-12-02T15:04:05Z"); NULL stays NULL."""
    return sa.func.to_char(sa.func.timezone("UTC", column), 'YYYY-MM-DD"T"HH24:MI:SS"Z"')


def NUMBER(column: Any) -> Any:  # noqa: N802
    return column


def FLAG(column: Any) -> Any:  # noqa: N802
    return sa.case((column, "yes"), else_="no")


@dataclass(frozen=True, slots=True)
class _Spec:
    columns: tuple[tuple[str, Any, Callable[[Any], Any]], ...]  # header, column, SQL cell maker
    query: Callable[[Any, int, dt.datetime], Any]  # (select of the columns, company id, now) -> query


def _esim_base(query, company_id: int, now: dt.datetime):
    return (query.select_from(Esim).join(Order, col(Order.id) == Esim.order_id)
            .join(Package, col(Package.id) == Order.package_id).outerjoin(EsimAllocation, live_join())
            .where(col(Esim.enterprise_account_id) == company_id).order_by(col(Esim.id)))


def _allocation_base(query, company_id: int, now: dt.datetime):
    return (query.select_from(EsimAllocation).join(Esim, col(Esim.id) == EsimAllocation.esim_id)
            .where(col(EsimAllocation.enterprise_account_id) == company_id)
            .where(col(Esim.enterprise_account_id) == company_id)
            .order_by(col(EsimAllocation.created_at), col(EsimAllocation.id)))


def _order_base(query, company_id: int, now: dt.datetime):
    return (query.select_from(Order).join(Package, col(Package.id) == Order.package_id)
            .where(col(Order.enterprise_account_id) == company_id).order_by(col(Order.id)))


def _specs(now: dt.datetime) -> dict[str, _Spec]:
    state = status_expression(now)
    return {
        "esims": _Spec((("esim_ref", Esim.display_id, TEXT), ("iccid", Esim.iccid, TEXT), ("plan", Package.name, TEXT),
                        ("destination", Package.destination_name, TEXT), ("status", state, TEXT),
                        ("recipient_name", EsimAllocation.recipient_name, TEXT),
                        ("recipient_email", EsimAllocation.recipient_email, TEXT), ("used_mb", Esim.used_mb, NUMBER),
                        ("total_mb", Esim.total_mb, NUMBER), ("unlimited", Esim.unlimited, FLAG),
                        ("expires_at", Esim.expires_at, WHEN), ("created_at", Esim.created_at, WHEN)), _esim_base),
        "allocations": _Spec((("esim_ref", Esim.display_id, TEXT), ("iccid", Esim.iccid, TEXT),
                              ("recipient_name", EsimAllocation.recipient_name, TEXT),
                              ("recipient_email", EsimAllocation.recipient_email, TEXT),
                              ("assigned_at", EsimAllocation.created_at, WHEN),
                              ("link_expires_at", EsimAllocation.expires_at, WHEN),
                              ("link_opened_at", EsimAllocation.opened_at, WHEN),
                              ("revoked_at", EsimAllocation.revoked_at, WHEN)), _allocation_base),
        "usage": _Spec((("esim_ref", Esim.display_id, TEXT), ("iccid", Esim.iccid, TEXT), ("status", state, TEXT),
                        ("recipient_name", EsimAllocation.recipient_name, TEXT),
                        ("recipient_email", EsimAllocation.recipient_email, TEXT), ("used_mb", Esim.used_mb, NUMBER),
                        ("total_mb", Esim.total_mb, NUMBER), ("unlimited", Esim.unlimited, FLAG),
                        ("usage_updated_at", Esim.usage_updated_at, WHEN)), _esim_base),
        "orders": _Spec((("order_ref", Order.display_id, TEXT), ("kind", Order.kind, TEXT), ("plan", Package.name, TEXT),
                         ("quantity", Order.quantity, NUMBER), ("status", Order.status, TEXT),
                         ("price_minor", Order.price_cents, NUMBER), ("currency", Order.currency, TEXT),
                         ("created_at", Order.created_at, WHEN)), _order_base),
    }


@dataclass(frozen=True)
class ExportStream:
    """A download: its file name and its body as an iterator of UTF-8 chunks (header row first)."""

    filename: str
    chunks: Iterator[bytes]


def _lines(rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode()


def stream_rows(spec: _Spec, company_id: int, now: dt.datetime, *, batch: int = BATCH) -> Iterator[bytes]:
    """The CSV of `spec` for the company, a batch of rows per chunk, from a server-side cursor."""
    yield _lines([[header for header, _, _ in spec.columns]])
    query = spec.query(select(*[make(column) for _, column, make in spec.columns]), company_id, now)
    with db.get_engine().connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=batch).execute(query)
        for part in result.partitions():
            yield _lines(part)


def open_export(identity: Identity, kind: str, *, ip: str | None = None) -> ExportStream:
    """Start an export of the caller's company (admin, finance, operations); the rows are read as the
    body is sent. `UnknownExport` for a kind not in `KINDS`."""
    company_id = company_for(identity, EXPORT_ROLES)
    now = utcnow()
    spec = _specs(now).get(kind)
    if spec is None:
        raise UnknownExport(f"no export {kind!r}")
    with db.session() as s, s.begin():
        require_active(s, company_id)
        record(s, company_id, actor_id=identity.principal_id, action="export_downloaded", entity_type="export",
               entity_id=company_id, ip=ip, details={"entity": "export", "kind": kind})
    return ExportStream(f"{kind}-{now:%Y%m%d-%H%M%S}.csv", stream_rows(spec, company_id, now))
