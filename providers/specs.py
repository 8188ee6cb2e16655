"""The providers this marketplace knows, in default order: register a new provider's `SPEC` here.

Also the settings every provider contributes (`ProviderSettings`): for each credential a field named
by its `Credential.setting` (read from the upper-cased environment variable), `<id>_base_url`, and
`<id>_webhook_token` (the secret its callbacks carry in their path; required in production where
the spec says `webhook_token`).
"""

from __future__ import annotations

from typing import Any

from pydantic import create_model
from pydantic_settings import BaseSettings

from providers import airalo, esim_access, esim_go
from providers.spec import ProviderSpec

SPECS: tuple[ProviderSpec, ...] = (airalo.SPEC, esim_access.SPEC, esim_go.SPEC)
PROVIDER_IDS: tuple[str, ...] = tuple(spec.id for spec in SPECS)
PROVIDER_NAMES: dict[str, str] = {spec.id: spec.display_name for spec in SPECS}


def provider_name(provider_id: str) -> str:
    """The provider's name for staff pages; an unknown id as it is."""
    return PROVIDER_NAMES.get(provider_id, provider_id)


def spec_for(provider_id: str) -> ProviderSpec:
    """The spec of a known provider; `KeyError` otherwise."""
    for spec in SPECS:
        if spec.id == provider_id:
            return spec
    raise KeyError(f"no provider {provider_id!r}")


def _setting_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for spec in SPECS:
        fields.update({c.setting: (str, "") for c in spec.credentials})
        fields[spec.base_url_setting] = (str, spec.base_url)
        fields[spec.webhook_token_setting] = (str, "")
    return fields


ProviderSettings: type[BaseSettings] = create_model(  # type: ignore[call-overload]
    "ProviderSettings", __base__=BaseSettings, __doc__="Credentials and base URL of every provider.",
    **_setting_fields(),
)
