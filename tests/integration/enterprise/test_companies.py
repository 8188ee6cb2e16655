"""Companies, their users and roles: invitations, password links, sign-in, team scoping, audit."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from services.accounts import errors as account_errors
from services.accounts import passwords, sessions
from services.core import db
from services.core.models import AuditLog, EnterpriseAccount, EnterpriseToken, EnterpriseUser
from services.enterprise import companies, errors, links
from tests.integration.enterprise.conftest import PASSWORD, emails_to, latest_link
from tests.support.tabs import SignedIn, exchange


def _admin(email: str, ip: str, company: str = "Acme Travel") -> SignedIn:
    """A company created as `esim create-enterprise` does, its admin's password set from the email."""
    companies.create_company(company, email)
    links.set_password(latest_link(email), PASSWORD, ip=ip)
    return exchange(passwords.login_with_password("enterprise", email, PASSWORD, ip=ip, user_agent=None))


def _member(admin: SignedIn, role: str, ip: str) -> SignedIn:
    address = f"m-{uuid.uuid4().hex[:10]}@example.com"
    companies.invite_user(admin.identity, address, role, ip=ip)
    links.set_password(latest_link(address), PASSWORD, ip=ip)
    return exchange(passwords.login_with_password("enterprise", address, PASSWORD, ip=ip, user_agent=None))


def _audit(company_id: int) -> list[str]:
    with db.session() as s:
        return [a.action for a in s.exec(select(AuditLog).where(AuditLog.enterprise_account_id == company_id)
                                         .order_by(col(AuditLog.id)))]


def test_a_new_company_has_an_admin_without_password_invited_by_email(email: str, ip: str) -> None:
    created = companies.create_company("  Acme   Travel ", email.upper())
    with db.session() as s:
        company, user = s.get(EnterpriseAccount, created.company_id), s.get(EnterpriseUser, created.admin_user_id)
        token_row = s.exec(select(EnterpriseToken).where(EnterpriseToken.enterprise_user_id == user.id)).one()
    assert company.company_name == "Acme Travel" and company.status == "active"
    assert user.email == email and user.role == "admin" and user.password_hash is None
    assert [m.template for m in emails_to(email)] == ["enterprise_invite"]
    token = latest_link(email)
    assert token_row.token_hash == links.hash_token(token) and token not in token_row.token_hash
    assert dt.timedelta(hours=71) < token_row.expires_at - token_row.created_at <= dt.timedelta(hours=72)
    with pytest.raises(account_errors.InvalidCredentials):  # no password yet: nothing signs in
        passwords.login_with_password("enterprise", email, PASSWORD, ip=ip, user_agent=None)
    assert links.check_link(token).email == email


def test_the_invitation_works_once_then_the_user_signs_in_with_their_role(email: str, ip: str) -> None:
    created = companies.create_company("Acme Travel", email)
    token = latest_link(email)
    with pytest.raises(account_errors.PasswordTooShort):
        links.set_password(token, "short", ip=ip)
    assert links.set_password(token, PASSWORD, ip=ip) == email
    with pytest.raises(errors.InvalidLink):
        links.set_password(token, PASSWORD + "!", ip=ip)
    with pytest.raises(errors.InvalidLink):
        links.check_link(token)
    with db.session() as s:
        assert s.get(EnterpriseUser, created.admin_user_id).password_hash.startswith("$2b$12$")
    new = exchange(passwords.login_with_password("enterprise", email, PASSWORD, ip=ip, user_agent=None))
    resolved = sessions.resolve_session(new.token)
    assert resolved.org_id == created.company_id and resolved.roles == ("admin",)
    assert resolved.principal_id == created.admin_user_id
    assert _audit(created.company_id) == ["company_created", "password_set", "login"]


def test_an_invitation_expires_after_72_hours(email: str, ip: str) -> None:
    companies.create_company("Acme Travel", email)
    token = latest_link(email)
    with db.get_engine().begin() as conn:
        conn.execute(sa.update(EnterpriseToken).where(EnterpriseToken.token_hash == links.hash_token(token))
                     .values(expires_at=sa.func.now() - sa.text("interval '1 second'")))
    with pytest.raises(errors.InvalidLink):
        links.set_password(token, PASSWORD, ip=ip)


def test_a_reset_reveals_nothing_works_once_and_signs_out(email: str, ip: str) -> None:
    admin = _admin(email, ip)
    stranger = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    assert links.request_reset(stranger, ip=ip) is None and links.request_reset(email, ip=ip) is None
    assert emails_to(stranger) == []
    token = latest_link(email, "reset")
    assert links.check_link(token).purpose == "reset"
    links.set_password(token, "a brand new long passphrase", ip=ip)
    assert sessions.resolve_session(admin.token) is None  # the old session ended with the reset
    with pytest.raises(errors.InvalidLink):
        links.set_password(token, "another new long passphrase", ip=ip)
    passwords.login_with_password("enterprise", email, "a brand new long passphrase", ip=ip, user_agent=None)
    assert "password_reset" in _audit(admin.identity.org_id)


def test_a_suspended_company_is_refused_and_its_users_signed_out(email: str, ip: str) -> None:
    admin = _admin(email, ip)
    with db.get_engine().begin() as conn:
        conn.execute(sa.update(EnterpriseAccount).where(EnterpriseAccount.id == admin.identity.org_id)
                     .values(status="suspended"))
    assert sessions.resolve_session(admin.token) is None
    with pytest.raises(account_errors.AccountDisabled):
        passwords.login_with_password("enterprise", email, PASSWORD, ip=ip, user_agent=None)
    links.request_reset(email, ip=ip)
    assert [m.template for m in emails_to(email)] == ["enterprise_invite"]  # no reset mail either


def test_an_admin_invites_and_changes_roles_and_a_viewer_cannot(email: str, ip: str) -> None:
    admin = _admin(email, ip)
    viewer = _member(admin, "viewer", ip)
    assert sessions.resolve_session(viewer.token).roles == ("viewer",)
    with pytest.raises(errors.NotAllowed):
        companies.invite_user(sessions.resolve_session(viewer.token), "x@example.com", "admin", ip=ip)
    with pytest.raises(errors.NotAllowed):
        companies.list_team(sessions.resolve_session(viewer.token))
    with pytest.raises(errors.InvalidRole):
        companies.invite_user(admin.identity, "y@example.com", "owner", ip=ip)
    with pytest.raises(errors.UserExists):
        companies.invite_user(admin.identity, viewer.identity.email, "finance", ip=ip)
    companies.change_role(admin.identity, viewer.identity.principal_id, "operations", ip=ip)
    assert sessions.resolve_session(viewer.token).roles == ("operations",)  # at the next event
    with pytest.raises(errors.NotAllowed):
        companies.change_role(admin.identity, admin.identity.principal_id, "viewer", ip=ip)
    team = companies.list_team(admin.identity)
    assert [(m.email, m.role, m.status) for m in team] == [
        (email, "admin", "active"), (viewer.identity.email, "operations", "active")]
    actions = _audit(admin.identity.org_id)
    assert actions.count("user_invited") == 1 and actions.count("role_changed") == 1


def test_a_user_of_one_company_never_reaches_anothers_team(email: str, ip: str) -> None:
    acme = _admin(email, ip)
    globex = _admin(f"g-{uuid.uuid4().hex[:10]}@example.com", ip, company="Globex")
    globex_member = _member(globex, "viewer", ip)
    assert {m.email for m in companies.list_team(acme.identity)} == {email}
    with pytest.raises(errors.UserNotFound):  # another company's user id, sent by a hostile page
        companies.change_role(acme.identity, globex_member.identity.principal_id, "admin", ip=ip)
    assert sessions.resolve_session(globex_member.token).roles == ("viewer",)
    with pytest.raises(errors.NotAllowed):  # a customer or a stranger is no company admin
        companies.list_team(sessions.Identity(role="customer", principal_id=acme.identity.principal_id,
                                              email=email, display_name="x", session_id=0))
