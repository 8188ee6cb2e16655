"""What a provider declares about itself, so that nothing outside its module has to know it.

Each client module ends with a `SPEC = ProviderSpec(...)`; `providers.specs.SPECS` lists them. The
registry, the settings, the webhook route and the simulators iterate over that list.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from providers.base import Capabilities, Provider


@dataclass(frozen=True, slots=True)
class Credential:
    """One credential: the client's keyword argument, its setting (the env var, lower-cased) and the
    well-known value the simulator accepts (not a secret)."""

    param: str
    setting: str
    sandbox: str


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """One provider callback in our terms: what it is about, never what it claims.

    A callback is a prompt: the eSIM or order it names is read again from the provider's API, and
    only what the API says is applied (so its figures and statuses are not carried here).
    """

    key: str  # unique per event at this provider: deliveries are deduplicated on it
    kind: str
    order_ref: str | None = None  # the reference we sent with the order (`<client ref>-<provider id>`)
    provider_order_id: str | None = None
    iccid: str | None = None  # an eSIM whose usage or status the callback says has changed


# (raw body, headers with lower-case names, credentials by `Credential.param`) -> signature is good
WebhookVerifier = Callable[[bytes, Mapping[str, str], Mapping[str, str]], bool]
# (JSON object, raw body) -> event; `ValueError` or `TypeError` for a body of the wrong shape
WebhookParser = Callable[[dict[str, Any], bytes], WebhookEvent]


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    """A provider's identity, configuration, capabilities and webhook handling."""

    id: str
    display_name: str
    client: type[Provider]  # built with its credentials as keywords, plus `base_url`, `timeout`, `shared_rates_url`
    credentials: tuple[Credential, ...]
    base_url: str  # production default of the `<id>_base_url` setting
    verify_webhook: WebhookVerifier
    parse_webhook: WebhookParser
    # True when the provider cannot be relied on to sign its callbacks: then they must carry the
    # secret `<ID>_WEBHOOK_TOKEN` in their path (`/api/providers/<id>/webhook/<token>`).
    webhook_token: bool = False

    @property
    def capabilities(self) -> Capabilities:
        return self.client.capabilities

    @property
    def base_url_setting(self) -> str:
        return f"{self.id}_base_url"

    @property
    def webhook_token_setting(self) -> str:
        """The setting holding the secret callback path token (any provider may have one)."""
        return f"{self.id}_webhook_token"

    @property
    def simulator_module(self) -> str:
        """The module whose `create_app(scale=, seed=)` serves this provider's simulator."""
        return f"providers.sandbox.{self.id}"

    def sandbox_credentials(self) -> dict[str, str]:
        return {c.param: c.sandbox for c in self.credentials}


def event_text(value: Any) -> str | None:
    """An id or reference from a callback as text (None when absent); `TypeError` for an object or list."""
    if isinstance(value, dict | list):
        raise TypeError("an id in a callback must be a string or a number")
    return None if value is None or value == "" else str(value)


def body_digest(body: bytes) -> str:
    """An event key for callbacks without an id of their own."""
    return hashlib.sha256(body).hexdigest()
