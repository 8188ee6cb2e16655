"""Sessions: resolve, slide, revoke, list and purge."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import select

from services.accounts import codes, passwords, sessions
from services.core import db, get_settings
from services.core.models import AuditLog, AuthSession, EnterpriseAccount, LoginAttempt, LoginCode, User
from tests.integration.auth.conftest import latest_code
from tests.support.enterprise import company_user
from tests.support.staff import staff_sign_in
from tests.support.tabs import exchange


def _set(session_id: int, **values: object) -> None:
    with db.get_engine().begin() as conn:
        conn.execute(sa.update(AuthSession).where(AuthSession.id == session_id).values(**values))


def _row(session_id: int) -> AuthSession:
    with db.session() as s:
        return s.get(AuthSession, session_id)  # type: ignore[return-value]


def test_unknown_or_empty_tokens_resolve_to_nobody(database_url: str) -> None:
    assert sessions.resolve_session("") is None
    assert sessions.resolve_session("not-a-token") is None
    assert sessions.resolve_session("x" * 10_000) is None


def test_only_the_token_hash_is_stored(email: str, sign_in) -> None:
    new = sign_in(email)
    row = _row(new.identity.session_id)
    assert row.token_hash == sessions.hash_token(new.token) and new.token not in row.token_hash


def test_a_revoked_session_resolves_to_nobody(email: str, sign_in) -> None:
    new = sign_in(email)
    sessions.revoke_session(new.token)
    assert sessions.resolve_session(new.token) is None
    sessions.revoke_session(new.token)  # twice is harmless


def test_an_expired_session_resolves_to_nobody(email: str, sign_in) -> None:
    new = sign_in(email)
    _set(new.identity.session_id, expires_at=sa.func.now() - sa.text("interval '1 second'"))
    assert sessions.resolve_session(new.token) is None


def test_a_deactivated_customer_is_signed_out(email: str, sign_in) -> None:
    new = sign_in(email)
    with db.get_engine().begin() as conn:
        conn.execute(sa.update(User).where(User.email == email).values(is_active=False))
    assert sessions.resolve_session(new.token) is None


def test_a_suspended_enterprise_is_signed_out(email: str, ip: str) -> None:
    company_user(email, "correct horse battery", company="Acme")
    new = exchange(passwords.login_with_password("enterprise", email, "correct horse battery", ip=ip,
                                                 user_agent=None))
    with db.get_engine().begin() as conn:
        conn.execute(sa.update(EnterpriseAccount).where(EnterpriseAccount.contact_email == email)  # type: ignore[arg-type]
                     .values(status="suspended"))
    assert sessions.resolve_session(new.token) is None


def test_use_slides_a_customers_expiry_to_thirty_days(email: str, sign_in) -> None:
    new = sign_in(email)
    now = dt.datetime.now(dt.UTC)
    seen, expires = now - dt.timedelta(minutes=2), now + dt.timedelta(hours=1)
    _set(new.identity.session_id, last_seen_at=seen, expires_at=expires)
    assert sessions.resolve_session(new.token) == new.identity
    row = _row(new.identity.session_id)
    assert row.expires_at > now + dt.timedelta(days=29, hours=23)
    assert row.last_seen_at >= now


def test_use_within_a_minute_writes_nothing(email: str, sign_in) -> None:
    new = sign_in(email)
    now = dt.datetime.now(dt.UTC)
    seen, expires = now - dt.timedelta(seconds=20), now + dt.timedelta(hours=1)
    _set(new.identity.session_id, last_seen_at=seen, expires_at=expires)
    assert sessions.resolve_session(new.token) == new.identity
    row = _row(new.identity.session_id)
    assert (row.last_seen_at, row.expires_at) == (seen, expires)


def test_log_out_everywhere_ends_only_this_customers_sessions(email: str, sign_in) -> None:
    phone, laptop = sign_in(email, user_agent="phone"), sign_in(email, user_agent="laptop")
    stranger = sign_in("other-" + email)
    assert sessions.revoke_all_sessions(laptop.identity) == 2
    assert sessions.resolve_session(phone.token) is None and sessions.resolve_session(laptop.token) is None
    assert sessions.resolve_session(stranger.token) == stranger.identity
    with db.session() as s:
        (entry,) = s.exec(select(AuditLog).where(AuditLog.action == "logout_everywhere",
                                                 AuditLog.actor_id == laptop.identity.principal_id,
                                                 AuditLog.actor_type == "customer")).all()
    assert entry.details == {"sessions_ended": 2}


def test_the_profile_lists_live_sessions_and_marks_this_one(email: str, sign_in) -> None:
    phone, laptop = sign_in(email, user_agent="phone"), sign_in(email, user_agent="laptop")
    gone = sign_in(email, user_agent="old tablet")
    sessions.revoke_session(gone.token)
    views = sessions.list_sessions(laptop.identity)
    assert {v.user_agent for v in views} == {"phone", "laptop"}
    assert [v.user_agent for v in views if v.current] == ["laptop"]
    assert all(v.ip and v.created_at and v.last_seen_at for v in views)
    assert phone.identity.session_id in {v.id for v in views}


def test_purge_removes_dead_codes_attempts_and_sessions(email: str, ip: str, sign_in) -> None:
    live, revoked, expired = sign_in(email), sign_in(email), sign_in(email)
    sessions.revoke_session(revoked.token)
    _set(expired.identity.session_id, expires_at=sa.func.now() - sa.text("interval '1 second'"))
    codes.request_login_code(email, ip=ip)  # a live code stays
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    with db.session() as s:
        s.add(LoginAttempt(kind="password", email=email, ip=ip, created_at=old))
        s.commit()
    assert sessions.purge_expired() >= 5  # 3 used codes, 2 sessions, 1 attempt
    with db.session() as s:
        kept = set(s.exec(select(AuthSession.id).where(AuthSession.id.in_(  # type: ignore[union-attr]
            [live.identity.session_id, revoked.identity.session_id, expired.identity.session_id]))).all())
        left = s.exec(select(LoginCode).where(LoginCode.email == email)).all()
        attempts = s.exec(select(LoginAttempt).where(
            LoginAttempt.email == email, LoginAttempt.created_at < old + dt.timedelta(hours=1))).all()
    assert kept == {live.identity.session_id}
    assert len(left) == 1 and left[0].consumed_at is None
    assert attempts == []
    assert sessions.resolve_session(live.token) == live.identity


def test_a_sign_in_gives_a_ticket_that_is_no_session_and_works_once(email: str, ip: str) -> None:
    codes.request_login_code(email, ip=ip)
    new = codes.verify_login_code(email, latest_code(email), ip=ip, user_agent="pytest")
    assert sessions.resolve_session(new.ticket) is None  # the ticket is not a token
    assert sessions.list_sessions(new.identity) == []  # nor a session yet
    started = sessions.exchange_ticket(new.ticket)
    assert started is not None and started.role == "customer"
    assert sessions.resolve_session(started.token) == new.identity
    assert sessions.exchange_ticket(new.ticket) is None  # once only
    assert sessions.exchange_ticket(started.token) is None  # a token is not a ticket


def test_a_ticket_dies_after_a_minute(email: str, ip: str) -> None:
    codes.request_login_code(email, ip=ip)
    new = codes.verify_login_code(email, latest_code(email), ip=ip, user_agent="pytest")
    _set(new.identity.session_id, expires_at=sa.func.now() - sa.text("interval '1 second'"))
    assert sessions.exchange_ticket(new.ticket) is None


def _staff(email: str, ip: str) -> tuple[str, int]:
    """A signed-in enterprise account: (token, session id)."""
    company_user(email, "correct horse battery", company="Acme")
    new = exchange(passwords.login_with_password("enterprise", email, "correct horse battery", ip=ip,
                                                 user_agent=None))
    return new.token, new.identity.session_id


def test_an_enterprise_session_ends_after_thirty_idle_minutes(email: str, ip: str) -> None:
    token, session_id = _staff(email, ip)
    started = _row(session_id)
    assert dt.timedelta(minutes=29) < started.expires_at - started.last_seen_at <= dt.timedelta(minutes=30)
    now = dt.datetime.now(dt.UTC)
    _set(session_id, last_seen_at=now - dt.timedelta(minutes=20), expires_at=now + dt.timedelta(minutes=10))
    assert sessions.resolve_session(token) is not None  # used within the half hour: extended
    assert _row(session_id).expires_at > now + dt.timedelta(minutes=29)
    # an idle half hour ends it, whatever an older expiry says
    _set(session_id, last_seen_at=now - dt.timedelta(minutes=31), expires_at=now + dt.timedelta(days=1))
    assert sessions.resolve_session(token) is None


def test_an_admin_session_ends_twelve_hours_after_sign_in_however_busy(email: str, ip: str) -> None:
    passwords.create_admin(email, "a long admin passphrase")
    new = exchange(staff_sign_in(email, "a long admin passphrase", ip=ip))
    now = dt.datetime.now(dt.UTC)
    _set(new.identity.session_id, created_at=now - dt.timedelta(hours=11, minutes=50),
         last_seen_at=now - dt.timedelta(minutes=2))
    assert sessions.resolve_session(new.token) is not None
    assert _row(new.identity.session_id).expires_at <= now + dt.timedelta(minutes=10, seconds=5)  # the cap
    _set(new.identity.session_id, created_at=now - dt.timedelta(hours=12, seconds=1), last_seen_at=now,
         expires_at=now + dt.timedelta(minutes=30))
    assert sessions.resolve_session(new.token) is None


def test_lifetimes_come_from_the_settings(email: str, sign_in, monkeypatch) -> None:
    monkeypatch.setenv("SESSION_CUSTOMER_DAYS", "7")
    get_settings.cache_clear()
    try:
        new = sign_in(email)
        row = _row(new.identity.session_id)
        assert dt.timedelta(days=6, hours=23) < row.expires_at - row.last_seen_at <= dt.timedelta(days=7)
        _set(new.identity.session_id, last_seen_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=7, seconds=1),
             expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=20))
        assert sessions.resolve_session(new.token) is None
    finally:
        monkeypatch.delenv("SESSION_CUSTOMER_DAYS")
        get_settings.cache_clear()
