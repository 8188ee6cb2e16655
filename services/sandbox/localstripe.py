"""localstripe, the Stripe API emulator, for the sandbox (`make run`) and tests.

localstripe 1.15.10 lacks Stripe behaviour our payment code relies on, so `serve` patches it in
its own process before starting it:

- `Idempotency-Key` is ignored: a POST repeated with the same key now returns the first answer.
- Its store is pickled to one fixed `/tmp/localstripe.pickle` that every instance shares: now a
  file per instance (`--state-file`) or nothing at all.
- Stripe's test card 4000 0000 0000 0002 only fails when attached to a customer: it now also
  declines when charged, as on Stripe.
- Refunds send no event: they now send `charge.refunded`.
- A declined intent keeps its failed charge and so can never be confirmed again: a new payment
  method now clears it, so the customer can retry with another card, as on Stripe.

Its fake Stripe.js (`/js.stripe.com/v3/`) cannot pay an intent with a card (its
`confirmCardPayment` only answers 3-D Secure for an intent confirmed server-side), and its
`/confirm` refuses a `payment_method`. `confirm_card` therefore makes the API calls that
confirming a card payment amounts to, for tests and the sandbox checkout.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import hashlib
import hmac
import os
import pickle
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import httpx

DECLINED_ON_CHARGE = frozenset({"4000000000000002", "4000000000009995"})  # generic decline, no funds
START_TIMEOUT = 60.0  # a cold start on a loaded 2-core machine (imports, aiohttp) has taken over 20 s

_processes: dict[int, subprocess.Popen[bytes]] = {}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(
    port: int,
    *,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    state_file: str | None = None,
) -> str:
    """Start localstripe on 127.0.0.1:`port` as a subprocess; return its base URL once it answers.

    With `webhook_url` and `webhook_secret` its events are posted, signed, to that URL. Without
    `state_file` nothing survives a restart. The process is stopped at interpreter exit.
    """
    command = [sys.executable, "-m", "services.sandbox.localstripe", "--port", str(port)]
    if state_file:
        command += ["--state-file", state_file]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _processes[port] = proc
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(base_url, proc)
        if webhook_url and webhook_secret:
            register_webhook(base_url, url=webhook_url, secret=webhook_secret)
    except BaseException:
        stop(port)
        raise
    return base_url


def stop(port: int) -> None:
    """Stop the localstripe this process started on `port` (no-op if none)."""
    proc = _processes.pop(port, None)
    if proc is not None:
        terminate(proc)


def terminate(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM a child, SIGKILL it after 10 s, and reap it."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


atexit.register(lambda: [stop(port) for port in list(_processes)])


@contextlib.contextmanager
def running(port: int | None = None, *, webhook_url: str | None = None,
            webhook_secret: str | None = None) -> Iterator[str]:
    """A fresh localstripe (on a free port by default) for the length of the block; yields its URL."""
    port = port or free_port()
    base_url = start(port, webhook_url=webhook_url, webhook_secret=webhook_secret)
    try:
        yield base_url
    finally:
        stop(port)


def _wait_until_answering(base_url: str, proc: subprocess.Popen[bytes], timeout: float = START_TIMEOUT) -> None:
    """Return once localstripe serves Stripe.js; raise at once if it exits, or after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"localstripe on {base_url} exited with {proc.returncode} before it answered "
                               f"(run `python -m services.sandbox.localstripe --port N` to see why)")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base_url}/js.stripe.com/v3/", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise TimeoutError(f"localstripe did not answer on {base_url} within {timeout:g} s (is the machine overloaded?)")


def register_webhook(base_url: str, *, url: str, secret: str, name: str = "esim") -> None:
    """Have localstripe post every event, signed with `secret`, to `url` (replaces `name`)."""
    httpx.post(f"{base_url}/_config/webhooks/{name}", data={"url": url, "secret": secret}).raise_for_status()


def signature_header(payload: bytes, secret: str, *, timestamp: int | None = None) -> str:
    """A `Stripe-Signature` header for `payload`, made as Stripe (and localstripe) make it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), b"%d.%s" % (timestamp, payload), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def confirm_card(
    base_url: str,
    *,
    client_secret: str,
    card_number: str,
    secret_key: str,
    publishable_key: str,
    authenticate: bool = True,
) -> dict[str, Any]:
    """Pay a PaymentIntent with a test card as Stripe.js's `confirmCardPayment` would; return the intent.

    A declined card leaves the intent in `requires_payment_method` with `last_payment_error`. A
    3-D Secure card is authenticated (or fails, with `authenticate=False`) like the fake modal does.
    """
    intent_id = client_secret.split("_secret_")[0]
    with httpx.Client(base_url=base_url, auth=(secret_key, ""), timeout=10) as http:
        card = {"type": "card", "card[number]": card_number, "card[exp_month]": "12",
                "card[exp_year]": "2034", "card[cvc]": "123"}
        method = http.post("/v1/payment_methods", data=card).raise_for_status().json()
        http.post(f"/v1/payment_intents/{intent_id}", data={"payment_method": method["id"]}).raise_for_status()
        confirmed = http.post(f"/v1/payment_intents/{intent_id}/confirm")
        if confirmed.status_code != 402:  # 402: declined, reported on the intent
            confirmed.raise_for_status()
        intent = http.get(f"/v1/payment_intents/{intent_id}").raise_for_status().json()
        if intent["status"] == "requires_action":
            http.post(f"/v1/payment_intents/{intent_id}/_authenticate",
                      params={"success": str(authenticate).lower()},
                      data={"key": publishable_key, "client_secret": client_secret}, auth=None)
            intent = http.get(f"/v1/payment_intents/{intent_id}").raise_for_status().json()
    return intent


# --- the patched server, run in its own process -------------------------------------------------


def _patch_store(state_file: str | None) -> None:
    from localstripe.resources import Store

    def load(self: Store) -> None:
        if state_file and os.path.exists(state_file):
            with open(state_file, "rb") as f:
                self.update(pickle.load(f))

    def dump(self: Store) -> None:
        if state_file:
            os.makedirs(os.path.dirname(os.path.abspath(state_file)), exist_ok=True)
            with open(state_file, "wb") as f:
                pickle.dump(dict(self), f, protocol=pickle.HIGHEST_PROTOCOL)

    Store.try_load_from_disk, Store.dump_to_disk = load, dump


def _patch_declines() -> None:
    from localstripe.resources import PaymentMethod

    original = PaymentMethod._charging_is_declined

    def declined(self: Any) -> bool:
        return getattr(self, "_card_number", None) in DECLINED_ON_CHARGE or original(self)

    PaymentMethod._charging_is_declined = declined


def _patch_refund_events() -> None:
    from localstripe.resources import Charge, Event, Refund
    from localstripe.webhooks import schedule_webhook

    original = Refund.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        schedule_webhook(Event("charge.refunded", Charge._api_retrieve(self.charge)))

    Refund.__init__ = init


def _patch_retry_after_decline() -> None:
    from localstripe.resources import PaymentIntent

    original = PaymentIntent._api_update.__func__

    def update(cls: Any, id: str, **data: Any) -> Any:
        intent = cls._api_retrieve(id)
        if "payment_method" in data and intent.latest_charge and intent.latest_charge.status == "failed":
            intent.latest_charge = None
        return original(cls, id, **data)

    PaymentIntent._api_update = classmethod(update)


def _patch_payment_method_from_token() -> None:
    """Accept `card[token]` when creating a PaymentMethod, as Stripe does.

    The checkout tokenises the card in the browser (`stripe.createToken`, which both Stripe.js and
    localstripe's fake implement) and the server turns the token into a PaymentMethod.
    """
    from localstripe.resources import PaymentMethod, Token

    original = PaymentMethod.__init__

    def init(self: Any, type: Any = None, card: Any = None, **kwargs: Any) -> None:
        if type == "card" and isinstance(card, dict) and set(card) == {"token"}:
            tokenised = Token._api_retrieve(card["token"]).card
            card = {"number": tokenised._card_number, "exp_month": tokenised.exp_month,
                    "exp_year": tokenised.exp_year, "cvc": "123"}
        original(self, type=type, card=card, **kwargs)

    PaymentMethod.__init__ = init


def _idempotency_middleware() -> Any:
    """Replay the first answer (success or card error) to a POST repeated with the same key."""
    from aiohttp import web
    from localstripe.errors import UserError

    answers: dict[tuple[str, str], tuple[int, bytes]] = {}
    locks: defaultdict[tuple[str, str], asyncio.Lock] = defaultdict(asyncio.Lock)

    @web.middleware
    async def middleware(request: web.Request, handler: Any) -> web.StreamResponse:
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or not key:
            return await handler(request)
        slot = (request.headers.get("Authorization", ""), key)
        async with locks[slot]:
            if slot not in answers:
                try:
                    response = await handler(request)
                except UserError as exc:
                    response = exc.to_response()
                if not (200 <= response.status < 300 or response.status == 402):
                    return response
                answers[slot] = (response.status, response.body)
            status, body = answers[slot]
        return web.Response(status=status, body=body, content_type="application/json")

    return middleware


def serve(port: int, *, state_file: str | None = None) -> None:
    """Run the patched localstripe on 127.0.0.1:`port` until interrupted."""
    from aiohttp import web
    from localstripe.resources import store
    from localstripe.server import app

    _patch_store(state_file)
    _patch_declines()
    _patch_refund_events()
    _patch_retry_after_decline()
    _patch_payment_method_from_token()
    app.middlewares.append(_idempotency_middleware())
    store.try_load_from_disk()
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--state-file", help="keep the emulator's data in this file across restarts")
    args = parser.parse_args(argv)
    serve(args.port, state_file=args.state_file)


if __name__ == "__main__":
    main()
