"""The live side of the providers page: balances, "test connection" and "sync now", against the registry.

Each is a provider call like any other, so it is recorded in `provider_calls` too. A balance read
here is compared with the low-balance threshold (`providers.note_balance`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from providers import base as pb
from providers.registry import ProviderRegistry
from services.accounts.sessions import Identity
from services.accounts.staff_access import active_staff_id
from services.admin import providers
from services.admin.access import OPERATORS
from services.catalog import sync
from services.core.money import format_money

BALANCE_TIMEOUT = 8.0


@dataclass(frozen=True, slots=True)
class ConnectionTestView:
    provider_id: str
    ok: bool
    latency_ms: int
    detail: str  # the balance, or what went wrong (staff only: may name the provider's error)


def _money(balance: pb.Balance) -> str:
    try:
        return format_money(int((balance.amount * 100).to_integral_value()), balance.currency)
    except (ValueError, KeyError):
        return f"{balance.amount:,.2f} {balance.currency}"


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "no answer in time"
    code = getattr(exc, "code", None)
    return f"{type(exc).__name__}{f' {code}' if code else ''}: {exc}"[:200]


async def _balance(registry: ProviderRegistry, provider_id: str) -> tuple[pb.Balance | None, str | None]:
    try:
        balance = await asyncio.wait_for(registry.get(provider_id).get_balance(), BALANCE_TIMEOUT)
    except pb.ProviderNotSupported:
        return None, "not offered by this provider"
    except (pb.ProviderError, TimeoutError) as exc:
        return None, _error_text(exc)
    await asyncio.to_thread(providers.note_balance, provider_id, balance.amount, balance.currency)
    return balance, None


async def check_balances(registry: ProviderRegistry) -> int:
    """Read every configured provider's balance (alerting staff on a new low); how many were read.
    Run after each scheduled catalogue sync, so a low balance is noticed without anyone looking."""
    found = await asyncio.gather(*(_balance(registry, pid) for pid in registry.ids))
    return sum(balance is not None for balance, _ in found)


async def overview_with_balances(identity: Identity, registry: ProviderRegistry) -> providers.ProvidersOverview:
    """The providers page: figures from the database, balances read live (concurrently)."""
    found = await asyncio.to_thread(providers.overview, identity, configured=registry.ids)
    live = [p for p in found.providers if p.configured]
    balances = await asyncio.gather(*(_balance(registry, p.provider_id) for p in live))
    by_id = dict(zip((p.provider_id for p in live), balances, strict=True))
    views = []
    for view in found.providers:
        balance, error = by_id.get(view.provider_id, (None, None))
        low = balance is not None and view.low_balance_threshold is not None \
            and balance.amount < view.low_balance_threshold
        views.append(dataclasses.replace(view, balance=_money(balance) if balance else None, balance_low=low,
                                         balance_error=error))
    return dataclasses.replace(found, providers=tuple(views))


async def test_connection(identity: Identity, provider_id: str, registry: ProviderRegistry) -> ConnectionTestView:
    """A cheap authenticated call (the balance), timed."""
    await asyncio.to_thread(active_staff_id, identity, OPERATORS)
    if provider_id not in registry:
        raise providers.UnknownProvider(f"provider {provider_id!r} is not configured")
    clock = time.perf_counter()
    balance, error = await _balance(registry, provider_id)
    latency = round((time.perf_counter() - clock) * 1000)
    if balance is None:
        return ConnectionTestView(provider_id, False, latency, error or "failed")
    return ConnectionTestView(provider_id, True, latency, f"Balance {_money(balance)}")


async def sync_catalogue(identity: Identity, registry: ProviderRegistry) -> AsyncIterator[str]:
    """Run the catalogue sync now, yielding progress lines, then a summary line."""
    await asyncio.to_thread(active_staff_id, identity, OPERATORS)
    lines: asyncio.Queue[str] = asyncio.Queue()
    task = asyncio.ensure_future(sync.sync_packages(registry, progress=lines.put_nowait))
    yield f"Fetching {len(registry)} providers"
    while not task.done() or not lines.empty():
        getter = asyncio.ensure_future(lines.get())
        await asyncio.wait({task, getter}, return_when=asyncio.FIRST_COMPLETED)
        if getter.done():
            yield getter.result()
        else:
            getter.cancel()
    report = task.result()
    failed = f", {len(report.errors)} providers failed" if report.errors else ""
    yield (f"Done in {report.duration_seconds:.1f} s: {report.processed} packages, {report.groups} groups, "
           f"{report.enabled_offers} offers on sale{failed}")
