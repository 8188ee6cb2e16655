"""The `esim` operator commands, run as a user would run them."""

import pathlib
import subprocess
import sys
import uuid

import bcrypt
import sqlalchemy as sa

from services.core import db

ESIM = str(pathlib.Path(sys.executable).with_name("esim"))


def _esim(*args: str, stdin: str = "", env_url: str) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([ESIM, *args], input=stdin, capture_output=True, text=True,
                          env={**os.environ, "DATABASE_URL": env_url})


def test_migrate_is_idempotent(database_url: str) -> None:
    first = _esim("migrate", env_url=database_url)
    second = _esim("migrate", env_url=database_url)
    assert first.returncode == 0 and second.returncode == 0
    assert "newest revision" in second.stdout


def test_create_admin_stores_a_bcrypt_cost_12_hash(database_url: str) -> None:
    email = f"Ops-{uuid.uuid4().hex[:6]}@Example.COM"
    result = _esim("create-admin", email, "--password-stdin", stdin="correct horse battery\n", env_url=database_url)
    assert result.returncode == 0, result.stderr
    with db.get_engine().connect() as conn:
        stored, hashed, role, secret = conn.execute(sa.text(
            "SELECT email, password_hash, staff_role, totp_secret FROM admins WHERE email = :e"),
            {"e": email.lower()}).one()
    assert stored == email.lower() and role == "owner" and secret is None  # the first owner; TOTP at sign-in
    assert hashed.startswith("$2b$12$")
    assert bcrypt.checkpw(b"correct horse battery", hashed.encode())
    assert "correct horse battery" not in result.stdout + result.stderr


def test_create_admin_refuses_a_duplicate_and_a_weak_password(database_url: str) -> None:
    email = f"dup-{uuid.uuid4().hex[:6]}@example.com"
    assert _esim("create-admin", email, "--password-stdin", stdin="long enough passphrase\n",
                 env_url=database_url).returncode == 0
    again = _esim("create-admin", email, "--password-stdin", stdin="long enough passphrase\n", env_url=database_url)
    assert again.returncode == 1 and "exists" in again.stderr
    weak = _esim("create-admin", f"x{email}", "--password-stdin", stdin="short\n", env_url=database_url)
    assert weak.returncode == 1 and "at least 12 characters" in weak.stderr


def test_create_enterprise_makes_a_company_and_emails_its_admin_an_invitation(database_url: str) -> None:
    email = f"travel-{uuid.uuid4().hex[:6]}@example.com"
    result = _esim("create-enterprise", "--company", "Acme Travel", "--email", email, "--credit-limit", "5000",
                   env_url=database_url)
    assert result.returncode == 0, result.stderr
    with db.get_engine().connect() as conn:
        role, password_hash, company, limit = conn.execute(sa.text(
            "SELECT u.role, u.password_hash, c.company_name, c.credit_limit_cents FROM enterprise_users u"
            " JOIN enterprise_accounts c ON c.id = u.enterprise_account_id WHERE u.email = :e"), {"e": email}).one()
        template = conn.execute(sa.text("SELECT template FROM email_outbox WHERE to_address = :e"), {"e": email}).scalar()
    assert (role, password_hash, company, limit, template) == ("admin", None, "Acme Travel", 500_000,
                                                               "enterprise_invite")
    again = _esim("create-enterprise", "--company", "Acme Again", "--email", email, env_url=database_url)
    assert again.returncode == 1 and "already" in again.stderr
