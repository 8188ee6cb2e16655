"""Companies, their users and their eSIMs for tests, written straight to the database (no invitation email)."""

from __future__ import annotations

import datetime as dt
import uuid

from services.accounts import passwords
from services.accounts.sessions import Identity
from services.core import db
from services.core.models import EnterpriseAccount, EnterpriseUser, Esim, Order, OrderStatus, Package


def company_user(email: str, password: str, *, company: str = "Acme Travel", status: str = "active",
                 role: str = "admin", company_id: int | None = None) -> tuple[int, int]:
    """A user with a password in a new company (or in `company_id`): (company id, user id)."""
    with db.session() as s:
        if company_id is None:
            org = EnterpriseAccount(company_name=company, contact_name="", contact_email=email, status=status)
            s.add(org)
            s.flush()
            company_id = org.id
        user = EnterpriseUser(enterprise_account_id=company_id, email=email, role=role,  # type: ignore[arg-type]
                              password_hash=passwords.hash_password(password))
        s.add(user)
        s.commit()
        return company_id, user.id  # type: ignore[return-value]


def company_esims(company_id: int, count: int, *, status: str = "not_installed", used_mb: int = 0,
                  expires_at: dt.datetime | None = None, plan: str = "Japan 3 GB") -> list[str]:
    """`count` provisioned eSIMs of the company, as a bulk order leaves them (in stock); their refs.

    Each has its own activation string `LPA:1$rsp.example.com$<matching id>`."""
    tag = uuid.uuid4().hex[:10]
    with db.session() as s:
        package = Package(slug=f"biz-{tag}", provider_id="airalo", provider_package_id=f"biz-{tag}", kind="local",
                          destination_code="JP", destination_name="Japan", name=plan, data_mb=3072, validity_days=30,
                          cost_micros=4_000_000, price_cents=799, group_key=f"biz-{tag}",
                          is_enabled=False, auto_mode=False)  # off sale by hand (repricing keeps it so): no
        # storefront test may buy this made-up plan
        s.add(package)
        s.flush()
        order = Order(enterprise_account_id=company_id, package_id=package.id, quantity=count, client_reference=tag,
                      price_cents=799 * count, status=OrderStatus.COMPLETED)
        s.add(order)
        s.flush()
        esims = [Esim(order_id=order.id, enterprise_account_id=company_id, provider_id="airalo",
                      iccid=f"8944{tag}{i:06d}", lpa=f"LPA:1$rsp.example.com${tag.upper()}{i:06d}",
                      smdp_address="rsp.example.com", matching_id=f"{tag.upper()}{i:06d}", status=status,
                      used_mb=used_mb, total_mb=3072, expires_at=expires_at) for i in range(count)]
        s.add_all(esims)
        s.commit()
        return [e.display_id for e in esims]  # type: ignore[misc]


def member(role: str = "admin", *, company_id: int | None = None, company: str = "Acme Travel",
           status: str = "active") -> Identity:
    """The identity a session of a new user with `role` resolves to (in a new company unless `company_id`);
    for calling services directly (no password, no session row)."""
    email = f"{role}-{uuid.uuid4().hex[:10]}@example.com"
    with db.session() as s:
        if company_id is None:
            org = EnterpriseAccount(company_name=company, contact_name="", contact_email=email, status=status)
            s.add(org)
            s.flush()
            company_id = org.id
        user = EnterpriseUser(enterprise_account_id=company_id, email=email, role=role)  # type: ignore[arg-type]
        s.add(user)
        s.commit()
        return Identity(role="enterprise", principal_id=user.id, email=email, display_name=email,  # type: ignore[arg-type]
                        session_id=0, roles=(role,), company_id=company_id)
