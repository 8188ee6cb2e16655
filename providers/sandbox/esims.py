"""Simulated eSIM profiles: identifiers, bundles (plan plus top-ups) and usage that advances with time.

Usage is deterministic given the clock: a profile is first used `FIRST_USE_AFTER` after it was
issued, then consumes a per-ICCID share of its allowance per day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import string
import time
from dataclasses import dataclass, field

from providers.sandbox.catalogue import Offer

FIRST_USE_AFTER = dt.timedelta(hours=1)
UNLIMITED_MB_PER_DAY = 900


@dataclass
class Bundle:
    offer: Offer
    added_at: dt.datetime
    reference: str  # client reference of the order or top-up that added it


@dataclass
class Profile:
    iccid: str
    smdp_address: str
    matching_id: str
    issued_at: dt.datetime
    pace: float = 1.0  # how fast its owner uses data: 1.0 uses the allowance exactly over the validity
    bundles: list[Bundle] = field(default_factory=list)
    cancelled: bool = False
    customer_ref: str | None = None

    @property
    def first_use_at(self) -> dt.datetime:
        return self.issued_at + FIRST_USE_AFTER

    @property
    def unlimited(self) -> bool:
        return any(b.offer.plan.unlimited for b in self.bundles)

    def total_mb(self) -> int | None:
        if self.unlimited:
            return None
        return sum(b.offer.plan.data_mb or 0 for b in self.bundles)

    def expires_at(self) -> dt.datetime:
        start = self.first_use_at
        return max(max(start, b.added_at) + dt.timedelta(days=b.offer.plan.days) for b in self.bundles)

    def used(self, now: dt.datetime) -> bool:
        return now >= self.first_use_at

    def used_mb(self, now: dt.datetime) -> int:
        """Megabytes used by `now` (nominal MB, 1 GB = 1024 MB)."""
        if not self.used(now) or self.cancelled:
            return 0
        elapsed_days = (min(now, self.expires_at()) - self.first_use_at).total_seconds() / 86400
        pace = self.pace
        total = self.total_mb()
        if total is None:
            return int(UNLIMITED_MB_PER_DAY * pace * elapsed_days)
        days = self.bundles[0].offer.plan.days
        return min(total, int(total * pace * elapsed_days / days))

    def status(self, now: dt.datetime) -> str:
        """NOT_ACTIVE | ACTIVE | FINISHED | EXPIRED (Airalo's vocabulary; the others map from it)."""
        if not self.used(now):
            return "NOT_ACTIVE"
        if now >= self.expires_at():
            return "EXPIRED"
        total = self.total_mb()
        if total is not None and self.used_mb(now) >= total:
            return "FINISHED"
        return "ACTIVE"


class ProfileFactory:
    """ICCIDs and activation codes per simulator.

    Serials start from the clock (10 per millisecond of wall time), so a restarted simulator never
    hands out an ICCID an earlier run gave to a customer whose eSIM is still in the database.
    """

    def __init__(self, *, iccid_prefix: str, smdp_address: str, seed: str) -> None:
        self._prefix, self._smdp, self._seed = iccid_prefix, smdp_address, seed
        self._next = time.time_ns() // 1_000_000 % 10**11 * 10 + 1
        self.pace: float | None = None  # tests fix every new profile's pace; None: 0.6-1.4, varying by ICCID

    def issue(self, now: dt.datetime) -> Profile:
        serial = self._next
        self._next += 1
        body = f"{self._prefix}{serial:0{18 - len(self._prefix)}d}"
        iccid = body + _luhn_digit(body)
        digest = hashlib.sha256(f"{self._seed}:{iccid}".encode()).hexdigest().upper()
        rng = random.Random(digest)
        matching = "-".join(
            "".join(rng.choices(string.ascii_uppercase + string.digits, k=4)) for _ in range(3)
        )
        pace = self.pace if self.pace is not None else random.Random(iccid).uniform(0.6, 1.4)
        return Profile(iccid=iccid, smdp_address=self._smdp, matching_id=matching, issued_at=now, pace=pace)


def _luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return str((10 - total % 10) % 10)
