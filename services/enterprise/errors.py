"""Refusals of the enterprise portal, each with a stable code (words: esim_app/errors.py)."""

from __future__ import annotations

from services.core.errors import ServiceError


class InvalidCompanyName(ServiceError):
    code = "enterprise_company_name"


class InvalidLink(ServiceError):
    """A password link that is unknown, used, expired, or for a user who is gone."""

    code = "enterprise_link_invalid"


class NotAllowed(ServiceError):
    """The caller's company role does not allow this (checked on the server, whatever the page shows)."""

    code = "enterprise_not_allowed"


class InvalidRole(ServiceError):
    code = "enterprise_invalid_role"


class UserExists(ServiceError):
    code = "enterprise_user_exists"


class UserNotFound(ServiceError):
    code = "enterprise_user_not_found"
