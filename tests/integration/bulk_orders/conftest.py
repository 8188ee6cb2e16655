"""Bulk order fixtures: the shared order world (a synced catalogue, the simulators) and companies."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from providers.registry import ProviderRegistry
from services.accounts.sessions import Identity
from services.core import db
from services.core.models import EnterpriseAccount, Package, Role
from services.enterprise import provisioning, purchasing
from services.enterprise.bulk import BulkLine
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


async def company_with_esims(plan: Package, registry: ProviderRegistry, quantity: int,  # noqa: F811
                             credit_cents: int) -> tuple[Identity, list[str]]:
    """A new company with `credit_cents` of credit that bought `quantity` eSIMs of `plan` on account,
    provisioned; the company and the eSIMs' references."""
    who = new_company(credit_limit_cents=credit_cents)
    view = purchasing.place(who, [BulkLine(plan.id, quantity)], payment="account", key=uuid.uuid4().hex)  # type: ignore[arg-type]
    assert (await provisioning.provision(view.id, registry=registry)).ready == quantity
    with db.get_engine().connect() as conn:
        refs = list(conn.execute(sa.text("SELECT e.display_id FROM esims e JOIN orders o ON o.id = e.order_id"
                                         " WHERE o.bulk_order_id = :b ORDER BY e.id"), {"b": view.id}).scalars())
    return who, refs


def total_mb(refs: list[str]) -> list[int]:
    """The data allowance of each eSIM in `refs`, in their order."""
    with db.get_engine().connect() as conn:
        return list(conn.execute(sa.text("SELECT total_mb FROM esims WHERE display_id = ANY(:r) ORDER BY id"),
                                 {"r": refs}).scalars())
