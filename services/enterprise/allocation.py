"""Handing a company's in-stock eSIMs to employees, race-safe (the seed's "Concurrency Safety").

One statement per request (`_ASSIGN`, one round trip): (1) claim the wanted in-stock eSIMs with
`SELECT ... FOR UPDATE SKIP LOCKED`, so concurrent requests never wait on each other's rows; (2) insert
one allocation per eSIM with `ON CONFLICT DO NOTHING` on the unique partial index (one live recipient
per eSIM, enforced by the database) and its audit row, only when every recipient got an eSIM;
(3) verify the count from its answer, which also says why a request came short (suspended company,
too few in stock, or taken meanwhile), so a refusal needs no second query; the emails follow in one
INSERT of the same transaction. A request that cannot be satisfied whole is refused whole
(`AllocationConflict`, "Some eSIMs were already allocated. Please refresh.", HTTP 409 in the API):
nothing is written and nobody is emailed. Listed eSIMs go to the recipients in the order listed. Otherwise each recipient is emailed a private,
expiring install link (`/install/<token>`; only its SHA-256 is stored). Revoking an unused eSIM kills
its link and puts it back in stock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from services.accounts.sessions import Identity
from services.accounts.validation import clip
from services.core import db
from services.core.errors import ServiceError
from services.core.models import Esim, EsimAllocation, EsimStatus
from services.core.settings import get_settings
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
from services.notifications.outbox import enqueue_emails

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


# One statement claims the eSIMs (FOR UPDATE SKIP LOCKED), pairs them with the recipients in order,
# inserts the allocations (ON CONFLICT DO NOTHING on the live-recipient index) and their audit rows,
# only when every recipient got an eSIM, and answers one row per claimed eSIM saying whether its
# allocation went in (or one row with no eSIM when none was claimed), each with what a refusal needs:
# whether the company is active and, when a request for any eSIMs came short, how many are in stock.
# `OFFSET 0` keeps the live-allocation check a subquery run per candidate eSIM (an index probe): as an
# anti-join, with statistics that predate a bulk order (a generic plan keeps them), PostgreSQL chose a
# merge join that read the live-recipient index from its start, all companies' allocations, per request.
_ASSIGN = sa.text("""
WITH wanted AS (
    SELECT e.id, e.display_id, e.iccid, e.order_id FROM esims e
    WHERE e.enterprise_account_id = :company AND e.status = 'not_installed'
      AND (e.expires_at IS NULL OR e.expires_at > :now)
      AND NOT EXISTS (SELECT 1 FROM esim_allocations a WHERE a.esim_id = e.id AND a.revoked_at IS NULL
                      OFFSET 0)  -- a probe per candidate, never a join over every company's allocations
      AND (CAST(:refs AS text[]) IS NULL OR e.display_id = ANY(CAST(:refs AS text[])))
      AND EXISTS (SELECT 1 FROM enterprise_accounts c WHERE c.id = :company AND c.status = 'active')
    ORDER BY e.id LIMIT :wanted
    FOR UPDATE OF e SKIP LOCKED
), claimed AS (  -- numbered as the recipients: in the order of the listed eSIMs, when listed
    SELECT w.*, row_number() OVER (ORDER BY array_position(CAST(:refs AS text[]), w.display_id), w.id) AS n
    FROM wanted w
), people AS (
    SELECT * FROM unnest(CAST(:names AS text[]), CAST(:emails AS text[]), CAST(:hashes AS text[]))
        WITH ORDINALITY AS p(name, email, token_hash, n)
), inserted AS (
    INSERT INTO esim_allocations (esim_id, enterprise_account_id, recipient_name, recipient_email, token_hash,
                                  expires_at, created_by)
    SELECT c.id, :company, p.name, p.email, p.token_hash, :expires, :actor FROM claimed c JOIN people p USING (n)
    WHERE (SELECT count(*) FROM claimed) = :wanted
    ON CONFLICT (esim_id) WHERE revoked_at IS NULL DO NOTHING
    RETURNING esim_id, recipient_name, recipient_email, token_hash
), audited AS (
    INSERT INTO audit_log (actor_type, actor_id, action, entity_type, entity_id, details, ip, enterprise_account_id)
    SELECT 'enterprise', :actor, 'esim_assigned', 'esim', i.esim_id::text,
           jsonb_build_object('entity', 'esim', 'iccid', c.iccid, 'before', jsonb_build_object('recipient', NULL),
                              'after', jsonb_build_object('recipient', i.recipient_name, 'email', i.recipient_email)),
           :ip, :company
    FROM inserted i JOIN claimed c ON c.id = i.esim_id
), answer AS (
    SELECT c.n, c.id, c.display_id, c.iccid, pk.name AS plan_name, i.token_hash
    FROM claimed c LEFT JOIN inserted i ON i.esim_id = c.id
    JOIN orders o ON o.id = c.order_id JOIN packages pk ON pk.id = o.package_id
)
SELECT co.company_name, co.status = 'active' AS active, a.id, a.display_id, a.iccid, a.plan_name, a.token_hash,
       CASE WHEN CAST(:refs AS text[]) IS NULL AND (SELECT count(*) FROM claimed) < :wanted THEN
           (SELECT count(*) FROM esims e WHERE e.enterprise_account_id = :company AND e.status = 'not_installed'
              AND (e.expires_at IS NULL OR e.expires_at > :now)
              AND NOT EXISTS (SELECT 1 FROM esim_allocations a WHERE a.esim_id = e.id AND a.revoked_at IS NULL
                              OFFSET 0))  -- a probe per eSIM, as in `wanted`
       END AS in_stock
FROM enterprise_accounts co LEFT JOIN answer a ON true
WHERE co.id = :company
ORDER BY a.n
""")


def _refusal(rows: Sequence[sa.Row[Any]], wanted: int) -> ServiceError | None:
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
    if not all(row.token_hash for row in rows):
        taken = sum(not row.token_hash for row in rows)
        return AllocationConflict(f"{taken} of the eSIMs got another recipient first")
    return None


def _assign_in(conn: sa.Connection, company_id: int, people: Sequence[Recipient], refs: Sequence[str] | None,
               actor_id: int | None, ip: str | None,
               own: sa.RootTransaction | None = None) -> tuple[AssignedEsim, ...]:
    """Claim, allocate and audit in one statement; refuse the whole request unless every recipient got
    an eSIM (the verified count); then queue one email per recipient. A refusal that claimed nothing
    commits `own` (the transaction holds no lock and wrote nothing) rather than roll it back: psycopg
    forgets a connection's prepared statements on every ROLLBACK, and planning the statement again
    costs the server more than running it."""
    now = utcnow()
    if refs is not None and len(set(refs)) != len(people):
        raise AllocationConflict("one eSIM per recipient")
    tokens = {hash_token(t): t for t in (secrets.token_urlsafe(32) for _ in people)}
    rows = conn.execute(_ASSIGN, {
        "company": company_id, "now": now, "refs": list(refs) if refs is not None else None, "wanted": len(people),
        "names": [p.name for p in people], "emails": [p.email for p in people], "hashes": list(tokens),
        "expires": now + LINK_LIFETIME, "actor": actor_id, "ip": clip(ip, 64)}).all()
    if refused := _refusal(rows, len(people)):
        if own is not None and not any(row.id for row in rows):
            own.commit()
        raise refused
    enqueue_emails(conn, "esim_assigned", [
        (p.email, {"company_name": row.company_name, "recipient_name": p.name, "plan_name": row.plan_name,
                   "link": install_url(tokens[row.token_hash]), "valid_days": LINK_LIFETIME.days})
        for p, row in zip(people, rows, strict=True)])
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
    with db.get_engine().connect() as conn, conn.begin() as own:  # Core: an ORM session costs more CPU
        return AssignResult(_assign_in(conn, company_id, people, esim_refs, identity.principal_id, ip, own))


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
    with db.session() as s, s.begin():  # refused (expired meanwhile, say): the revocation rolls back too
        require_active(s, company_id)
        _revoke_in(s, company_id, esim_ref, identity.principal_id, ip)
        return _assign_in(s.connection(), company_id, [person], [esim_ref], identity.principal_id, ip)[0]


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
