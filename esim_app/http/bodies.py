"""Webhook request bodies, read with a cap: a route never holds more than `WEBHOOK_BODY_LIMIT` bytes."""

from starlette.requests import Request

WEBHOOK_BODY_LIMIT = 64 * 1024  # far above any provider's or Stripe's event


class BodyTooLarge(Exception):
    """The body is (or says it is) over the limit; answer 413."""


async def read_capped(request: Request, limit: int = WEBHOOK_BODY_LIMIT) -> bytes:
    """The body, streamed and refused as soon as it passes `limit` (or declares more in Content-Length)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)
