"""The live check before a customer's refund: is the eSIM really unused, and did the provider cancel it?

Our own records lag behind the provider (usage syncs hourly, webhooks can be late or lost), and the
customer already holds the activation string. So immediately before refunding we ask the provider
for each eSIM's live status and usage, and cancel only what it reports as never installed. The card
is refunded automatically only when that cancel went through; every other answer (installed or
used, a status we cannot read, a provider that cannot cancel or refused, no answer at all) is a
`Verdict` naming why staff must review the request. No database work here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from providers import base as pb
from providers.registry import ProviderRegistry
from services.core.models import EsimStatus
from services.orders.usage import status_from_provider

CANCELLED = "cancelled"
IN_USE = "in_use"  # installed, or data used
UNVERIFIED = "unverified"  # no usage for an eSIM, an unknown status word, or nothing to ask
UNREACHABLE = "unreachable"  # the provider did not answer
UNSUPPORTED = "unsupported"  # the provider has no cancel
REFUSED = "refused"  # the provider answered the cancel with a refusal
UNUSED = (EsimStatus.NOT_INSTALLED, EsimStatus.CANCELLED)  # a cancelled, never-used profile cannot be installed


@dataclass(frozen=True, slots=True)
class CancelTarget:
    order_ref: str
    provider_id: str | None
    provider_order_id: str | None
    iccids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: str  # CANCELLED, or why staff must review
    details: dict[str, Any] = field(default_factory=dict)  # for the audit row: live status and usage, errors

    @property
    def confirmed(self) -> bool:
        return self.outcome == CANCELLED


async def _live_usage(provider: pb.Provider, iccids: tuple[str, ...]) -> list[pb.Usage]:
    size = max(1, provider.capabilities.usage_batch_size)
    found: list[pb.Usage] = []
    for start in range(0, len(iccids), size):
        found.extend(await provider.get_usage(list(iccids[start:start + size])))
    return found


def _unused(usages: list[pb.Usage], iccids: tuple[str, ...]) -> Verdict | None:
    """None when the provider reports every eSIM unused; otherwise why not."""
    by_iccid = {u.iccid: u for u in usages}
    live = {i: {"status": by_iccid[i].provider_status, "used_mb": by_iccid[i].used_mb} for i in iccids
            if i in by_iccid}
    if len(live) != len(iccids):
        return Verdict(UNVERIFIED, {"live": live, "missing": sorted(set(iccids) - set(live))})
    statuses = [status_from_provider(by_iccid[i].provider_status) for i in iccids]
    if any(by_iccid[i].used_mb > 0 for i in iccids) or any(
            s is not None and s not in UNUSED for s in statuses):
        return Verdict(IN_USE, {"live": live})
    if any(s is None for s in statuses):
        return Verdict(UNVERIFIED, {"live": live})
    return None


async def confirm_cancel(target: CancelTarget, registry: ProviderRegistry) -> Verdict:
    """Ask the provider for the live status and usage, then cancel; `confirmed` only when it cancelled."""
    if not (target.provider_id and target.provider_order_id and target.iccids) or target.provider_id not in registry:
        return Verdict(UNVERIFIED, {"provider": target.provider_id})
    provider = registry.get(target.provider_id)
    try:
        usages = await _live_usage(provider, target.iccids)
    except pb.ProviderError as exc:
        return Verdict(UNREACHABLE, {"provider": provider.id, "error": str(exc)[:300]})
    refusal = _unused(usages, target.iccids)
    if refusal is not None:
        return Verdict(refusal.outcome, {"provider": provider.id, **refusal.details})
    if not provider.capabilities.cancel:
        return Verdict(UNSUPPORTED, {"provider": provider.id})
    try:
        await provider.cancel_order(target.provider_order_id)
    except pb.ProviderError as exc:
        unanswered = exc.retryable or isinstance(exc, pb.OutcomeUnknown)
        return Verdict(UNREACHABLE if unanswered else REFUSED, {"provider": provider.id, "error": str(exc)[:300]})
    return Verdict(CANCELLED, {"provider": provider.id})
