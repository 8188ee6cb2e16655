"""Passwords and operator accounts. (One-time codes and sessions arrive with the customer portal.)"""

from __future__ import annotations

import bcrypt
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError

from services import db
from services.errors import ServiceError
from services.models import Admin

BCRYPT_COST = 12
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_BYTES = 72  # bcrypt ignores (bcrypt 5: refuses) anything longer


class InvalidEmail(ServiceError):
    code = "invalid_email"


class WeakPassword(ServiceError):
    code = "weak_password"


class AlreadyExists(ServiceError):
    code = "already_exists"


def normalise_email(email: str) -> str:
    """Validated, normalised address (lower-case domain and local part); raises `InvalidEmail`."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidEmail(str(exc)) from None


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise WeakPassword(f"Use at most {MAX_PASSWORD_BYTES} bytes.")


def hash_password(password: str) -> str:
    check_password_strength(password)
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=BCRYPT_COST)).decode()


def verify_password(password: str, password_hash: str) -> bool:
    encoded = password.encode()
    if len(encoded) > MAX_PASSWORD_BYTES:
        return False
    return bcrypt.checkpw(encoded, password_hash.encode())


def create_admin(email: str, password: str, *, name: str = "") -> int:
    """Create an administrator; returns its id. Raises `AlreadyExists` for a taken email."""
    admin = Admin(email=normalise_email(email), name=name, password_hash=hash_password(password))
    with db.session() as s:
        s.add(admin)
        try:
            s.commit()
        except IntegrityError:
            raise AlreadyExists(f"an admin with the email {admin.email} exists") from None
        return admin.id  # type: ignore[return-value]
