"""Companies and their people: creating a company with its first admin, the team, invitations, roles.

Every team function takes the caller's `Identity`: the company is its `org_id` (from the session),
never an argument the browser chose, and only a company admin may invite or change roles.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from services.accounts.sessions import Identity
from services.accounts.validation import normalise_email
from services.core import db
from services.core.models import CompanyRole, EnterpriseAccount, EnterpriseUser, Role, TokenPurpose
from services.enterprise.audit import record
from services.enterprise.errors import (
    InvalidCompanyName,
    InvalidCreditLimit,
    InvalidRole,
    NotAllowed,
    UserExists,
    UserNotFound,
)
from services.enterprise.links import send_link, utcnow

MAX_NAME = 200
MAX_CREDIT_LIMIT_CENTS = 10**12


@dataclass(frozen=True)
class CreatedCompany:
    company_id: int
    admin_user_id: int
    email: str
    company_ref: str = ""


@dataclass(frozen=True)
class TeamMember:
    id: int
    email: str
    name: str
    role: str
    status: str  # "active" (has a password), "invited", "disabled"


def _role(role: str) -> CompanyRole:
    try:
        return CompanyRole(role)
    except ValueError:
        raise InvalidRole(f"unknown company role {role!r}") from None


def create_company(name: str, contact_email: str, *, credit_limit_cents: int = 0) -> CreatedCompany:
    """Create an active company and its first admin (no password), and email the invitation."""
    with db.session() as s, s.begin():
        return create_in(s, name, contact_email, credit_limit_cents=credit_limit_cents)


def create_in(s: Session, name: str, contact_email: str, *, credit_limit_cents: int) -> CreatedCompany:
    """`create_company` in the caller's transaction (staff add their audit row to it)."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise InvalidCompanyName("a company needs a name of at most 200 characters")
    if not isinstance(credit_limit_cents, int) or not 0 <= credit_limit_cents <= MAX_CREDIT_LIMIT_CENTS:
        raise InvalidCreditLimit(f"credit limit {credit_limit_cents!r}")
    email, now = normalise_email(contact_email), utcnow()
    company = EnterpriseAccount(company_name=name, contact_name="", contact_email=email,
                                credit_limit_cents=credit_limit_cents)
    user = EnterpriseUser(enterprise_account_id=0, email=email, role=CompanyRole.ADMIN)
    try:
        with s.begin_nested():
            s.add(company)
            s.flush()
            user.enterprise_account_id = company.id  # type: ignore[assignment]
            s.add(user)
            s.flush()
    except IntegrityError:
        raise UserExists(f"{email} already belongs to a company") from None
    send_link(s, user, company, TokenPurpose.INVITE, now=now)
    record(s, company.id, actor_type="system", actor_id=None, action="company_created",  # type: ignore[arg-type]
           entity_id=user.id, ip=None, details={"company": name, "email": email,  # type: ignore[arg-type]
                                                "credit_limit_cents": credit_limit_cents})
    s.refresh(company)
    return CreatedCompany(company.id, user.id, email, company.display_id or "")  # type: ignore[arg-type]


def _company_admin(identity: Identity) -> int:
    """The caller's company id if the caller is one of its admins, else `NotAllowed`."""
    if identity.role != Role.ENTERPRISE or identity.org_id is None:
        raise NotAllowed("not a company user")
    if CompanyRole.ADMIN not in identity.roles:
        raise NotAllowed("only a company admin manages the team")
    return identity.org_id


def list_team(identity: Identity) -> list[TeamMember]:
    """The people of the caller's company (admins only)."""
    company_id = _company_admin(identity)
    with db.session() as s:
        users = s.exec(select(EnterpriseUser).where(col(EnterpriseUser.enterprise_account_id) == company_id)
                       .order_by(col(EnterpriseUser.id))).all()
    return [TeamMember(id=u.id, email=u.email, name=u.name, role=u.role,  # type: ignore[arg-type]
                       status="disabled" if not u.is_active else "active" if u.password_hash else "invited")
            for u in users]


def invite_user(identity: Identity, email: str, role: str, *, ip: str | None) -> TeamMember:
    """Add a user with `role` to the caller's company and email the invitation (admins only)."""
    company_id, wanted = _company_admin(identity), _role(role)
    address, now = normalise_email(email), utcnow()
    with db.session() as s, s.begin():
        company = s.get(EnterpriseAccount, company_id)
        if company is None or company.status != "active":
            raise NotAllowed("the company is not active")
        user = EnterpriseUser(enterprise_account_id=company_id, email=address, role=wanted)
        try:
            s.add(user)
            s.flush()
        except IntegrityError:
            raise UserExists(f"{address} already has an account") from None
        send_link(s, user, company, TokenPurpose.INVITE, now=now)
        record(s, company_id, actor_id=identity.principal_id, action="user_invited", entity_id=user.id,  # type: ignore[arg-type]
               ip=ip, details={"email": address, "role": wanted.value})
        return TeamMember(id=user.id, email=address, name="", role=wanted.value, status="invited")  # type: ignore[arg-type]


def change_role(identity: Identity, user_id: int, role: str, *, ip: str | None) -> TeamMember:
    """Give a user of the caller's company another role (admins only; an admin cannot demote themself)."""
    company_id, wanted = _company_admin(identity), _role(role)
    if user_id == identity.principal_id and wanted != CompanyRole.ADMIN:
        raise NotAllowed("an admin cannot take away their own admin role")
    with db.session() as s, s.begin():
        user = s.exec(select(EnterpriseUser).where(col(EnterpriseUser.id) == user_id)
                      .where(col(EnterpriseUser.enterprise_account_id) == company_id).with_for_update()).first()
        if user is None:
            raise UserNotFound(f"no user {user_id} in company {company_id}")
        before, user.role = user.role, wanted.value
        record(s, company_id, actor_id=identity.principal_id, action="role_changed", entity_id=user_id, ip=ip,
               details={"email": user.email, "from": before, "to": wanted.value})
        return TeamMember(id=user_id, email=user.email, name=user.name, role=wanted.value,
                          status="disabled" if not user.is_active else "active" if user.password_hash else "invited")
