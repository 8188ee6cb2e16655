"""Refusals of the eSIM inventory, distribution and exports, each with a stable code (words: esim_app/errors.py)."""

from __future__ import annotations

from dataclasses import dataclass

from services.core.errors import ServiceError

ALREADY_ALLOCATED = "Some eSIMs were already allocated. Please refresh."


class AllocationConflict(ServiceError):
    """Another request took some of the wanted eSIMs first; nothing of this request was assigned (HTTP 409)."""

    code = "enterprise_allocation_conflict"


class NotEnoughStock(ServiceError):
    """Fewer eSIMs in stock than recipients; params `available`, `wanted`."""

    code = "enterprise_not_enough_stock"


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int  # 1-based line of the pasted text or the CSV file
    reason: str


class RecipientsInvalid(ServiceError):
    """Some lines of a paste or CSV are not "name, email"; `problems` says which and why (nothing assigned)."""

    code = "enterprise_recipients_invalid"

    def __init__(self, message: str = "", problems: tuple[RowProblem, ...] = (), **params: object) -> None:
        super().__init__(message, **params)
        self.problems = problems


class NoRecipients(ServiceError):
    code = "enterprise_no_recipients"


class TooManyRecipients(ServiceError):
    """params `max_rows`."""

    code = "enterprise_too_many_recipients"


class CompanyEsimNotFound(ServiceError):
    """No such eSIM in the caller's company (also for another company's eSIM)."""

    code = "enterprise_esim_not_found"


class EsimInUse(ServiceError):
    """The eSIM was installed or used, so it cannot be taken back from its recipient."""

    code = "enterprise_esim_in_use"


class EsimNotAssigned(ServiceError):
    code = "enterprise_esim_not_assigned"


class InvalidInstallLink(ServiceError):
    """An install link that is unknown, revoked, expired, or of a suspended company."""

    code = "install_link_invalid"


class UnknownExport(ServiceError):
    code = "enterprise_unknown_export"
