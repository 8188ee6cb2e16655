"""Staff accounts: owners invite (single-use emailed link, password, then TOTP at first sign-in), change
roles, disable (sessions end) and reset TOTP; the last active owner stays; every change is audited."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from services.accounts import sessions, staff as staff_sign_in_flow
from services.admin import errors, staff
from services.admin.access import NotPermitted
from services.core import db
from services.core.models import Admin
from tests.integration.admin.conftest import PASSWORD, audit_rows, invite_link, new_staff
from tests.support.staff import staff_sign_in
from tests.support.tabs import exchange


def _address() -> str:
    return f"invitee-{uuid.uuid4().hex[:10]}@example.com"


def test_an_invitee_sets_a_password_once_then_enrols_totp_at_first_sign_in(database_url: str) -> None:
    owner, address = new_staff("owner"), _address()
    member = staff.invite_staff(owner.identity, address, "support", name="Sam", ip="10.1.1.1")
    assert (member.status, member.role, member.totp_enrolled) == ("invited", "support", False)
    with pytest.raises(Exception):  # no password yet: nobody can sign in as the invitee
        staff_sign_in_flow.begin_sign_in(address, PASSWORD, ip="10.1.1.2", user_agent=None)
    token = invite_link(address)
    assert staff.check_invitation(token) == address
    assert staff.accept_invitation(token, PASSWORD, ip="10.1.1.3") == address
    with pytest.raises(errors.InvalidInvitation):  # single use
        staff.accept_invitation(token, "another long passphrase", ip="10.1.1.3")
    challenge = staff_sign_in_flow.begin_sign_in(address, PASSWORD, ip="10.1.1.4", user_agent=None)
    assert challenge.enrolment is not None  # TOTP is enrolled at the first sign-in
    signed_in = exchange(staff_sign_in(address, PASSWORD, ip="10.1.1.4"))
    assert signed_in.identity.roles == ("support",)
    [invited] = audit_rows("staff.invited", member.id)
    assert invited.actor_id == owner.identity.principal_id
    assert invited.details["before"] is None and invited.details["after"]["role"] == "support"
    assert audit_rows("staff.invitation_accepted", member.id)


def test_only_owners_manage_staff(database_url: str) -> None:
    target = new_staff("support")
    for role in ("operations", "support", "finance"):
        caller = new_staff(role)
        with pytest.raises(NotPermitted):
            staff.invite_staff(caller.identity, _address(), "owner", ip=None)
        with pytest.raises(NotPermitted):
            staff.change_role(caller.identity, target.identity.principal_id, "owner", ip=None)
        with pytest.raises(NotPermitted):
            staff.set_active(caller.identity, target.identity.principal_id, False, ip=None)
        with pytest.raises(NotPermitted):
            staff.list_staff(caller.identity)
    with db.session() as s:
        assert s.get(Admin, target.identity.principal_id).staff_role == "support"  # type: ignore[union-attr]


def test_role_change_and_disable_are_audited_and_disabling_ends_sessions(database_url: str) -> None:
    owner, member = new_staff("owner"), new_staff("support")
    mid = member.identity.principal_id
    staff.change_role(owner.identity, mid, "operations", ip="10.2.2.2")
    [changed] = audit_rows("staff.role_changed", mid)
    assert (changed.details["before"]["role"], changed.details["after"]["role"]) == ("support", "operations")
    assert sessions.resolve_session(member.token).roles == ("operations",)  # at its next request
    staff.set_active(owner.identity, mid, False, ip="10.2.2.2")
    assert sessions.resolve_session(member.token) is None
    [disabled] = audit_rows("staff.disabled", mid)
    assert (disabled.details["before"]["active"], disabled.details["after"]["active"]) == (True, False)
    assert disabled.details["sessions_ended"] == 1


def test_reset_totp_ends_sessions_and_the_next_sign_in_enrols_again(database_url: str) -> None:
    owner, member = new_staff("owner"), new_staff("finance")
    staff.reset_totp(owner.identity, member.identity.principal_id, ip=None)
    assert sessions.resolve_session(member.token) is None
    challenge = staff_sign_in_flow.begin_sign_in(member.identity.email, PASSWORD, ip="10.3.3.3", user_agent=None)
    assert challenge.enrolment is not None
    [row] = audit_rows("staff.totp_reset", member.identity.principal_id)
    assert (row.details["before"]["totp"], row.details["after"]["totp"]) == (True, False)


def _only_owners(*keep: int) -> list[int]:
    """Park every other active owner (restored by the caller), so the test sees the store's owners."""
    with db.session() as s:
        others = s.exec(select(Admin).where(Admin.staff_role == "owner", col(Admin.is_active).is_(True),
                                            col(Admin.id).not_in(keep))).all()
        parked = [a.id for a in others]
        s.exec(sa.update(Admin).where(col(Admin.id).in_(parked)).values(is_active=False))
        s.commit()
    return parked  # type: ignore[return-value]


def test_the_last_active_owner_cannot_be_demoted_or_disabled(database_url: str) -> None:
    first, second = new_staff("owner"), new_staff("owner")
    parked = _only_owners(first.identity.principal_id, second.identity.principal_id)
    try:
        staff.change_role(second.identity, first.identity.principal_id, "support", ip=None)  # two owners: fine
        last = second.identity.principal_id
        with pytest.raises(errors.LastOwner):
            staff.change_role(second.identity, last, "operations", ip=None)
        with pytest.raises(errors.LastOwner):
            staff.set_active(second.identity, last, False, ip=None)
        with db.session() as s:
            assert (s.get(Admin, last).staff_role, s.get(Admin, last).is_active) == ("owner", True)  # type: ignore[union-attr]
        with pytest.raises(NotPermitted):  # the demoted owner has lost the right at once
            staff.change_role(first.identity, first.identity.principal_id, "owner", ip=None)
    finally:
        with db.session() as s:
            s.exec(sa.update(Admin).where(col(Admin.id).in_(parked)).values(is_active=True))
            s.commit()


def test_an_unknown_role_and_a_taken_address_are_refused(database_url: str) -> None:
    owner = new_staff("owner")
    with pytest.raises(errors.InvalidStaffRole):
        staff.invite_staff(owner.identity, _address(), "superuser", ip=None)
    with pytest.raises(errors.StaffExists):
        staff.invite_staff(owner.identity, owner.identity.email, "support", ip=None)
