"""The business API's requests and responses as pydantic models: the one source of truth.

Handlers validate requests and serialise responses with these models, and the OpenAPI document
(`openapi.py`) is generated from their JSON schemas, so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

REF_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"


class ApiModel(BaseModel):
    """A request body or a response: exactly these fields (a response always has every one)."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_serialization_defaults_required=True)


class QueryModel(BaseModel):
    """Query parameters: an unknown one is refused (422), so a misspelt filter never silently does nothing."""

    model_config = ConfigDict(extra="forbid", frozen=True)


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
    quantity: int = Field(1, ge=1, le=5000, description="Price each plan for an order of this many eSIMs "
                                                        "(your volume tier).")


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
    quantity: int
    discount_bp: int = Field(description="Your volume discount at `quantity`, in basis points (1000 = 10 %).")
    offers: list[Offer]


# -- eSIMs --

EsimStatus = Literal["in_stock", "assigned", "installed", "active", "used_up", "expired"]


class EsimQuery(QueryModel):
    status: EsimStatus | None = Field(None, description="Only eSIMs in this status.")
    search: str = Field("", max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$",
                        description="Part of an ICCID, a recipient's name or email.")
    sort: Literal["created", "iccid", "status", "recipient", "expires", "usage"] = "created"
    descending: bool = True
    page: int = Field(0, ge=0, le=100_000, description="Zero-based page.")
    limit: int = Field(25, ge=1, le=100, description="eSIMs per page.")


class EsimOut(ApiModel):
    ref: str = Field(description="The eSIM's reference (`EID...`).")
    iccid: str
    plan_name: str
    destination_name: str
    status: EsimStatus
    recipient_name: str = Field(description="Empty while in stock.")
    recipient_email: str
    used_mb: int
    total_mb: int | None
    unlimited: bool
    expires_at: dt.datetime | None
    assigned_at: dt.datetime | None
    install_link_opened: bool
    install_link_expires_at: dt.datetime | None = Field(
        description="When the recipient's install link stops working (past: it has ended); null while in stock.")


class EsimPage(ApiModel):
    esims: list[EsimOut]
    total: int = Field(description="eSIMs matching the filter, over all pages.")
    page: int
    limit: int
    counts: dict[str, int] = Field(description="All of the company's eSIMs per status, whatever the filter.")


# -- allocations --

# A visible name: no control or invisible formatting characters (the portal's paste refuses those too).
_HIDDEN = "\\x00-\\x1f\\x7f-\\x9f\\xad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u206f\\ufeff\\ufff9-\\ufffb"
NAME_PATTERN = f"^[^{_HIDDEN}]*[^\\s{_HIDDEN}][^{_HIDDEN}]*$"
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NAME_PATTERN)]
Ref = Annotated[str, StringConstraints(pattern=REF_PATTERN)]


class RecipientIn(ApiModel):
    name: Name
    email: str = Field(min_length=3, max_length=254, json_schema_extra={"format": "email"},
                       description="Checked as the portal checks a pasted line.")


class AllocationRequest(ApiModel):
    recipients: list[RecipientIn] = Field(min_length=1, max_length=5000)
    esim_refs: list[Ref] | None = Field(None, max_length=5000, description=(
        "The eSIMs to give, one per recipient in the same order; omitted: any in-stock eSIMs."))


class Assigned(ApiModel):
    esim_ref: str
    iccid: str
    recipient_name: str
    recipient_email: str


class AllocationResult(ApiModel):
    assigned: list[Assigned] = Field(description="One per recipient; each was emailed a private install link.")


# -- bulk orders --

class OrderLineIn(ApiModel):
    plan_ref: Ref = Field(description="An offer's `ref` from the catalogue.")
    quantity: int = Field(ge=1, le=5000)


IdempotencyKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,56}$")]


class OrderRequest(ApiModel):
    lines: list[OrderLineIn] = Field(min_length=1, max_length=20)
    idempotency_key: IdempotencyKey | None = Field(
        None, description="Send the same key again (after a timeout) to get the same order, never a second one.")
    payment: Literal["account"] = Field("account", description="Charged to your company's credit.")


class OrderLineOut(ApiModel):
    plan_name: str
    destination_name: str
    quantity: int
    unit_price: str = Field(description="Formatted, e.g. `$7.19`.")
    subtotal: str


class OrderFailure(ApiModel):
    ref: str
    plan_name: str
    reason: str


class OrderOut(ApiModel):
    ref: str
    status: str
    payment_method: str
    total_cents: int
    currency: str
    created: dt.date
    quantity: int = Field(description="eSIMs ordered.")
    ready: int = Field(description="eSIMs provisioned so far.")
    failed: int
    lines: list[OrderLineOut] = Field(description="Empty in lists; filled for one order.")
    failures: list[OrderFailure]


class OrderQuery(QueryModel):
    limit: int = Field(50, ge=1, le=100)
    offset: int = Field(0, ge=0, le=1_000_000)


class OrderPage(ApiModel):
    orders: list[OrderOut]
    total: int
    limit: int
    offset: int


# -- top-ups --

class TopupOfferOut(ApiModel):
    plan_ref: str = Field(description="The top-up plan's reference; `POST /topups` names it.")
    name: str
    data: str = Field(description="Formatted, e.g. `1 GB`.")
    validity_days: int
    unit_price_cents: int = Field(description="Your company's price to top up one eSIM, in minor units of `currency`.")
    currency: str = Field(min_length=3, max_length=3)


class TopupOffers(ApiModel):
    esim_ref: str
    offers: list[TopupOfferOut] = Field(description="The top-ups that fit this eSIM, cheapest first; may be empty.")


class TopupRequest(ApiModel):
    esim_refs: list[Ref] = Field(min_length=1, max_length=500, description=(
        "Your eSIMs to top up, each once; the plan must fit every one of them."))
    plan_ref: Ref = Field(description="A `plan_ref` from `GET /esims/{ref}/topups`.")
    idempotency_key: IdempotencyKey | None = Field(
        None, description="Send the same key again (after a timeout) to get the same top-up, never a second one.")
    payment: Literal["account"] = Field("account", description="Charged to your company's credit.")


class TopupOut(ApiModel):
    order_ref: str = Field(description="The bulk order carrying the top-up; follow it with `GET /orders/{ref}`.")
    esims: int = Field(description="eSIMs topped up.")
    total_cents: int
    currency: str
    status: str = Field(description="`provisioning` once charged; `completed` when every eSIM has its data.")
