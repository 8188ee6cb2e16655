"""Refusals of the admin dashboard's staff, tickets, jobs, settings and audit pages, each with a stable
code (words: esim_app/errors.py). A role refusal is `services.admin.access.NotPermitted`."""

from __future__ import annotations

from services.core.errors import ServiceError


class InvalidStaffRole(ServiceError):
    code = "admin_invalid_role"


class StaffExists(ServiceError):
    code = "admin_staff_exists"


class StaffNotFound(ServiceError):
    code = "admin_staff_not_found"


class LastOwner(ServiceError):
    """The change would leave no active owner to manage the store."""

    code = "admin_last_owner"


class InvalidInvitation(ServiceError):
    """A staff invitation link that is unknown, used, expired, or for an account disabled since."""

    code = "admin_link_invalid"


class SettingRejected(ServiceError):
    """A settings value that does not validate; `params`: field (its label) and problem (what to fix)."""

    code = "admin_setting_invalid"


class UnknownJob(ServiceError):
    code = "admin_unknown_job"


class InvalidAssignee(ServiceError):
    code = "admin_invalid_assignee"


class InvalidFilter(ServiceError):
    code = "admin_invalid_filter"
