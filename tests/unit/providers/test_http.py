"""The shared HTTP wrapper's retry policy, driven through an in-memory transport."""

import sys

import httpx
import pytest

from providers.base import OutcomeUnknown, RateLimited, TransientProviderError
from providers.http import ProviderHTTP, Rate, RetryPolicy, default_error_for

FAST = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.002, max_retry_after=0.05)


def _client(answers: list) -> tuple[ProviderHTTP, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    http = ProviderHTTP(
        "demo",
        "http://provider.test",
        timeout=1,
        rates={"default": Rate(1000)},
        retry=FAST,
        error_for=lambda r: default_error_for("demo", r),
        transport=httpx.MockTransport(handler),
    )
    return http, seen


async def test_get_is_retried_after_5xx_and_connection_errors():
    http, seen = _client(
        [httpx.Response(502), httpx.ReadTimeout("slow"), httpx.Response(200, json={"ok": 1})]
    )
    response = await http.request("GET", "/x", idempotent=True)
    assert response.json() == {"ok": 1} and len(seen) == 3


async def test_order_post_is_not_resent_after_a_read_timeout():
    http, seen = _client([httpx.ReadTimeout("slow"), httpx.Response(200)])
    with pytest.raises(OutcomeUnknown):
        await http.request("POST", "/orders", idempotent=False, json={})
    assert len(seen) == 1


async def test_order_post_5xx_is_an_unknown_outcome():
    http, seen = _client([httpx.Response(500), httpx.Response(200)])
    with pytest.raises(OutcomeUnknown) as caught:
        await http.request("POST", "/orders", idempotent=False, json={})
    assert caught.value.http_status == 500 and len(seen) == 1


async def test_order_post_is_resent_when_it_never_connected_or_got_429():
    http, seen = _client(
        [
            httpx.ConnectError("refused"),
            httpx.Response(429, headers={"Retry-After": "0"}),
            httpx.Response(200, json={"id": 1}),
        ]
    )
    assert (await http.request("POST", "/orders", idempotent=False, json={})).json() == {"id": 1}
    assert len(seen) == 3


async def test_long_retry_after_is_not_waited():
    http, seen = _client([httpx.Response(429, headers={"Retry-After": "120"})])
    with pytest.raises(RateLimited) as caught:
        await http.request("GET", "/x", idempotent=True)
    assert caught.value.retry_after == 120 and len(seen) == 1


async def test_retries_are_capped():
    http, seen = _client([httpx.Response(503)] * 5)
    with pytest.raises(TransientProviderError):
        await http.request("GET", "/x", idempotent=True)
    assert len(seen) == FAST.attempts


async def test_provider_calls_do_not_search_for_a_module_each_time():
    """httpcore imports sniffio in every lock it makes (several per request): with the package missing,
    each provider call searched sys.path for it again (14 % of a job worker's CPU in bench.checkout)."""
    from httpcore._synchronization import current_async_library

    searched: list[str] = []

    class Recorder:
        def find_spec(self, name: str, path: object = None, target: object = None) -> None:
            searched.append(name)

    current_async_library()
    sys.meta_path.insert(0, Recorder())  # type: ignore[arg-type]
    try:
        current_async_library()
    finally:
        sys.meta_path.pop(0)
    assert searched == []
