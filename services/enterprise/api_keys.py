"""Business API keys: created and revoked by company admins, shown once, kept as a SHA-256, rate-limited.

A key reads `esk_live_<key_id>_<secret>`. `key_id` (12 characters of lowercase base32) finds the row
through a unique index; the secret (32 random bytes) is compared with the stored SHA-256 in constant
time, so the lookup leaks nothing about the secret. Every authenticated request also takes a token
from the key's rate limit, a GCRA in one guarded `UPDATE` of the key's row (the row lock serialises
concurrent requests, so every process shares the limit without Redis), and stamps `last_used_at`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from services.accounts.sessions import Identity
from services.core import db
from services.core.models import ApiKey, ApiScope, EnterpriseAccount, EnterpriseUser, Role
from services.core.settings import get_settings
from services.enterprise.audit import record
from services.enterprise.companies import _company_admin
from services.enterprise.errors import (
    ApiKeyInvalid,
    ApiKeyNotFound,
    ApiKeyRevoked,
    ApiRateLimited,
    ApiScopeMissing,
    CompanyInactive,
    InvalidApiKeyRequest,
)
from services.enterprise.links import utcnow

PREFIX = "esk_live_"
KEY_ID_LENGTH = 12
MAX_TOKEN = 120
MAX_NAME = 100
MAX_ACTIVE_KEYS = 20
SCOPES = tuple(scope.value for scope in ApiScope)
# What a key may do inside the company, as company roles, for the services the API calls (each endpoint
# checks its scope first): read is finance's reading and exports, order and distribute are operations'.
SCOPE_ROLES = {"read": "finance", "order": "operations", "distribute": "operations"}


@dataclass(frozen=True)
class ApiKeyView:
    id: int
    name: str
    prefix: str  # `esk_live_<key_id>`: enough to recognise a key, useless without the secret
    scopes: tuple[str, ...]
    created_by: str  # the admin's email, "" when that user is gone
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


@dataclass(frozen=True)
class CreatedApiKey:
    key: ApiKeyView
    secret: str  # the whole key, shown once and never stored


@dataclass(frozen=True)
class ApiCaller:
    """A request's caller: the company and powers of the key, and an identity for the services."""

    company_id: int
    key_pk: int
    key_id: str
    scopes: tuple[str, ...]
    identity: Identity


def hash_secret(secret: str) -> str:
    return hashlib.sha256(b"api-key:" + secret.encode()).hexdigest()


def _new_key_id() -> str:
    return base64.b32encode(secrets.token_bytes(10)).decode().lower()[:KEY_ID_LENGTH]


def parse_key(token: str) -> tuple[str, str] | None:
    """(key_id, secret) of a well-formed key, else None."""
    if not token or len(token) > MAX_TOKEN or not token.startswith(PREFIX):
        return None
    rest = token[len(PREFIX):]
    key_id, sep, secret = rest[:KEY_ID_LENGTH], rest[KEY_ID_LENGTH:KEY_ID_LENGTH + 1], rest[KEY_ID_LENGTH + 1:]
    if sep != "_" or len(secret) < 20 or not key_id.isalnum():
        return None
    return key_id, secret


def _view(key: ApiKey, created_by: str | None) -> ApiKeyView:
    return ApiKeyView(id=key.id, name=key.name, prefix=PREFIX + key.key_id, scopes=tuple(key.scopes),  # type: ignore[arg-type]
                      created_by=created_by or "", created_at=key.created_at,  # type: ignore[arg-type]
                      last_used_at=key.last_used_at, revoked_at=key.revoked_at)


def _clean_request(name: str, scopes: list[str] | tuple[str, ...]) -> tuple[str, list[str]]:
    name = " ".join(str(name).split())
    wanted = sorted({str(scope) for scope in scopes})
    if not name or len(name) > MAX_NAME:
        raise InvalidApiKeyRequest("a key needs a name of at most 100 characters")
    if not wanted or not set(wanted) <= set(SCOPES):
        raise InvalidApiKeyRequest(f"scopes must be some of {SCOPES}")
    return name, wanted


def create_key(identity: Identity, name: str, scopes: list[str] | tuple[str, ...], *, ip: str | None) -> CreatedApiKey:
    """A new key of the caller's company (company admins only); its secret is in the result only."""
    company_id = _company_admin(identity)
    name, wanted = _clean_request(name, scopes)
    key_id, secret = _new_key_id(), secrets.token_urlsafe(32)
    with db.session() as s, s.begin():
        company = s.get(EnterpriseAccount, company_id, with_for_update=True)  # serialises the count below
        if company is None or company.status != "active":
            raise CompanyInactive("the company is not active")
        active = s.exec(select(func.count()).select_from(ApiKey).where(col(ApiKey.enterprise_account_id) == company_id)
                        .where(col(ApiKey.revoked_at).is_(None))).one()
        if active >= MAX_ACTIVE_KEYS:
            raise InvalidApiKeyRequest(f"a company has at most {MAX_ACTIVE_KEYS} active keys")
        key = ApiKey(enterprise_account_id=company_id, key_id=key_id, secret_hash=hash_secret(secret), name=name,
                     scopes=wanted, created_by_id=identity.principal_id)
        s.add(key)
        s.flush()
        s.refresh(key)
        record(s, company_id, actor_id=identity.principal_id, action="api_key_created", entity_type="api_key",
               entity_id=key.id, ip=ip,  # type: ignore[arg-type]
               details={"entity": "api_key", "before": {}, "after": {"name": name, "prefix": PREFIX + key_id,
                                                                   "scopes": wanted}})
        view = _view(key, identity.email)
    return CreatedApiKey(view, f"{PREFIX}{key_id}_{secret}")


def list_keys(identity: Identity) -> list[ApiKeyView]:
    """The caller's company's keys, active first, newest first (company admins only)."""
    company_id = _company_admin(identity)
    with db.session() as s:
        rows = s.exec(select(ApiKey, EnterpriseUser.email)
                      .join(EnterpriseUser, col(EnterpriseUser.id) == ApiKey.created_by_id, isouter=True)
                      .where(col(ApiKey.enterprise_account_id) == company_id)
                      .order_by(col(ApiKey.revoked_at).is_not(None), col(ApiKey.id).desc())).all()
        return [_view(key, email) for key, email in rows]


def revoke_key(identity: Identity, key_pk: int, *, ip: str | None) -> ApiKeyView:
    """Revoke a key of the caller's company at once (company admins only); revoking twice changes nothing."""
    company_id = _company_admin(identity)
    with db.session() as s, s.begin():
        key = s.exec(select(ApiKey).where(col(ApiKey.id) == key_pk)
                     .where(col(ApiKey.enterprise_account_id) == company_id).with_for_update()).first()
        if key is None:
            raise ApiKeyNotFound(f"no key {key_pk} in company {company_id}")
        if key.revoked_at is None:
            key.revoked_at = utcnow()
            record(s, company_id, actor_id=identity.principal_id, action="api_key_revoked", entity_type="api_key",
                   entity_id=key_pk, ip=ip,
                   details={"entity": "api_key", "before": {"revoked": False},
                            "after": {"revoked": True, "name": key.name, "prefix": PREFIX + key.key_id}})
        creator = s.get(EnterpriseUser, key.created_by_id) if key.created_by_id else None
        return _view(key, creator.email if creator else None)


def _take_token(s: Session, key_pk: int, now: dt.datetime) -> int:
    """Count one request against the key's limit (GCRA); 0 when allowed, else the seconds to wait."""
    per_minute = get_settings().api_rate_limit_per_minute
    interval = dt.timedelta(seconds=60 / per_minute)
    tolerance = interval * (per_minute - 1)  # a burst of `per_minute` requests, then one per interval
    tat = sa.func.greatest(sa.func.coalesce(ApiKey.rate_tat, now), now)
    taken = s.exec(sa.update(ApiKey).where(col(ApiKey.id) == key_pk)
                   .where(sa.or_(col(ApiKey.rate_tat).is_(None), col(ApiKey.rate_tat) <= now + tolerance))
                   .values(rate_tat=tat + interval, last_used_at=now).returning(ApiKey.id)).first()
    if taken is not None:
        return 0
    current = s.exec(select(ApiKey.rate_tat).where(col(ApiKey.id) == key_pk)).one()
    return max(1, math.ceil((current - tolerance - now).total_seconds()))  # type: ignore[operator]


def _caller(key: ApiKey, company: EnterpriseAccount) -> ApiCaller:
    scopes = tuple(key.scopes)
    roles = tuple(sorted({SCOPE_ROLES[scope] for scope in scopes if scope in SCOPE_ROLES}))
    identity = Identity(role=Role.ENTERPRISE, principal_id=key.created_by_id, email=f"api-key:{key.key_id}",  # type: ignore[arg-type]
                        display_name=f"API key {key.name}", session_id=0, roles=roles, company_id=company.id)
    return ApiCaller(company_id=company.id, key_pk=key.id, key_id=key.key_id, scopes=scopes,  # type: ignore[arg-type]
                     identity=identity)


_DUMMY_HASH = hash_secret("no such key")


def authenticate(token: str, scope: str, *, now: dt.datetime | None = None) -> ApiCaller:
    """The caller of a request bearing `token` that needs `scope`. Raises `ApiKeyInvalid`, `ApiKeyRevoked`
    (401), `ApiRateLimited` (429), `CompanyInactive` or `ApiScopeMissing` (403). A refused scope or a
    suspended company still counts against the rate limit."""
    parsed, now = parse_key(token), now or utcnow()
    if parsed is None:
        raise ApiKeyInvalid("malformed API key")
    with db.session() as s, s.begin():
        found = s.exec(select(ApiKey, EnterpriseAccount)
                       .join(EnterpriseAccount, col(EnterpriseAccount.id) == ApiKey.enterprise_account_id)
                       .where(col(ApiKey.key_id) == parsed[0])).first()
        matches = hmac.compare_digest(found[0].secret_hash if found else _DUMMY_HASH, hash_secret(parsed[1]))
        if found is None or not matches:
            raise ApiKeyInvalid("unknown API key")
        key, company = found
        if key.revoked_at is not None or key.created_by_id is None:  # a key acts as its admin, who must exist
            raise ApiKeyRevoked("the API key was revoked")
        wait, caller = _take_token(s, key.id, now), _caller(key, company)  # type: ignore[arg-type]
        suspended = company.status != "active"
    if wait:
        raise ApiRateLimited(wait)
    if suspended:
        raise CompanyInactive("the company is suspended")
    if scope not in caller.scopes:
        raise ApiScopeMissing(f"the key lacks the {scope} scope", scope=scope)
    return caller
