"""Serve the production build on a fresh sandbox database with seeded portals, for looking at pages.

    PYTHONPATH=$PWD .venv/bin/python -m tests.support.review_app [--port N] [--info FILE]

Sandbox only (a throw-away test database, the simulators' catalogue; never a production route): it
creates (with localstripe for card payments) a staff owner and a company with users, eSIMs, a quote, a bulk order, an install link and a
customer order, mints one signed-in session for the owner and one for the company admin, writes
their cookies and the seeded references as JSON to `--info`, then serves the app until stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import pathlib
import re
import signal
import uuid

from sqlmodel import col, select

from services.accounts import passwords, sessions
from services.catalog.sync import run_sync_packages
from services.core import db, migrations
from services.core.models import EmailOutbox, Order
from services.core.settings import Settings
from services.enterprise import allocation, purchasing, quotes
from services.enterprise.bulk import BulkLine
from services.sandbox import localstripe as localstripe_server
from services.sandbox import tooling as sandbox
from tests.conftest import use_database
from tests.support.database import fresh_database
from tests.support.enterprise import company_esims, company_user
from tests.support.orders import best_offer, new_customer, paid_order
from tests.support.server import ROOT, free_port, production_app

PASSWORD = "a long review passphrase"


def _session(role: str, principal_id: int, email: str, roles: tuple[str, ...], company_id: int | None = None) -> str:
    """A started session's cookie token (what the sign-in route would set)."""
    with db.session() as s, s.begin():
        new = sessions.create_session(s, role=role, principal_id=principal_id, email=email, display_name=email,
                                      ip="127.0.0.1", user_agent="review", now=sessions.utcnow(), roles=roles,
                                      company_id=company_id)
    started = sessions.exchange_ticket(new.ticket)
    assert started is not None
    return started.token


def _install_token(email: str) -> str:
    with db.session() as s:
        mail = s.exec(select(EmailOutbox).where(EmailOutbox.to_address == email)
                      .order_by(col(EmailOutbox.id).desc())).first()
    found = re.search(r"/install/([A-Za-z0-9_-]+)", mail.text_body if mail else "")
    return found.group(1) if found else ""


def seed() -> dict[str, str]:
    """The portals' data; returns the cookies and references to visit."""
    owner_email = f"owner-{uuid.uuid4().hex[:6]}@example.com"
    owner_id = passwords.create_admin(owner_email, PASSWORD, name="Review Owner", staff_role="owner")
    company_id, user_id = company_user(f"ada-{uuid.uuid4().hex[:6]}@example.com", PASSWORD, company="Acme Travel")
    identity = sessions.Identity(role="enterprise", principal_id=user_id, email="ada@example.com",
                                 display_name="Ada", session_id=0, roles=("admin",), company_id=company_id)
    esims = company_esims(company_id, 4)
    allocation.assign_text(identity, "Grace Hopper, grace@example.com")
    plan = best_offer("airalo", with_alternatives=False)
    quote = quotes.request_quote(identity, [quotes.LineRequest(quantity=25, plan_slug=plan.slug)],
                                 wanted_by=None, note="Team trip to Japan", ip=None)
    bulk = purchasing.place(identity, [BulkLine(package_id=plan.id, quantity=3)], payment="card",
                            key=uuid.uuid4().hex)
    order_id = paid_order(new_customer(), plan)
    with db.session() as s:
        order_ref = s.get(Order, order_id).display_id  # type: ignore[union-attr]
    return {
        "admin_cookie": _session("admin", owner_id, owner_email, sessions.staff_roles("owner")),
        "business_cookie": _session("enterprise", user_id, identity.email, ("admin",), company_id),
        "quote_ref": quote.ref, "bulk_ref": bulk.ref, "order_ref": order_ref, "esim_ref": esims[0],
        "install_token": _install_token("grace@example.com"),
    }


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--info", default=str(ROOT / "test-artifacts" / "review.json"))
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, _stop)  # a stop unwinds, so the app, localstripe and the database go too
    port, stripe_port = a.port or free_port(), free_port()
    settings = Settings(_env_file=None, esim_env="test", app_port=port)
    with fresh_database("esim_review") as url:
        use_database(url)
        migrations.upgrade()
        with sandbox.command_registry(settings) as registry:
            run_sync_packages(registry)
        info = seed()
        env = {"DATABASE_URL": url, "ESIM_ENV": "test", "SCHEDULER": "off",
               **sandbox.stripe_env(settings, port=stripe_port)}
        try:
            with production_app(env, ROOT / "test-artifacts" / "review-app.log", port=port) as base:
                pathlib.Path(a.info).write_text(json.dumps({"url": base, **info}, indent=1))
                print(base, flush=True)
                with contextlib.suppress(KeyboardInterrupt):
                    signal.pause()
        finally:
            localstripe_server.stop(stripe_port)
            db.reset_engine()


if __name__ == "__main__":
    main()
