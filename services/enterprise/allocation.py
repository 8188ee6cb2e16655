"""Handing a company's in-stock eSIMs to employees, race-safe (the seed's "Concurrency Safety").

One transaction per request: (1) claim the wanted in-stock eSIMs with `SELECT ... FOR UPDATE SKIP
LOCKED`, so concurrent requests never wait on each other's rows; (2) insert one allocation per eSIM
with `ON CONFLICT DO NOTHING` on the unique partial index (one live recipient per eSIM, enforced by
the database); (3) verify the count. A request that cannot be satisfied whole is refused whole
(`AllocationConflict`, "Some eSIMs were already allocated. Please refresh.", HTTP 409 in the API):
the transaction rolls back and nobody is emailed. Otherwise each recipient is emailed a private,
expiring install link (`/install/<token>`; only its SHA-256 is stored) and each assignment is in
the company's audit log. Revoking an unused eSIM kills its link and puts it back in stock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlmodel import Session, col, select

from services.accounts.sessions import Identity
from services.core import db
from services.core.models import EnterpriseAccount, Esim, EsimAllocation, EsimStatus, Order, Package
from services.core.settings import get_settings
from services.enterprise import recipients as parsing
from services.enterprise.access import ASSIGN_ROLES, company_for, require_active
from services.enterprise.audit import record
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
from services.notifications.outbox import enqueue_email

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


@dataclass(frozen=True, slots=True)
class _Claimed:
    id: int
    ref: str
    iccid: str
    plan_name: str
    company_name: str


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def hash_token(token: str) -> str:
    return hashlib.sha256(b"install-link:" + token.encode()).hexdigest()


def install_url(token: str) -> str:
    return f"{get_settings().public_url.rstrip('/')}{INSTALL_PATH}{token}"


def claimable(company_id: int, now: dt.datetime) -> tuple[sa.ColumnElement[bool], ...]:
    """Conditions of an eSIM of the company that is in stock: unused, unexpired, nobody's."""
    live = (select(EsimAllocation.id).where(col(EsimAllocation.esim_id) == Esim.id)
            .where(col(EsimAllocation.revoked_at).is_(None)).exists())
    return (col(Esim.enterprise_account_id) == company_id, col(Esim.status) == EsimStatus.NOT_INSTALLED,
            sa.or_(col(Esim.expires_at).is_(None), col(Esim.expires_at) > now), ~live)


def _claim(s: Session, company_id: int, wanted: int, refs: Sequence[str] | None, now: dt.datetime) -> list[_Claimed]:
    query = (select(Esim.id, Esim.display_id, Esim.iccid, Package.name, EnterpriseAccount.company_name)
             .join(Order, col(Order.id) == Esim.order_id).join(Package, col(Package.id) == Order.package_id)
             .join(EnterpriseAccount, col(EnterpriseAccount.id) == Esim.enterprise_account_id)
             .where(*claimable(company_id, now), col(EnterpriseAccount.status) == "active"))
    if refs is not None:
        query = query.where(col(Esim.display_id).in_(list(refs)))
    rows = s.exec(query.order_by(col(Esim.id)).limit(wanted).with_for_update(of=Esim, skip_locked=True)).all()
    return [_Claimed(*row) for row in rows]


def _refuse_short(s: Session, company_id: int, wanted: int, refs: Sequence[str] | None, now: dt.datetime) -> None:
    """Why fewer eSIMs were claimed than wanted: a suspended company, taken by a concurrent request,
    or not in stock at all."""
    require_active(s, company_id)
    if refs is None:
        in_stock = s.exec(select(sa.func.count()).select_from(Esim).where(*claimable(company_id, now))).one()
        if in_stock < wanted:
            raise NotEnoughStock(f"{in_stock} in stock, {wanted} wanted", available=in_stock, wanted=wanted)
    raise AllocationConflict("some of the wanted eSIMs are allocated or locked by another request")


def _insert(s: Session, company_id: int, claimed: list[_Claimed], people: Sequence[Recipient],
            actor_id: int | None, now: dt.datetime) -> dict[int, str]:
    """Insert one allocation per claimed eSIM; the token of each by eSIM id. Refuses the whole request
    unless every row went in (a row that lost the race to the unique partial index is skipped by
    `ON CONFLICT DO NOTHING`, and the count tells)."""
    tokens = {c.id: secrets.token_urlsafe(32) for c in claimed}
    values = [{"esim_id": c.id, "enterprise_account_id": company_id, "recipient_name": p.name,
               "recipient_email": p.email, "token_hash": hash_token(tokens[c.id]), "expires_at": now + LINK_LIFETIME,
               "created_by": actor_id} for c, p in zip(claimed, people, strict=True)]
    inserted = s.execute(pg.insert(EsimAllocation).values(values)
                         .on_conflict_do_nothing(index_elements=["esim_id"], index_where=sa.text("revoked_at IS NULL"))
                         .returning(EsimAllocation.esim_id)).all()
    if len(inserted) != len(values):
        raise AllocationConflict(f"{len(values) - len(inserted)} of the eSIMs got another recipient first")
    return tokens


def _notify(s: Session, company_id: int, claimed: list[_Claimed], people: Sequence[Recipient],
            tokens: dict[int, str], actor_id: int | None, ip: str | None) -> tuple[AssignedEsim, ...]:
    for c, p in zip(claimed, people, strict=True):
        enqueue_email(s, to=p.email, template="esim_assigned",
                      context={"company_name": c.company_name, "recipient_name": p.name,
                               "plan_name": c.plan_name, "link": install_url(tokens[c.id]),
                               "valid_days": LINK_LIFETIME.days})
        record(s, company_id, actor_id=actor_id, action="esim_assigned", entity_type="esim", entity_id=c.id, ip=ip,
               details={"entity": "esim", "iccid": c.iccid, "before": {"recipient": None},
                        "after": {"recipient": p.name, "email": p.email}})
    return tuple(AssignedEsim(c.ref, c.iccid, p.name, p.email) for c, p in zip(claimed, people, strict=True))


def _assign_in(s: Session, company_id: int, people: Sequence[Recipient], refs: Sequence[str] | None,
               actor_id: int | None, ip: str | None) -> tuple[AssignedEsim, ...]:
    now = utcnow()
    if refs is not None and len(set(refs)) != len(people):
        raise AllocationConflict("one eSIM per recipient")
    claimed = _claim(s, company_id, len(people), refs, now)
    if len(claimed) < len(people):
        _refuse_short(s, company_id, len(people), refs, now)
    tokens = _insert(s, company_id, claimed, people, actor_id, now)
    return _notify(s, company_id, claimed, people, tokens, actor_id, ip)


def assign(identity: Identity, people: Sequence[Recipient], *, esim_refs: Sequence[str] | None = None,
           ip: str | None = None) -> AssignResult:
    """Give each recipient one in-stock eSIM of the caller's company (the listed `esim_refs`, in order,
    when given), all or none. Admins and operations only."""
    company_id = company_for(identity, ASSIGN_ROLES)
    if not people:
        return AssignResult(())
    if len(people) > parsing.MAX_ROWS:
        raise TooManyRecipients(f"more than {parsing.MAX_ROWS}", max_rows=parsing.MAX_ROWS)
    with db.session() as s, s.begin():  # the claim checks the company is active
        return AssignResult(_assign_in(s, company_id, people, esim_refs, identity.principal_id, ip))


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
    with db.session() as s, s.begin():
        require_active(s, company_id)
        _revoke_in(s, company_id, esim_ref, identity.principal_id, ip)
        return _assign_in(s, company_id, [person], [esim_ref], identity.principal_id, ip)[0]
