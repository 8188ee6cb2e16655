"""Staff accounts (owners only): invite by email with a role, change role, disable or enable, reset TOTP.

An invitation creates the account without a password and emails a single-use link (72 hours; the
link mechanism of `services.enterprise.links`, holding `admin_id`). The invitee sets a password
there, then enrols TOTP at the first sign-in like every staff account. Disabling an account or
resetting its TOTP ends its sessions. The store always keeps an active owner who can sign in: the
last one cannot be demoted or disabled (by anyone, themselves included; owners are locked while
counted, so two owners demoting each other at once cannot both succeed).
Every change is audited with the values before and after.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from services.accounts import passwords
from services.accounts.sessions import Identity, utcnow
from services.accounts.staff_access import active_staff, record
from services.accounts.validation import normalise_email
from services.admin.errors import InvalidInvitation, InvalidStaffRole, LastOwner, StaffExists, StaffNotFound
from services.core import db
from services.core.models import Admin, AdminRecoveryCode, AuthSession, EnterpriseToken, StaffRole, TokenPurpose
from services.core.settings import get_settings
from services.enterprise import links
from services.notifications.outbox import enqueue_email

MANAGERS = (StaffRole.OWNER.value,)
ROLES = tuple(r.value for r in StaffRole)
INVITE_PATH = "/admin/invite/"
MAX_NAME = 100


@dataclass(frozen=True, slots=True)
class StaffMember:
    id: int
    email: str
    name: str
    role: str
    status: str  # invited (no password yet), active, disabled
    totp_enrolled: bool
    last_login_at: dt.datetime | None
    created_at: dt.datetime | None


def _member(a: Admin) -> StaffMember:
    status = "disabled" if not a.is_active else "invited" if a.password_hash is None else "active"
    return StaffMember(a.id, a.email, a.name, a.staff_role, status, a.totp_confirmed_at is not None,  # type: ignore[arg-type]
                       a.last_login_at, a.created_at)


def _state(a: Admin) -> dict[str, Any]:
    """What the audit log keeps of an account before and after a change."""
    return {"email": a.email, "role": a.staff_role, "active": a.is_active, "totp": a.totp_confirmed_at is not None}


def _role(value: str) -> str:
    if value not in ROLES:
        raise InvalidStaffRole(f"no staff role {value!r}")
    return value


def _target(s: Session, admin_id: int) -> Admin:
    target = s.exec(select(Admin).where(col(Admin.id) == int(admin_id)).with_for_update()).first()
    if target is None:
        raise StaffNotFound(f"no staff account {admin_id}")
    return target


def _keep_an_owner(s: Session, target: Admin) -> None:
    """Refuse when `target` is the last active owner who can sign in (every owner row locked first)."""
    if target.staff_role != StaffRole.OWNER or not target.is_active:
        return
    owners = s.exec(select(Admin.id).where(col(Admin.staff_role) == StaffRole.OWNER, col(Admin.is_active).is_(True),
                                           col(Admin.password_hash).is_not(None))
                    .order_by(col(Admin.id)).with_for_update()).all()
    if set(owners) <= {target.id}:
        raise LastOwner(f"admin {target.id} is the last active owner")


def _end_sessions(s: Session, admin_id: int, now: dt.datetime) -> int:
    return s.exec(sa.update(AuthSession).where(col(AuthSession.admin_id) == admin_id)
                  .where(col(AuthSession.revoked_at).is_(None)).values(revoked_at=now)).rowcount


def list_staff(identity: Identity) -> list[StaffMember]:
    with db.session() as s:
        active_staff(s, identity, MANAGERS)
        return [_member(a) for a in s.exec(select(Admin).order_by(col(Admin.email))).all()]


def invite_staff(identity: Identity, email: str, role: str, *, name: str = "", ip: str | None) -> StaffMember:
    """A new staff account with `role`, no password yet; the invitee is emailed a single-use link."""
    address, role, now = normalise_email(email), _role(role), utcnow()
    with db.session() as s, s.begin():
        actor = active_staff(s, identity, MANAGERS)
        admin = Admin(email=address, name=" ".join(name.split())[:MAX_NAME], password_hash=None, staff_role=role)
        s.add(admin)
        try:
            s.flush()
        except IntegrityError:
            raise StaffExists(f"a staff account for {address} exists") from None
        token = links.issue_token(s, TokenPurpose.INVITE, now=now, admin_id=admin.id)
        hours = int(links.LIFETIME[TokenPurpose.INVITE].total_seconds() // 3600)
        enqueue_email(s, to=address, template="staff_invite", context={
            "role": role, "invited_by": actor.name or actor.email, "valid_hours": hours,
            "link": f"{get_settings().public_url.rstrip('/')}{INVITE_PATH}{token}"})
        record(s, actor.id, "staff.invited", entity="admin", entity_id=admin.id, ip=ip, before=None, after=_state(admin))  # type: ignore[arg-type]
        return _member(admin)


def change_role(identity: Identity, admin_id: int, role: str, *, ip: str | None) -> StaffMember:
    """Give a staff account another role; takes effect at its next request (roles are read per request)."""
    role = _role(role)
    with db.session() as s, s.begin():
        actor = active_staff(s, identity, MANAGERS)
        target = _target(s, admin_id)
        if target.staff_role == role:
            return _member(target)
        if role != StaffRole.OWNER:
            _keep_an_owner(s, target)
        before = _state(target)
        target.staff_role = role
        record(s, actor.id, "staff.role_changed", entity="admin", entity_id=target.id, ip=ip,  # type: ignore[arg-type]
               before=before, after=_state(target))
        return _member(target)


def set_active(identity: Identity, admin_id: int, active: bool, *, ip: str | None) -> StaffMember:
    """Disable (its sessions end at once; open invitations die) or enable a staff account."""
    now = utcnow()
    with db.session() as s, s.begin():
        actor = active_staff(s, identity, MANAGERS)
        target = _target(s, admin_id)
        if target.is_active == bool(active):
            return _member(target)
        if not active:
            _keep_an_owner(s, target)
        before = _state(target)
        target.is_active = bool(active)
        ended = 0 if active else _end_sessions(s, target.id, now)  # type: ignore[arg-type]
        if not active:
            links.spend_tokens(s, now=now, admin_id=target.id)
        record(s, actor.id, "staff.enabled" if active else "staff.disabled", entity="admin", entity_id=target.id,  # type: ignore[arg-type]
               ip=ip, before=before, after=_state(target), sessions_ended=ended)
        return _member(target)


def reset_totp(identity: Identity, admin_id: int, *, ip: str | None) -> StaffMember:
    """Forget a staff account's authenticator and recovery codes (a lost phone): its sessions end and it
    enrols again at its next sign-in."""
    now = utcnow()
    with db.session() as s, s.begin():
        actor = active_staff(s, identity, MANAGERS)
        target = _target(s, admin_id)
        before = _state(target)
        target.totp_secret = target.totp_confirmed_at = target.totp_last_step = None
        s.exec(sa.delete(AdminRecoveryCode).where(col(AdminRecoveryCode.admin_id) == target.id))
        ended = _end_sessions(s, target.id, now)  # type: ignore[arg-type]
        record(s, actor.id, "staff.totp_reset", entity="admin", entity_id=target.id, ip=ip,  # type: ignore[arg-type]
               before=before, after=_state(target), sessions_ended=ended)
        return _member(target)


# --- the invitee's side (no session: the link is the credential) ------------------------------


def _invited(s: Session, token: str, now: dt.datetime, *, lock: bool) -> Admin:
    query = (select(Admin).join(EnterpriseToken, col(EnterpriseToken.admin_id) == Admin.id)
             .where(*links.usable(token, now), col(EnterpriseToken.purpose) == TokenPurpose.INVITE)
             .where(col(Admin.is_active).is_(True), col(Admin.password_hash).is_(None)))
    admin = s.exec(query.with_for_update(of=Admin) if lock else query).first()
    if admin is None:
        raise InvalidInvitation("unknown, used or expired staff invitation")
    return admin


def check_invitation(token: str) -> str:
    """The invited address, without using the link; `InvalidInvitation` when it no longer works."""
    with db.session() as s:
        return _invited(s, token, utcnow(), lock=False).email


def accept_invitation(token: str, password: str, *, ip: str | None) -> str:
    """Use the link once to set the password (the sign-in strength rule, bcrypt 12); returns the
    address to sign in with. TOTP is enrolled at the first sign-in."""
    password_hash = passwords.hash_password(password)  # strength first, bcrypt outside the transaction
    now = utcnow()
    with db.session() as s, s.begin():
        admin = _invited(s, token, now, lock=True)
        links.spend_tokens(s, now=now, admin_id=admin.id)
        admin.password_hash = password_hash
        record(s, admin.id, "staff.invitation_accepted", entity="admin", entity_id=admin.id, ip=ip,  # type: ignore[arg-type]
               before={"password": False}, after={"password": True})
        return admin.email

