"""The provider contract: unified data classes, error classes and the abstract client.

Every wholesale provider (Airalo, eSIM Access, eSIM Go) is reached through a subclass of
`Provider`. Wire JSON stays inside the provider module; callers only see the classes below.
Data volumes use one rule everywhere: nominal megabytes with 1 GB = 1024 MB
(PROVIDER_APIS.md §4.1). Money stays `Decimal` in the provider's currency until the catalogue
converts it once to integer minor units.
"""

from __future__ import annotations

import abc
import datetime as dt
import enum
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from providers.observe import Observer, observed

JSON = dict[str, Any]


class OrderStatus(enum.StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a provider supports beyond the core operations."""

    cancel: bool = False
    refund: bool = False
    topup: bool = True
    idempotent_orders: bool = False  # True when the provider dedupes on our client reference
    usage_batch_size: int = 1  # ICCIDs per usage call


@dataclass(frozen=True, slots=True)
class Package:
    provider_id: str
    provider_package_id: str
    name: str
    destinations: tuple[str, ...]  # ISO 3166-1 alpha-2, upper case; several for regional/global
    data_mb: int | None  # None when unlimited
    validity_days: int
    unlimited: bool
    cost_price: Decimal
    cost_currency: str
    retail_price: Decimal | None = None
    is_topup: bool = False
    operator: str | None = None
    region: str | None = None  # provider's region/area name for multi-country plans
    raw: JSON = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Balance:
    """Our prepaid credit with the provider."""

    amount: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class Esim:
    provider_id: str
    iccid: str
    smdp_address: str
    matching_id: str
    provider_esim_ref: str | None = None
    qr_url: str | None = None
    raw: JSON = field(default_factory=dict, compare=False, repr=False)

    @property
    def lpa(self) -> str:
        """The activation string, `LPA:1$<SM-DP+>$<matching id>`."""
        return f"LPA:1${self.smdp_address}${self.matching_id}"

    def __repr__(self) -> str:  # never print activation material
        return f"Esim(provider_id={self.provider_id!r}, iccid={self.iccid!r})"


@dataclass(frozen=True, slots=True)
class Order:
    provider_id: str
    provider_order_id: str
    client_reference: str
    status: OrderStatus
    esims: tuple[Esim, ...] = ()
    cost_total: Decimal | None = None
    currency: str = "USD"
    raw: JSON = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Usage:
    iccid: str
    used_mb: int
    total_mb: int | None  # None when unlimited
    remaining_mb: int | None
    unlimited: bool
    provider_status: str
    expires_at: dt.datetime | None = None
    as_of: dt.datetime | None = None
    raw: JSON = field(default_factory=dict, compare=False, repr=False)


class ProviderError(Exception):
    """Base of all provider failures. The message is safe to log: no keys or activation codes."""

    retryable: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        code: str | None = None,
        http_status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.provider, self.code = provider, code
        self.http_status, self.retry_after = http_status, retry_after


class TransientProviderError(ProviderError):
    """5xx, a documented busy code, or a timeout before the request was sent: safe to retry."""

    retryable = True


class RateLimited(TransientProviderError):
    """429; honour `retry_after`."""


class PermanentProviderError(ProviderError):
    """Validation errors and refusals: never resend the same request."""


class AuthRejected(PermanentProviderError):
    pass


class NotFound(PermanentProviderError):
    pass


class OutOfStock(PermanentProviderError):
    """Fail over to the next provider."""


class InsufficientBalance(PermanentProviderError):
    """Our account with the provider cannot pay: fail over and alert an operator."""


class ProviderNotSupported(PermanentProviderError):
    """The provider has no such operation (see `Capabilities`)."""


class OutcomeUnknown(ProviderError):
    """An order POST was sent but no answer came back: reconcile, never re-POST blindly."""


class SendRefused(Exception):
    """A non-idempotent request was not sent: the caller's send guard refused it (`providers.http`).
    Not a `ProviderError`: the provider was not asked, so nothing about it (or the order) is known."""


# The operations every call of which is timed and recorded (`providers.observe`).
OPERATIONS = ("list_packages", "create_order", "get_order", "find_order", "get_esim", "get_usage", "list_topups",
              "create_topup", "cancel_order", "get_balance")


class Provider(abc.ABC):
    """One wholesale provider. Implementations are async and safe to share between tasks.

    Each operation a subclass defines is wrapped when the class is created, so every call reaches
    `call_observer` (set by the registry) with its latency and outcome.
    """

    id: ClassVar[str]
    capabilities: ClassVar[Capabilities] = Capabilities()
    call_observer: Observer | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in OPERATIONS:
            method = cls.__dict__.get(name)
            if method is not None and not getattr(method, "__isabstractmethod__", False) \
                    and not getattr(method, "__observed__", False):
                setattr(cls, name, observed(name, method))

    @abc.abstractmethod
    async def list_packages(self) -> list[Package]:
        """The whole sellable catalogue, all pages fetched."""

    @abc.abstractmethod
    async def create_order(self, package_id: str, *, quantity: int, client_reference: str) -> Order:
        """Buy `quantity` eSIMs of a package. `client_reference` is ours and unique per order."""

    @abc.abstractmethod
    async def get_order(self, provider_order_id: str) -> Order:
        """Current state of an order we placed."""

    @abc.abstractmethod
    async def find_order(self, client_reference: str) -> Order | None:
        """Look an order up by our reference, to reconcile after an unknown outcome."""

    @abc.abstractmethod
    async def get_esim(self, iccid: str) -> Esim:
        """Install details of one eSIM."""

    @abc.abstractmethod
    async def get_usage(self, iccids: list[str]) -> list[Usage]:
        """Usage of up to `capabilities.usage_batch_size` eSIMs."""

    @abc.abstractmethod
    async def list_topups(self, iccid: str) -> list[Package]:
        """Top-up packages that can be applied to this eSIM."""

    @abc.abstractmethod
    async def create_topup(self, iccid: str, package_id: str, *, client_reference: str) -> Order:
        """Apply a top-up package to an existing eSIM."""

    async def cancel_order(self, provider_order_id: str) -> None:
        """Cancel an unused eSIM order and get the cost back, where the provider allows it."""
        raise ProviderNotSupported("cancel is not supported", provider=self.id)

    async def get_balance(self) -> Balance:
        """Our credit with the provider; also the cheap authenticated call that tests the connection."""
        raise ProviderNotSupported("balance is not supported", provider=self.id)

    async def aclose(self) -> None:
        """Release HTTP connections."""
