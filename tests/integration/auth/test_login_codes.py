"""Customers sign in with an emailed six-digit code."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from sqlmodel import col, func, select

from esim_app.errors import message_for
from services.accounts import codes, errors, sessions
from services.core import ServiceError, db
from services.core.models import AuthSession, EmailOutbox, LoginAttempt, LoginCode, User
from tests.integration.auth.conftest import latest_code


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def _users(address: str) -> list[User]:
    with db.session() as s:
        return list(s.exec(select(User).where(User.email == address)).all())


def test_code_from_the_email_signs_a_new_customer_in(email: str, ip: str) -> None:
    # given a code requested for an address with mixed case
    codes.request_login_code(email.upper().replace("@EXAMPLE.COM", "@Example.com"), ip=ip)
    code = latest_code(email)
    # when it is entered
    new = codes.verify_login_code(email, f" {code[:3]} {code[3:]} ", ip=ip, user_agent="Firefox")
    # then a verified customer exists, and the token resolves to them
    (user,) = _users(email)
    assert user.is_verified
    assert new.identity.role == "customer" and new.identity.principal_id == user.id
    assert new.identity.email == email and new.identity.org_id is None
    started = sessions.exchange_ticket(new.ticket)
    assert sessions.resolve_session(started.token) == new.identity
    assert started.expires_at - dt.datetime.now(dt.UTC) > dt.timedelta(days=29)


def test_the_email_says_how_long_the_code_lives(email: str, ip: str) -> None:
    codes.request_login_code(email, ip=ip)
    with db.session() as s:
        mail = s.exec(select(EmailOutbox).where(EmailOutbox.to_address == email)).one()
    code = latest_code(email)
    assert "valid for 5 minutes" in mail.text_body and "valid for 5 minutes" in mail.html_body
    assert "did not ask" in mail.text_body and code in mail.html_body
    assert code not in mail.subject


def test_only_a_hash_of_the_code_is_stored(email: str, ip: str) -> None:
    codes.request_login_code(email, ip=ip)
    with db.session() as s:
        stored = s.exec(select(LoginCode).where(LoginCode.email == email)).one()
    assert latest_code(email) not in stored.code_hash
    assert stored.expires_at - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=5)


def test_a_wrong_code_is_refused(email: str, ip: str) -> None:
    codes.request_login_code(email, ip=ip)
    with pytest.raises(errors.InvalidCode) as refused:
        codes.verify_login_code(email, _wrong(latest_code(email)), ip=ip, user_agent=None)
    assert "wrong or has expired" in message_for(refused.value)
    assert _users(email) == []


def test_the_sixth_check_is_refused_even_with_the_right_code(email: str, ip: str) -> None:
    codes.request_login_code(email, ip=ip)
    code = latest_code(email)
    for _ in range(5):
        with pytest.raises(errors.InvalidCode):
            codes.verify_login_code(email, _wrong(code), ip=ip, user_agent=None)
    with pytest.raises(errors.TooManyAttempts) as refused:
        codes.verify_login_code(email, code, ip=ip, user_agent=None)
    assert refused.value.code == "too_many_attempts"


def test_the_right_code_after_four_wrong_ones_still_works(email: str, ip: str) -> None:
    codes.request_login_code(email, ip=ip)
    code = latest_code(email)
    for _ in range(4):
        with pytest.raises(errors.InvalidCode):
            codes.verify_login_code(email, _wrong(code), ip=ip, user_agent=None)
    assert codes.verify_login_code(email, code, ip=ip, user_agent=None).identity.email == email


def test_an_expired_code_is_refused(email: str, ip: str) -> None:
    codes.request_login_code(email, ip=ip)
    with db.get_engine().begin() as conn:  # five minutes and a second later
        conn.execute(sa.update(LoginCode).where(LoginCode.email == email)
                     .values(expires_at=sa.func.now() - sa.text("interval '1 second'")))
    with pytest.raises(errors.InvalidCode):
        codes.verify_login_code(email, latest_code(email), ip=ip, user_agent=None)


def test_a_code_works_once(email: str, ip: str) -> None:
    codes.request_login_code(email, ip=ip)
    code = latest_code(email)
    codes.verify_login_code(email, code, ip=ip, user_agent=None)
    with pytest.raises(errors.InvalidCode):
        codes.verify_login_code(email, code, ip=ip, user_agent=None)


def test_a_new_code_replaces_the_earlier_one(email: str, ip: str) -> None:
    codes.request_login_code(email, ip=ip)
    first = latest_code(email)
    codes.request_login_code(email, ip=ip)
    second = latest_code(email)
    if first != second:
        with pytest.raises(errors.InvalidCode):
            codes.verify_login_code(email, first, ip=ip, user_agent=None)
    assert codes.verify_login_code(email, second, ip=ip, user_agent=None).identity.email == email


def _emails_to(address: str) -> int:
    with db.session() as s:
        return s.exec(select(func.count()).where(EmailOutbox.to_address == address)).one()


def test_one_requester_cannot_use_up_an_addresses_sign_in_emails(email: str) -> None:
    # given someone who asked for five codes for another person's address from one IP
    for _ in range(5):
        codes.request_login_code(email, ip="10.200.0.1")
    # then they get no more for an hour
    with pytest.raises(errors.RateLimited) as refused:
        codes.request_login_code(email, ip="10.200.0.1")
    assert 59 * 60 < refused.value.retry_after_seconds <= 60 * 60
    assert refused.value.params == {"minutes": 60} and "Try again in 60 min." in message_for(refused.value)
    # but the owner, asking from their own address, still gets a code
    codes.request_login_code(email, ip="10.200.0.2")
    assert _emails_to(email) == 6


def test_sign_in_emails_to_one_address_are_capped_whoever_asks(email: str) -> None:
    for n in range(15):
        codes.request_login_code(email, ip=f"10.200.1.{n}")
    with pytest.raises(errors.RateLimited):
        codes.request_login_code(email, ip="10.200.1.99")
    assert _emails_to(email) == 15


def _fail_checks(email: str, count: int, *, seconds_ago: float = 0) -> None:
    """`count` failed code checks of `email`, from many IPs, the last one `seconds_ago`."""
    moment = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds_ago)
    with db.session() as s:
        s.add_all(LoginAttempt(kind="code_check", email=email, ip=f"10.210.{n}.1", succeeded=False,
                               created_at=moment - dt.timedelta(seconds=n)) for n in range(count))
        s.commit()


def test_failed_checks_of_an_address_slow_further_checks_down(email: str, ip: str) -> None:
    # given twelve failed checks of the address from many IPs, the last one just now
    codes.request_login_code(email, ip=ip)
    _fail_checks(email, 12)
    # then even the right code waits, briefly, without spending one of the code's checks
    with pytest.raises(errors.RateLimited) as refused:
        codes.verify_login_code(email, latest_code(email), ip=ip, user_agent=None)
    assert 1 <= refused.value.retry_after_seconds <= 8


def test_the_backoff_is_a_wait_not_a_lockout(email: str, ip: str) -> None:
    # given a hundred failed checks by strangers, the last one a minute ago
    codes.request_login_code(email, ip=ip)
    _fail_checks(email, 100, seconds_ago=61)
    # then the owner's right code works
    assert codes.verify_login_code(email, latest_code(email), ip=ip, user_agent=None).identity.email == email


def test_code_requests_are_limited_per_ip(ip: str, database_url: str) -> None:
    for n in range(20):
        codes.request_login_code(f"ip-limit-{n}-{ip}@example.com", ip=ip)
    with pytest.raises(errors.RateLimited):
        codes.request_login_code(f"one-more-{ip}@example.com", ip=ip)
    codes.request_login_code(f"one-more-{ip}@example.com", ip="10.201.0.1")  # another IP is served


def test_failed_checks_are_limited_per_ip_even_for_the_right_code(email: str, ip: str) -> None:
    codes.request_login_code(email, ip=ip)
    with db.session() as s:  # 30 failures from this IP in the last minutes, over other addresses
        s.add_all(LoginAttempt(kind="code_check", email=f"{n}@example.com", ip=ip, succeeded=False,
                               created_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=n % 10))
                  for n in range(30))
        s.commit()
    with pytest.raises(errors.RateLimited) as refused:
        codes.verify_login_code(email, latest_code(email), ip=ip, user_agent=None)
    assert 5 * 60 < refused.value.retry_after_seconds <= 15 * 60
    assert codes.verify_login_code(email, latest_code(email), ip="10.202.0.1", user_agent=None)


def test_known_and_unknown_addresses_get_the_same_response(email: str, ip: str, sign_in) -> None:
    # given one address with an account and one without
    sign_in(email)
    unknown = "nobody-" + email
    # when both ask for a code
    results = [codes.request_login_code(address, ip=ip) for address in (email, unknown)]
    # then both get the same answer and the same email, and no account is created by asking
    assert results == [email, unknown]
    with db.session() as s:
        mails = [s.exec(select(EmailOutbox).where(EmailOutbox.to_address == a)
                        .order_by(col(EmailOutbox.id).desc())).first() for a in (email, unknown)]
    assert mails[0].subject == mails[1].subject and mails[0].template == mails[1].template
    assert _users(unknown) == []


def test_an_invalid_address_is_refused(ip: str, database_url: str) -> None:
    with pytest.raises(errors.InvalidEmail):
        codes.request_login_code("not an email", ip=ip)


def test_two_concurrent_checks_of_one_code_make_one_session(email: str, ip: str) -> None:
    codes.request_login_code(email, ip=ip)
    code = latest_code(email)
    barrier = threading.Barrier(4)

    def verify(_: int) -> sessions.NewSession | ServiceError:
        barrier.wait()
        try:
            return codes.verify_login_code(email, code, ip=ip, user_agent=None)
        except errors.InvalidCode as exc:
            return exc

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(verify, range(4)))
    assert sum(isinstance(o, sessions.NewSession) for o in outcomes) == 1
    (user,) = _users(email)
    with db.session() as s:
        assert s.exec(select(func.count()).where(AuthSession.user_id == user.id)).one() == 1


def test_the_first_sign_in_creates_the_customer_once(email: str, sign_in) -> None:
    first = sign_in(email)
    second = sign_in(email)
    assert first.identity.principal_id == second.identity.principal_id
    assert first.token != second.token and first.identity.session_id != second.identity.session_id
    assert len(_users(email)) == 1


def test_a_customer_created_elsewhere_is_reused_and_verified(email: str, sign_in) -> None:
    with db.session() as s:
        existing = User(email=email, first_name="Ada", last_name="Lovelace")
        s.add(existing)
        s.commit()
    new = sign_in(email)
    (user,) = _users(email)
    assert new.identity.principal_id == existing.id and user.is_verified
    assert new.identity.display_name == "Ada Lovelace"


def test_a_disabled_customer_is_refused_after_a_right_code(email: str, ip: str) -> None:
    with db.session() as s:
        s.add(User(email=email, is_active=False))
        s.commit()
    codes.request_login_code(email, ip=ip)
    with pytest.raises(errors.AccountDisabled):
        codes.verify_login_code(email, latest_code(email), ip=ip, user_agent=None)
