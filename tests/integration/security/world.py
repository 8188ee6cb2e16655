"""The handler inventory's world: Alice's and Acme's things, the strangers who must not reach them, and a
digest of the rows they must not change. Built once per package (tests/integration/security/conftest.py)
and shared by the handler, controls and business API sections."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa

from services.accounts import codes, passwords
from services.core import db
from services.core.models import EnterpriseAccount, Esim, Order, OrderStatus, Package, RefundRequest, RefundStatus, User
from services.enterprise import allocation as enterprise_allocation
from services.enterprise import api_keys, bulk
from services.enterprise import companies as enterprise_companies
from services.support import tickets as support
from tests.integration.auth.conftest import latest_code
from tests.integration.security.inventory_args import Refs
from tests.integration.security.quote_inventory import acme_quote
from tests.support.business_api import ACME_API_ROWS
from tests.support.enterprise import company_esims, company_user
from tests.support.staff import staff_sign_in
from tests.support.tabs import SignedIn, exchange


def _enterprise(company: str, *, company_id: int | None = None, role: str = "admin") -> SignedIn:
    email = f"{company.lower().replace(' ', '-')}-{uuid.uuid4().hex[:8]}@example.com"
    company_user(email, "correct horse battery", company=company, company_id=company_id, role=role)
    return exchange(passwords.login_with_password("enterprise", email, "correct horse battery", ip="10.9.0.1",
                                                  user_agent=None))


def _customer(name: str) -> SignedIn:
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    codes.request_login_code(email, ip=f"10.9.{len(name)}.2")
    return exchange(codes.verify_login_code(email, latest_code(email), ip="10.9.0.2", user_agent=None))


@dataclass(frozen=True)
class World:
    refs: Refs
    alice: SignedIn
    alice_id: int
    markers: tuple[str, ...]
    callers: dict[str, SignedIn]  # case name -> session
    acme_id: int
    acme_admin: SignedIn


def build_world() -> World:
    """Alice (a customer with an order, eSIM, refund request and ticket), Acme (users, eSIMs, an allocation,
    an API key, a bulk order, a quote), another customer, another company and staff of every role."""
    alice, marker = _customer("alice"), uuid.uuid4().hex
    uid = alice.identity.principal_id
    with db.session() as s:
        s.get(User, uid).first_name = f"Alice{marker[:6]}"  # type: ignore[union-attr]
        # 100 MB: the first of Japan's groups on the admin Packages page (sorted by data), however many others exist
        package = Package(slug=f"inv-{marker[:8]}", provider_id="airalo", provider_package_id=f"p-{marker[:8]}",
                          kind="local", destination_code="JP", destination_name="Japan", name="Japan 100 MB",
                          data_mb=100, validity_days=15, cost_micros=4_000_000, price_cents=799,
                          group_key=f"g-{marker[:8]}")
        s.add(package)
        s.flush()
        order = Order(user_id=uid, package_id=package.id, client_reference=marker, price_cents=799,
                      status=OrderStatus.COMPLETED)
        s.add(order)
        s.flush()
        esim = Esim(order_id=order.id, user_id=uid, provider_id="airalo", iccid=f"8944{marker[:14]}",
                    lpa=f"LPA:1$rsp.example.com${marker}", smdp_address="rsp.example.com", matching_id=marker,
                    total_mb=100)
        s.add(esim)
        s.add(RefundRequest(order_id=order.id, status=RefundStatus.REVIEW, requested_by="customer", actor_id=uid,
                            reason=f"refund {marker}", provider_outcome="unsupported"))  # in the staff queue
        s.commit()
        refs = (order.display_id, esim.display_id, s.get(User, uid).display_id)
    ticket = support.open_ticket(uid, subject=f"Private {marker[:10]}", body=f"secret {marker}").summary.ref
    callers = {"another customer": _customer("bob"), "another company": _enterprise("Globex")}
    acme_admin = _enterprise("Acme")
    member_email = f"acme-member-{marker[:8]}@example.com"
    member = enterprise_companies.invite_user(acme_admin.identity, member_email, "finance", ip=None)
    acme_esims = company_esims(acme_admin.identity.org_id, 2)  # type: ignore[arg-type]
    enterprise_allocation.assign_one(acme_admin.identity, acme_esims[1], f"Rita{marker[:6]}",
                                     f"rita-{marker[:8]}@example.com")
    callers["a viewer of Acme"] = _enterprise("Acme viewer", company_id=acme_admin.identity.org_id,
                                              role="viewer")
    passwords.create_admin(admin := f"ops-{marker[:8]}@example.com", "a long admin passphrase")
    callers["an admin"] = exchange(staff_sign_in(admin, "a long admin passphrase", ip="10.9.0.3"))
    for role in ("operations", "support", "finance"):  # staff below the role a page is for
        passwords.create_admin(address := f"{role}-{marker[:8]}@example.com", "a long admin passphrase",
                               staff_role=role)
        callers[f"{role} staff"] = exchange(staff_sign_in(address, "a long admin passphrase", ip="10.9.0.4"))
    owner_id = callers["an admin"].identity.principal_id
    acme_key = api_keys.create_key(acme_admin.identity, f"Acme key {marker[:6]}", ["read"], ip=None).key
    bulk_ref, company_ref = _acme_bulk_order(acme_admin, package_id=package.id)  # type: ignore[arg-type]
    quote = acme_quote(acme_admin, callers["an admin"], slug=f"inv-{marker[:8]}", note=f"quote {marker}")
    return World(Refs(refs[0], refs[1], ticket, refs[2], member.id, bulk_ref, company_ref, quote,
                      (acme_esims[0], acme_esims[1]), owner_id, acme_key.id, f"inv-{marker[:8]}"), alice, uid,
                 (marker, marker[:10], f"Alice{marker[:6]}", alice.identity.email, member_email, f"Rita{marker[:6]}",
                  acme_key.prefix),
                 callers,
                 acme_admin.identity.org_id, acme_admin)  # type: ignore[arg-type]


def _acme_bulk_order(acme_admin: SignedIn, *, package_id: int) -> tuple[str, str]:
    """A pending bulk order of Acme's (waiting for its payment), and Acme's reference."""
    with db.session() as s, s.begin():
        company = s.get(EnterpriseAccount, acme_admin.identity.org_id)
        company.credit_limit_cents = 100_000  # type: ignore[union-attr]
        order = bulk.place_bulk_order(s, company.id, acme_admin.identity.principal_id,  # type: ignore[union-attr,arg-type]
                                      [bulk.BulkLine(package_id, 2)], payment="card", key=uuid.uuid4().hex)
        return order.display_id, company.display_id  # type: ignore[union-attr,return-value]


def _rows(world: World) -> str:
    """A digest of Alice's rows (account, orders, eSIMs, refunds, tickets and messages, her plan) and of Acme's users
    and their links, keys, eSIMs, quotes, bulk orders, eSIM orders, ledger, tiers, limit and allocations,
    the staff accounts and the store settings. One statement: the inventory takes it after every call."""
    alice = [
        "SELECT md5(string_agg(u::text, '|')) FROM users u WHERE id = :alice",
        "SELECT md5(string_agg(o::text, '|' ORDER BY o.id)) FROM orders o WHERE user_id = :alice",
        "SELECT md5(string_agg(e::text, '|' ORDER BY e.id)) FROM esims e WHERE user_id = :alice",
        ("SELECT md5(string_agg(r::text, '|' ORDER BY r.id)) FROM refund_requests r"
         " JOIN orders o ON o.id = r.order_id WHERE o.user_id = :alice"),
        "SELECT md5(string_agg(t::text, '|' ORDER BY t.id)) FROM support_tickets t WHERE user_id = :alice",
        ("SELECT md5(string_agg(m::text, '|' ORDER BY m.id)) FROM support_messages m"
         " JOIN support_tickets t ON t.id = m.ticket_id WHERE t.user_id = :alice"),
        ("SELECT md5(string_agg(p::text, '|' ORDER BY p.id)) FROM packages p"  # her plan: price, overrides
         " WHERE p.id IN (SELECT package_id FROM orders WHERE user_id = :alice)"),
    ]
    acme = [
        *ACME_API_ROWS,
        "SELECT md5(string_agg(a::text, '|' ORDER BY a.id)) FROM admins a",
        "SELECT md5(string_agg(s::text, '|' ORDER BY s.key)) FROM settings s",
        "SELECT md5(string_agg(u::text, '|' ORDER BY u.id)) FROM enterprise_users u WHERE enterprise_account_id = :a",
        ("SELECT md5(string_agg(t::text, '|' ORDER BY t.id)) FROM enterprise_tokens t"
         " JOIN enterprise_users u ON u.id = t.enterprise_user_id WHERE u.enterprise_account_id = :a"),
        "SELECT md5(string_agg(q::text, '|' ORDER BY q.id)) FROM enterprise_quotes q WHERE enterprise_account_id = :a",
        ("SELECT md5(string_agg(l::text, '|' ORDER BY l.id)) FROM enterprise_quote_lines l"
         " JOIN enterprise_quotes q ON q.id = l.quote_id WHERE q.enterprise_account_id = :a"),
        "SELECT md5(string_agg(b::text, '|' ORDER BY b.id)) FROM bulk_orders b WHERE enterprise_account_id = :a",
        "SELECT md5(string_agg(o::text, '|' ORDER BY o.id)) FROM orders o WHERE enterprise_account_id = :a",
        "SELECT md5(string_agg(l::text, '|' ORDER BY l.id)) FROM ledger_entries l WHERE enterprise_account_id = :a",
        "SELECT md5(string_agg(v::text, '|' ORDER BY v.id)) FROM volume_tiers v WHERE enterprise_account_id = :a",
        "SELECT md5(c::text) FROM enterprise_accounts c WHERE id = :a",
        "SELECT md5(string_agg(a::text, '|' ORDER BY a.id)) FROM esim_allocations a WHERE enterprise_account_id = :a",
    ]
    digest = "SELECT concat_ws('/', " + ", ".join(f"coalesce(({q}), 'none')" for q in alice + acme) + ")"
    with db.get_engine().connect() as conn:
        return str(conn.execute(sa.text(digest), {"a": world.acme_id, "alice": world.alice_id}).scalar())
