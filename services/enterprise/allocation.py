"""Handing a company's in-stock eSIMs to employees, race-safe (the seed's "Concurrency Safety").

One statement per request (`allocation_statement`): it claims the wanted in-stock eSIMs (`FOR UPDATE
SKIP LOCKED`), inserts their allocations (`ON CONFLICT DO NOTHING` on the one-live-recipient unique
index) only when every recipient got an eSIM, and, only when every allocation went in, their audit rows
and emails. The count is verified from its answer, which also says why a request came short (suspended
company, too few in stock, or taken meanwhile), so a refusal needs no second query. A request that
cannot be satisfied whole is refused whole (`AllocationConflict`, "Some eSIMs were already allocated.
Please refresh.", HTTP 409 in the API): nothing is written and nobody is emailed. A one-recipient
request runs in autocommit (one round trip: the statement is its own transaction, and its one allocation
either went in with its audit row and email or nothing was written); several run in a transaction that
a refusal rolls back, since some of their allocations may have gone in. Listed eSIMs go to the
recipients in the order listed. Each recipient is emailed a private, expiring install link
(`/install/<token>`; only its SHA-256 is stored). Revoking an unused eSIM kills its link and puts it
back in stock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlmodel import Session, col, select

from services.accounts.sessions import Identity
from services.accounts.validation import clip
from services.core import db
from services.core.errors import ServiceError
from services.core.models import Esim, EsimAllocation, EsimStatus
from services.core.settings import get_settings
from services.enterprise import allocation_statement as statement
from services.enterprise import recipients as parsing
from services.enterprise.access import ASSIGN_ROLES, company_for, require_active
from services.enterprise.audit import record
from services.enterprise.errors import NotAllowed
from services.enterprise.distribution_errors import (
    AllocationConflict,
    CompanyEsimNotFound,
    EsimInUse,
    EsimNotAssigned,
    NotEnoughStock,
    RowProblem,
    TooManyRecipients,
)
from services.enterprise.recipients import Recipient

LINK_LIFETIME = dt.timedelta(days=30)
INSTALL_PATH = "/install/"


@dataclass(frozen=True, slots=True)
class AssignedEsim:
    esim_ref: str
    iccid: str
    recipient_name: str
    recipient_email: str


@dataclass(frozen=True, slots=True)
class AssignResult:
    assigned: tuple[AssignedEsim, ...]
    skipped: tuple[RowProblem, ...] = ()  # rows left out when the caller asked to skip invalid ones


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def hash_token(token: str) -> str:
    return hashlib.sha256(b"install-link:" + token.encode()).hexdigest()


def install_url(token: str) -> str:
    return f"{get_settings().public_url.rstrip('/')}{INSTALL_PATH}{token}"


def _refusal(rows: Sequence[Any], wanted: int) -> ServiceError | None:
    """Why the statement's answer does not give every recipient an eSIM (None when it does): a company
    that is gone or suspended, not enough in stock, or eSIMs taken by a concurrent request."""
    if not rows or not rows[0].active:
        return NotAllowed("the company is not active")
    claimed = sum(row.id is not None for row in rows)
    if claimed < wanted and rows[0].in_stock is not None and rows[0].in_stock < wanted:
        return NotEnoughStock(f"{rows[0].in_stock} in stock, {wanted} wanted", available=rows[0].in_stock,
                              wanted=wanted)
    if claimed < wanted:
        return AllocationConflict("some of the wanted eSIMs are allocated or locked by another request")
    if not all(row.allocated for row in rows):
        taken = sum(not row.allocated for row in rows)
        return AllocationConflict(f"{taken} of the eSIMs got another recipient first")
    return None


def _mail() -> dict[str, str]:
    """The statement's email parameters; taken before a connection is, as on a miss they read the store's
    settings (another connection)."""
    return statement.mail_params(install_url(""), LINK_LIFETIME.days)


def _assign_in(pg: psycopg.Connection[Any], company_id: int, people: Sequence[Recipient], refs: Sequence[str] | None,
               actor_id: int | None, ip: str | None, mail: dict[str, str]) -> tuple[AssignedEsim, ...]:
    """Claim, allocate, audit and email in one statement (`allocation_statement`); refuse the whole
    request unless every recipient got an eSIM (the verified count). A refused statement wrote nothing
    unless some of several allocations went in: the caller's transaction must then roll back."""
    if refs is not None and len(set(refs)) != len(people):
        raise AllocationConflict("one eSIM per recipient")
    now = utcnow()
    tokens = [secrets.token_urlsafe(32) for _ in people]
    rows = statement.run(pg, company_id=company_id, refs=refs, names=[p.name for p in people],
                         emails=[p.email for p in people], tokens=tokens, hashes=[hash_token(t) for t in tokens],
                         now=now, expires=now + LINK_LIFETIME, actor_id=actor_id, ip=clip(ip, 64),
                         mail=mail)
    if refused := _refusal(rows, len(people)):
        raise refused
    return tuple(AssignedEsim(row.display_id, row.iccid, p.name, p.email)
                 for p, row in zip(people, rows, strict=True))


def assign(identity: Identity, people: Sequence[Recipient], *, esim_refs: Sequence[str] | None = None,
           ip: str | None = None) -> AssignResult:
    """Give each recipient one in-stock eSIM of the caller's company (the listed `esim_refs`, in order,
    when given), all or none. Admins and operations only."""
    company_id = company_for(identity, ASSIGN_ROLES)
    if not people:
        return AssignResult(())
    if len(people) > parsing.MAX_ROWS:
        raise TooManyRecipients(f"more than {parsing.MAX_ROWS}", max_rows=parsing.MAX_ROWS)
    mail = _mail()
    with db.get_engine().connect() as conn:  # no ORM session: its bookkeeping costs more CPU than the request
        pg = conn.connection.driver_connection
        if len(people) > 1:  # a refusal after some allocations went in must roll them back
            with conn.begin():
                return AssignResult(_assign_in(pg, company_id, people, esim_refs, identity.principal_id, ip, mail))
        pg.autocommit = True  # one allocation went in with its audit row and email, or nothing was written
        try:
            return AssignResult(_assign_in(pg, company_id, people, esim_refs, identity.principal_id, ip, mail))
        finally:
            pg.autocommit = False  # as the pool hands connections out


def assign_text(identity: Identity, text: str, *, skip_invalid: bool = False, ip: str | None = None) -> AssignResult:
    """Assign pasted "name, email" lines; `RecipientsInvalid` (with line numbers) while any line is bad,
    unless `skip_invalid`."""
    company_for(identity, ASSIGN_ROLES)
    parsed = parsing.parse_text(text)
    result = assign(identity, parsing.usable(parsed, skip_invalid=skip_invalid), ip=ip)
    return AssignResult(result.assigned, parsed.problems)


def assign_csv(identity: Identity, data: bytes, *, skip_invalid: bool = False, ip: str | None = None) -> AssignResult:
    """Assign the rows of an uploaded CSV file (name, email), as `assign_text`."""
    company_for(identity, ASSIGN_ROLES)
    parsed = parsing.parse_csv(data)
    result = assign(identity, parsing.usable(parsed, skip_invalid=skip_invalid), ip=ip)
    return AssignResult(result.assigned, parsed.problems)


def assign_one(identity: Identity, esim_ref: str, name: str, email: str, *, ip: str | None = None) -> AssignedEsim:
    """Give this in-stock eSIM to one person."""
    company_for(identity, ASSIGN_ROLES)
    person = parsing.usable(parsing.parse_rows([[name, email]]))[0]
    return assign(identity, [person], esim_refs=[esim_ref], ip=ip).assigned[0]


def _live_allocation(s: Session, company_id: int, esim_ref: str) -> tuple[EsimAllocation, Esim]:
    found = s.exec(select(EsimAllocation, Esim).join(Esim, col(Esim.id) == EsimAllocation.esim_id)
                   .where(col(Esim.enterprise_account_id) == company_id, col(Esim.display_id) == esim_ref)
                   .where(col(EsimAllocation.revoked_at).is_(None)).with_for_update(of=EsimAllocation)).first()
    if found is not None:
        return found
    exists = s.exec(select(Esim.id).where(col(Esim.enterprise_account_id) == company_id,
                                          col(Esim.display_id) == esim_ref)).first()
    raise (EsimNotAssigned if exists else CompanyEsimNotFound)(f"eSIM {esim_ref!r} of company {company_id}")


def _revoke_in(s: Session, company_id: int, esim_ref: str, actor_id: int | None, ip: str | None) -> None:
    allocation, esim = _live_allocation(s, company_id, esim_ref)
    if esim.status != EsimStatus.NOT_INSTALLED:
        raise EsimInUse(f"eSIM {esim_ref} is {esim.status}")
    allocation.revoked_at, allocation.revoked_by = utcnow(), actor_id
    s.flush()  # the eSIM is free for a reassignment in this same transaction
    record(s, company_id, actor_id=actor_id, action="esim_revoked", entity_type="esim", entity_id=esim.id,  # type: ignore[arg-type]
           ip=ip, details={"entity": "esim", "iccid": esim.iccid,
                           "before": {"recipient": allocation.recipient_name, "email": allocation.recipient_email},
                           "after": {"recipient": None}})


def revoke(identity: Identity, esim_ref: str, *, ip: str | None = None) -> None:
    """Take an unused eSIM back from its recipient: the install link dies, the eSIM is in stock again."""
    company_id = company_for(identity, ASSIGN_ROLES)
    with db.session() as s, s.begin():
        require_active(s, company_id)
        _revoke_in(s, company_id, esim_ref, identity.principal_id, ip)


def reassign(identity: Identity, esim_ref: str, name: str, email: str, *, ip: str | None = None) -> AssignedEsim:
    """Revoke an unused eSIM and give it to someone else, in one transaction (the old link dies)."""
    company_id = company_for(identity, ASSIGN_ROLES)
    person = parsing.usable(parsing.parse_rows([[name, email]]))[0]
    mail = _mail()
    with db.session() as s, s.begin():  # refused (expired meanwhile, say): the revocation rolls back too
        require_active(s, company_id)
        _revoke_in(s, company_id, esim_ref, identity.principal_id, ip)
        s.flush()  # the revocation's audit row before the assignment's, which the statement writes
        pg = s.connection().connection.driver_connection
        return _assign_in(pg, company_id, [person], [esim_ref], identity.principal_id, ip, mail)[0]


def end_link(identity: Identity, esim_ref: str, *, ip: str | None = None) -> None:
    """End the install link of an assigned eSIM now, whatever its state; the recipient keeps the eSIM
    (for an installed one, whose details should not stay reachable). Revoke an unused eSIM instead to
    take it back."""
    company_id = company_for(identity, ASSIGN_ROLES)
    now = utcnow()
    with db.session() as s, s.begin():
        require_active(s, company_id)
        allocation, esim = _live_allocation(s, company_id, esim_ref)
        if allocation.expires_at <= now:
            return
        before, allocation.expires_at = allocation.expires_at, now
        record(s, company_id, actor_id=identity.principal_id, action="install_link_ended", entity_type="esim",
               entity_id=esim.id, ip=ip, details={"entity": "esim", "iccid": esim.iccid,  # type: ignore[arg-type]
                                                  "before": {"link_expires_at": before.isoformat()},
                                                  "after": {"link_expires_at": now.isoformat()}})
