"""How one business-API operation answers: authenticate the key, validate, call the handler, serialise.

An `Operation` declares its method, path, scope and the pydantic models of its query, body and
response; `route()` turns it into a Starlette route and `openapi.py` into its part of the
document. Every refusal is JSON (`schemas.Error`) with a stable code and a fitting status: 401 for
a missing, wrong or revoked key, 403 for a missing scope or a suspended company, 404, 409, 413,
415, 422 for invalid input, 429 with `Retry-After` past the key's rate limit, 503 when a provider
it needs does not answer.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from esim_app.errors import message_for
from esim_app.http.bodies import BodyTooLarge, read_capped
from esim_app.http.business_api.schemas import REF_PATTERN, Error, FieldError
from services import enterprise
from services.core import ServiceError

BASE = "/api/v1/business"
NO_STORE = {"Cache-Control": "no-store"}
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="business-api"'}
# Status of the service refusals; other `*_not_found` codes are 404, anything else 422.
STATUS = {"api_key_invalid": 401, "api_key_revoked": 401, "api_scope_missing": 403, "enterprise_company_inactive": 403,
          "enterprise_not_allowed": 403, "enterprise_role_not_allowed": 403, "api_rate_limited": 429,
          "unknown_destination": 404, "enterprise_unknown_export": 404, "enterprise_allocation_conflict": 409,
          "enterprise_not_enough_stock": 409, "enterprise_credit_exceeded": 409, "enterprise_plan_unavailable": 404,
          "topup_offers_unavailable": 503}


@dataclass(frozen=True)
class Call:
    """What a handler gets: the authenticated caller and the validated input."""

    caller: enterprise.ApiCaller
    query: Any
    body: Any
    path: dict[str, str]
    ip: str | None


Handler = Callable[[Call], Awaitable[BaseModel | Response]]


@dataclass(frozen=True)
class PathParam:
    description: str
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string", "pattern": REF_PATTERN})


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # below BASE, OpenAPI/Starlette style: "/esims/{ref}"
    operation_id: str
    summary: str
    scope: str  # the key scope it needs
    handler: Handler
    response: type[BaseModel] | None  # None: `media_type` is not JSON (CSV)
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    path_params: dict[str, PathParam] = field(default_factory=dict)
    status: int = 200
    errors: tuple[int, ...] = ()  # besides 401, 403, 429 and the ones input implies
    media_type: str = "application/json"
    body_limit: int = 64 * 1024
    description: str = ""


class _Refused(Exception):
    def __init__(self, status: int, code: str, message: str, details: list[FieldError] | None = None) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.details = status, code, message, details or []


def error_response(status: int, code: str, message: str, *, details: list[FieldError] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = Error(error=code, message=message, details=details or [])
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers={**NO_STORE, **(headers or {})})


def _service_refusal(exc: ServiceError) -> JSONResponse:
    status = STATUS.get(exc.code) or (404 if exc.code.endswith("_not_found") else 422)
    headers = CHALLENGE if status == 401 else {}
    if isinstance(exc, enterprise.ApiRateLimited):
        headers = {"Retry-After": str(exc.retry_after_seconds)}
    # recipients refused by the allocation: their 1-based positions in the request's list
    details = [FieldError(location=f"body.recipients.{problem.line - 1}", message=problem.reason)
               for problem in getattr(exc, "problems", ())[:20]]
    return error_response(status, exc.code, message_for(exc), headers=headers, details=details)


def _invalid(exc: ValidationError, where: str) -> _Refused:
    details = [FieldError(location=".".join([where, *(str(p) for p in e["loc"])]), message=e["msg"])
               for e in exc.errors(include_url=False, include_input=False)[:20]]
    return _Refused(422, "invalid_request", "Some values of the request are not valid; see details.", details)


def _bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _path(op: Operation, request: Request) -> dict[str, str]:
    """The path parameters; one that cannot name anything (not its pattern, not one of its values) is a 404."""
    values = {name: str(value) for name, value in request.path_params.items()}
    for name, param in op.path_params.items():
        value, enum, pattern = values.get(name, ""), param.schema.get("enum"), param.schema.get("pattern")
        if (enum is not None and value not in enum) or (pattern and not re.fullmatch(pattern, value)):
            raise _Refused(404, "not_found", "There is nothing of your company at this address.")
    return values


def _query(op: Operation, request: Request) -> BaseModel | None:
    if op.query is None:
        return None
    try:
        return op.query.model_validate(dict(request.query_params))
    except ValidationError as exc:
        raise _invalid(exc, "query") from None


async def _body(op: Operation, request: Request) -> BaseModel | None:
    if op.body is None:
        return None
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise _Refused(415, "unsupported_media_type", "Send the body as application/json.")
    try:
        raw = await read_capped(request, op.body_limit)
    except BodyTooLarge:
        raise _Refused(413, "body_too_large", f"The body is larger than {op.body_limit} bytes.") from None
    try:
        return op.body.model_validate_json(raw or b"null")
    except ValidationError as exc:
        raise _invalid(exc, "body") from None


async def answer(op: Operation, request: Request) -> Response:
    """The operation's answer to `request`: never an unhandled error for a refusal a caller can cause."""
    try:
        caller = await enterprise.authenticate_api_key(_bearer(request), op.scope)
        call = Call(caller, _query(op, request), await _body(op, request), _path(op, request),
                    request.client.host if request.client else None)
        result = await op.handler(call)
    except ServiceError as exc:
        return _service_refusal(exc)
    except _Refused as refused:
        return error_response(refused.status, refused.code, refused.message, details=refused.details)
    if isinstance(result, Response):
        return result
    return JSONResponse(result.model_dump(mode="json"), status_code=op.status, headers=NO_STORE)


def route(op: Operation) -> Route:
    async def endpoint(request: Request) -> Response:
        return await answer(op, request)

    endpoint.__name__ = op.operation_id
    return Route(BASE + op.path, endpoint, methods=[op.method])
