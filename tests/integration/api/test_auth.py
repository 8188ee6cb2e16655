"""Who may call the business API: no key, a wrong or revoked key, a key without the scope, a suspended
company (each a JSON refusal with a stable code, never a 500), and the rate limit per key (429 + Retry-After)."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import select

from services.core import db, get_settings
from services.core.models import ApiKey, AuditLog, EnterpriseAccount
from services.enterprise import api_keys
from tests.support.business_api import Company, bearer, make_company, new_key

CATALOG = ("/catalog", {"destination": "JP"})


def _get(client: httpx.Client, headers: dict[str, str]) -> httpx.Response:
    return client.get(CATALOG[0], params=CATALOG[1], headers=headers)


@pytest.mark.parametrize(("headers", "code"), [
    ({}, "api_key_invalid"),
    ({"Authorization": "Basic dXNlcjpwYXNz"}, "api_key_invalid"),
    ({"Authorization": "Bearer esk_live_nonsense"}, "api_key_invalid"),
    ({"Authorization": "Bearer esk_live_aaaaaaaaaaaa_" + "x" * 43}, "api_key_invalid"),
])
def test_no_key_or_a_bad_key_is_a_401_with_a_challenge(client: httpx.Client, headers: dict, code: str) -> None:
    answer = _get(client, headers)
    assert answer.status_code == 401
    assert answer.json()["error"] == code and answer.json()["message"]
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert answer.headers["cache-control"] == "no-store"


def test_a_right_key_id_with_a_wrong_secret_is_refused(client: httpx.Client, acme: Company) -> None:
    key_id, _ = api_keys.parse_key(acme.keys["read"])  # type: ignore[misc]
    answer = _get(client, bearer(f"esk_live_{key_id}_{'y' * 43}"))
    assert answer.status_code == 401 and answer.json()["error"] == "api_key_invalid"


def test_a_revoked_key_is_a_401(client: httpx.Client, acme: Company) -> None:
    answer = _get(client, bearer(acme.keys["revoked"]))
    assert answer.status_code == 401 and answer.json()["error"] == "api_key_revoked"


@pytest.mark.parametrize("scope", ["order", "distribute"])
def test_a_key_without_the_scope_is_a_403_naming_it(client: httpx.Client, acme: Company, scope: str) -> None:
    answer = _get(client, bearer(acme.keys[scope]))
    assert answer.status_code == 403
    assert answer.json()["error"] == "api_scope_missing" and "'read'" in answer.json()["message"]


def test_a_suspended_company_is_a_403_until_it_is_active_again(client: httpx.Client) -> None:
    company = make_company("Initech")
    assert _get(client, bearer(company.keys["all"])).status_code == 200
    _set_status(company.id, "suspended")
    answer = _get(client, bearer(company.keys["all"]))
    assert answer.status_code == 403 and answer.json()["error"] == "enterprise_company_inactive"
    _set_status(company.id, "active")
    assert _get(client, bearer(company.keys["all"])).status_code == 200


def _set_status(company_id: int, status: str) -> None:
    with db.session() as s:
        s.get(EnterpriseAccount, company_id).status = status  # type: ignore[union-attr]
        s.commit()


def test_keys_are_stored_hashed_and_used_keys_are_stamped(client: httpx.Client, acme: Company) -> None:
    key = new_key(acme.admin, "read")
    key_id, secret = api_keys.parse_key(key)  # type: ignore[misc]
    assert _get(client, bearer(key)).status_code == 200
    with db.session() as s:
        row = s.exec(select(ApiKey).where(ApiKey.key_id == key_id)).one()
    assert secret not in row.secret_hash and row.secret_hash == api_keys.hash_secret(secret)
    assert row.last_used_at is not None


def test_creating_and_revoking_are_in_the_company_audit_log(acme: Company) -> None:
    created = api_keys.create_key(acme.admin, "audited", ["read"], ip="10.1.2.3")
    api_keys.revoke_key(acme.admin, created.key.id, ip="10.1.2.3")
    with db.session() as s:
        rows = s.exec(select(AuditLog).where(AuditLog.entity_type == "api_key")
                      .where(AuditLog.entity_id == str(created.key.id)).order_by(AuditLog.id)).all()
    assert [r.action for r in rows] == ["api_key_created", "api_key_revoked"]
    assert all(r.enterprise_account_id == acme.id and r.ip == "10.1.2.3" for r in rows)
    assert created.secret not in str([r.details for r in rows])


def test_past_the_rate_limit_a_key_gets_429_with_retry_after(client: httpx.Client, acme: Company,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    key, other = new_key(acme.admin, "read"), new_key(acme.admin, "read")
    monkeypatch.setenv("API_RATE_LIMIT_PER_MINUTE", "3")
    get_settings.cache_clear()
    try:
        statuses = [_get(client, bearer(key)).status_code for _ in range(3)]
        refused = _get(client, bearer(key))
        other_key = _get(client, bearer(other))
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429 and refused.json()["error"] == "api_rate_limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 20  # one request per 20 s at 3 a minute
    assert other_key.status_code == 200  # the limit is per key


def test_concurrent_requests_never_exceed_the_limit(client: httpx.Client, acme: Company,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures import ThreadPoolExecutor

    key = new_key(acme.admin, "read")
    monkeypatch.setenv("API_RATE_LIMIT_PER_MINUTE", "5")
    get_settings.cache_clear()
    try:
        with ThreadPoolExecutor(max_workers=10) as pool:
            statuses = list(pool.map(lambda _: _get(client, bearer(key)).status_code, range(20)))
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert sorted(statuses) == [200] * 5 + [429] * 15
