"""The business API's requests and responses as pydantic models: the one source of truth.

Handlers validate requests and serialise responses with these models, and the OpenAPI document
(`openapi.py`) is generated from their JSON schemas, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

REF_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"


class ApiModel(BaseModel):
    """A request body or a response: exactly these fields (a response always has every one)."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_serialization_defaults_required=True)


class QueryModel(BaseModel):
    """Query parameters: unknown ones are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class FieldError(ApiModel):
    location: str = Field(description="Where the problem is, e.g. `query.limit` or `body.recipients.0.email`.")
    message: str


class Error(ApiModel):
    """Every refusal: a stable machine-readable `error` code and words for a person."""

    error: str = Field(description="Stable code, e.g. `api_key_invalid`, `api_scope_missing`, `api_rate_limited`.",
                       examples=["api_key_invalid"])
    message: str
    details: list[FieldError] = Field(default_factory=list, description="Per-field problems of a 422.")


# -- catalogue --

class CatalogQuery(QueryModel):
    destination: str = Field(min_length=2, max_length=40, pattern=r"^[A-Za-z-]+$",
                             description="An ISO 3166-1 alpha-2 country code (`JP`), a region slug (`europe`) "
                                         "or `global`.", examples=["JP"])
    sort: Literal["price", "data", "days"] = Field("price", description="Order of the plans.")


class Destination(ApiModel):
    kind: Literal["local", "regional", "global"]
    code: str
    name: str


class Offer(ApiModel):
    ref: str = Field(description="The plan's reference; orders name plans by it.")
    name: str
    kind: Literal["local", "regional", "global"]
    destination_code: str
    destination_name: str
    data_mb: int | None = Field(description="Data allowance in MB; null when unlimited.")
    unlimited: bool
    validity_days: int
    coverage_count: int = Field(description="How many countries the plan covers.")
    list_price_cents: int = Field(description="The public price, in minor units of `currency`.")
    unit_price_cents: int = Field(description="Your company's price for one eSIM, in minor units of `currency`.")
    currency: str = Field(min_length=3, max_length=3)


class Catalog(ApiModel):
    destination: Destination
    offers: list[Offer]
