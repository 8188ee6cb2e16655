"""The OpenAPI 3.1 document of the business API, generated from the operations and their pydantic models.

Nothing here is written by hand per endpoint: paths, parameters, request bodies, responses and
error answers all come from `Operation` declarations and the models' JSON schemas (JSON Schema
2020-12, which OpenAPI 3.1 uses as is).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from esim_app.http.business_api.framework import BASE, Operation
from esim_app.http.business_api.schemas import Error

REF = "#/components/schemas/{model}"
DOCUMENT_PATH = "/openapi.json"
ERROR_WORDS = {
    401: "No key, an unknown or malformed key, or a revoked key (`api_key_invalid`, `api_key_revoked`).",
    403: "The key lacks the scope (`api_scope_missing`) or the company is suspended (`enterprise_company_inactive`).",
    404: "Not found in your company (`not_found` for an address that cannot name anything).",
    409: "Conflict with the current state; refresh and try again.",
    413: "The body is too large.",
    415: "The body is not `application/json`.",
    422: "A parameter or the body is not valid (`invalid_request`, with `details`).",
    429: "Over the key's rate limit (`api_rate_limited`); wait `Retry-After` seconds.",
    503: "A provider did not answer; try again shortly.",
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer", "minimum": 1}}}
CHALLENGE = {"WWW-Authenticate": {"description": "`Bearer realm=\"business-api\"`.", "schema": {"type": "string"}}}
DESCRIPTION = (
    "JSON API for companies: the catalogue at your prices, your eSIMs and orders, allocation of eSIMs to "
    "people, top-ups of your eSIMs, and CSV exports. Authenticate with `Authorization: Bearer esk_live_...`, "
    "a key a company admin creates at /business/api-keys with the scopes it needs: `read` (catalogue, eSIMs, "
    "orders, exports), `order` (bulk orders and top-ups), `distribute` (allocations). Each key may make a "
    "burst of its per-minute limit (60 by default), then one request per 60/N seconds; past it the answer is "
    "429 with `Retry-After`. Every refusal is a JSON `Error` with a stable `error` code."
)


def _parameters(op: Operation, schemas: dict[str, Any]) -> list[dict[str, Any]]:
    params = [{"name": name, "in": "path", "required": True, "description": param.description,
               "schema": param.schema} for name, param in op.path_params.items()]
    if op.query is not None:
        schema = op.query.model_json_schema(ref_template=REF)
        schemas.update(schema.pop("$defs", {}))
        for name, prop in schema.get("properties", {}).items():
            params.append({"name": name, "in": "query", "required": name in schema.get("required", ()),
                           "description": prop.pop("description", ""), "schema": prop})
    return params


def _error_statuses(op: Operation) -> list[int]:
    statuses = {401, 403, 429, *op.errors}
    if op.query is not None or op.body is not None or op.path_params:
        statuses.add(422)
    if op.body is not None:
        statuses |= {413, 415}
    if op.path_params:
        statuses.add(404)
    return sorted(statuses)


def _responses(op: Operation, refs: dict[tuple[type[BaseModel], str], dict[str, Any]]) -> dict[str, Any]:
    if op.response is None:
        ok = {"description": "OK", "content": {op.media_type: {"schema": {"type": "string"}}}}
    else:
        ok = {"description": "OK", "content": {"application/json": {"schema": refs[(op.response, "serialization")]}}}
    responses = {str(op.status): ok}
    error = {"application/json": {"schema": refs[(Error, "serialization")]}}
    for status in _error_statuses(op):
        headers = RETRY_AFTER if status == 429 else CHALLENGE if status == 401 else {}
        responses[str(status)] = {"description": ERROR_WORDS[status], "content": error,
                                  **({"headers": headers} if headers else {})}
    return responses


def _operation(op: Operation, schemas: dict[str, Any], refs: dict) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "operationId": op.operation_id, "summary": op.summary,
        "description": (op.description + " " if op.description else "") + f"Needs the `{op.scope}` scope.",
        "x-required-scope": op.scope, "parameters": _parameters(op, schemas), "responses": _responses(op, refs),
    }
    if op.body is not None:
        doc["requestBody"] = {"required": True,
                              "content": {"application/json": {"schema": refs[(op.body, "validation")]}}}
    return doc


def build_document(operations: Sequence[Operation], *, version: str) -> dict[str, Any]:
    """The whole document; `servers` is relative, so it works on any host."""
    wanted = {(Error, "serialization")}
    for op in operations:
        wanted |= {(op.response, "serialization")} if op.response else set()
        wanted |= {(op.body, "validation")} if op.body else set()
    refs, defs = models_json_schema(sorted(wanted, key=lambda m: (m[0].__name__, m[1])), ref_template=REF)
    schemas: dict[str, Any] = dict(defs.get("$defs", {}))
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, schemas, refs)
    paths[DOCUMENT_PATH] = {"get": {
        "operationId": "getOpenApiDocument", "summary": "This document", "security": [],
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}},
    }}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Business API", "version": version, "description": DESCRIPTION},
        "servers": [{"url": BASE}],
        "security": [{"bearerKey": []}],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {"bearerKey": {
            "type": "http", "scheme": "bearer", "bearerFormat": "esk_live_<key id>_<secret>",
            "description": "An API key of your company, from /business/api-keys."}}},
    }
