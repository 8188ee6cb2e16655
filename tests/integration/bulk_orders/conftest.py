"""Bulk order fixtures: the shared order world (a synced catalogue, the simulators) and companies."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from services.accounts.sessions import Identity
from services.core import db
from services.core.models import EnterpriseAccount, Package, Role
from tests.support.enterprise import company_user
from tests.support.orders import (  # noqa: F401  (fixtures)
    best_offer,
    calm_simulators,
    orders_db,
    registry,
    sandbox,
)
from tests.support.payments import receiver, stripe_sandbox, webhooks  # noqa: F401  (fixtures)


def identity_for(company_id: int, user_id: int, role: str = "admin") -> Identity:
    return Identity(role=Role.ENTERPRISE, principal_id=user_id, email=f"{user_id}@example.com", display_name="",
                    session_id=0, roles=(role,), company_id=company_id)


def new_company(*, credit_limit_cents: int = 0, role: str = "admin") -> Identity:
    email = f"bulk-{uuid.uuid4().hex[:10]}@example.com"
    company_id, user_id = company_user(email, "correct horse battery staple", role=role)
    with db.session() as s, s.begin():
        s.get(EnterpriseAccount, company_id).credit_limit_cents = credit_limit_cents
    return identity_for(company_id, user_id, role)


def teammate(of: Identity, role: str) -> Identity:
    email = f"mate-{uuid.uuid4().hex[:10]}@example.com"
    _, user_id = company_user(email, "correct horse battery staple", role=role, company_id=of.company_id)
    return identity_for(of.company_id, user_id, role)  # type: ignore[arg-type]


@pytest.fixture
def plan(sandbox) -> Package:  # noqa: F811
    return best_offer("airalo")


def count(sql: str, **params: object) -> int:
    with db.get_engine().connect() as conn:
        return int(conn.execute(sa.text(sql), params).scalar())
