"""A seeded shop for the analytics tests: orders over ~100 days in USD, EUR and JPY, top-ups,
enterprise orders, unpaid and cancelled orders, orders no provider accepted, partial and full refunds,
a stuck paid order, a failed order and a refund request waiting for review.

Rows are written directly with explicit `created_at`s (UTC), as the shop would have written them;
the dashboard must then agree with independent SQL over these rows.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass

from sqlmodel import Session

from services.accounts.sessions import Identity, staff_roles
from services.core import db
from services.core.models import Admin, EnterpriseAccount, Order, Package, PaymentRefund, RefundRequest, StaffRole, User

RATES = {"USD": 1.0, "EUR": 0.9, "JPY": 150.0}  # units per 1 USD when the order was made
STATUSES = ["completed"] * 6 + ["paid", "provisioning", "failed", "refunded", "pending", "cancelled"]
PACKAGES = [  # provider, destination code, destination name, plan name, price USD cents, cost micros
    ("alpha", "JP", "Japan", "Japan 1 GB 7 days", 500, 3_100_000),
    ("beta", "JP", "Japan", "Japan 1 GB 7 days", 520, 2_900_000),
    ("alpha", "FR", "France", "France 5 GB 30 days", 1500, 9_250_000),
    ("beta", "US", "United States", "United States 1 GB top-up", 300, 1_700_000),
]


@dataclass(frozen=True)
class Shop:
    users: list[int]
    companies: list[int]
    packages: list[int]


def _catalogue(s: Session) -> list[int]:
    packages = [Package(slug=f"an-{uuid.uuid4().hex[:8]}", provider_id=provider, provider_package_id=f"p{n}-{uuid.uuid4().hex[:6]}",
                        kind="local", destination_code=code, destination_name=name, name=plan, validity_days=7,
                        is_topup="top-up" in plan, cost_micros=cost, price_cents=price, group_key=plan)
                for n, (provider, code, name, plan, price, cost) in enumerate(PACKAGES)]
    s.add_all(packages)
    s.flush()
    return [p.id for p in packages]  # type: ignore[misc]


def _people(s: Session) -> tuple[list[int], list[int]]:
    users = [User(email=f"an{i}-{uuid.uuid4().hex[:6]}@example.com") for i in range(8)]
    companies = [EnterpriseAccount(company_name="Acme", contact_name="A", contact_email=f"co{i}-{uuid.uuid4().hex[:6]}@example.com")
                 for i in range(2)]
    s.add_all([*users, *companies])
    s.flush()
    return [u.id for u in users], [c.id for c in companies]  # type: ignore[misc]


def _order(s: Session, rng: random.Random, shop: Shop, at: dt.datetime, *, status: str | None = None) -> Order:
    n = rng.randrange(len(PACKAGES))
    provider, *_, price_usd, cost = PACKAGES[n]
    currency = rng.choice(list(RATES))
    price = round(price_usd * RATES[currency] / (100 if currency == "JPY" else 1))  # JPY has no minor unit
    base = round(price * 100 / RATES[currency]) if currency == "JPY" else round(price / RATES[currency])
    enterprise = rng.random() < 0.25
    status = status or rng.choice(STATUSES)
    accepted = status in ("completed", "refunded") or (status == "failed" and rng.random() < 0.3)
    order = Order(kind="topup" if "top-up" in PACKAGES[n][3] else "esim",
                  user_id=None if enterprise else rng.choice(shop.users),
                  enterprise_account_id=rng.choice(shop.companies) if enterprise else None,
                  package_id=shop.packages[n], provider_id=provider if status not in ("pending", "cancelled", "paid") else None,
                  provider_order_id=f"po-{uuid.uuid4().hex[:8]}" if accepted else None, client_reference=uuid.uuid4().hex,
                  cost_micros=cost, price_cents=price, currency=currency, base_price_cents=base, status=status,
                  created_at=at, updated_at=at)
    s.add(order)
    s.flush()
    return order


def _refund(s: Session, order: Order, amount: int, at: dt.datetime) -> None:
    s.add(PaymentRefund(refund_id=f"re_{uuid.uuid4().hex[:12]}", order_id=order.id, amount_cents=amount, created_at=at))


def seed_shop(now: dt.datetime, *, orders: int = 400, seed: int = 11) -> Shop:
    """Orders spread over the 100 days before `now`, some refunded after; returns the ids made."""
    rng = random.Random(seed)
    with db.session() as s, s.begin():
        users, companies = _people(s)
        shop = Shop(users, companies, _catalogue(s))
        for _ in range(orders):
            at = now - dt.timedelta(minutes=rng.randrange(100 * 24 * 60))
            order = _order(s, rng, shop, at)
            if order.status in ("completed", "refunded", "failed") and rng.random() < 0.3:
                later = min(now, at + dt.timedelta(hours=rng.randrange(1, 24 * 20)))
                amount = order.price_cents if order.status == "refunded" else rng.randrange(1, order.price_cents + 1)
                _refund(s, order, amount, later)
        stuck = _order(s, rng, shop, now - dt.timedelta(hours=2), status="paid")
        _order(s, rng, shop, now - dt.timedelta(hours=3), status="failed")
        s.add(RefundRequest(order_id=stuck.id, status="review", requested_by="customer", reason="did not work"))
    return shop


def staff(role: str = StaffRole.OWNER) -> Identity:
    """A staff member with `role` and the identity a session would resolve to."""
    with db.session() as s:
        admin = Admin(email=f"staff-{uuid.uuid4().hex[:8]}@example.com", password_hash="x", staff_role=role)
        s.add(admin)
        s.commit()
        return Identity(role="admin", principal_id=admin.id, email=admin.email, display_name="Staff",  # type: ignore[arg-type]
                        session_id=0, roles=staff_roles(role))
