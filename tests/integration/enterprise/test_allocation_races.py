"""The seed's critical part on PostgreSQL: concurrent assignment requests never give an eSIM two
recipients, and every request that loses a race is refused whole with "already allocated".

Each client is a thread with its own database connection from the pool; a barrier starts them together.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable

import sqlalchemy as sa

from esim_app.errors import message_for
from services.core import ServiceError, db
from services.enterprise import allocation, inventory
from services.enterprise.distribution_errors import ALREADY_ALLOCATED, AllocationConflict
from services.enterprise.recipients import Recipient
from tests.support.enterprise import company_esims, member

CLIENTS, REQUESTS, ESIMS = 20, 50, 100


def _race(clients: int, requests: int, call: Callable[[int, int], object]) -> list[object]:
    """Run `call(client, k)` for k in range(requests) on `clients` threads started together; the outcomes."""
    barrier, outcomes, lock = threading.Barrier(clients), [], threading.Lock()

    def client(c: int) -> None:
        barrier.wait()
        for k in range(requests):
            try:
                outcome: object = call(c, k)
            except ServiceError as exc:
                outcome = exc
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def _doubles_and_live(company_id: int) -> tuple[int, int]:
    with db.get_engine().connect() as conn:
        doubles = conn.execute(sa.text(
            "SELECT count(*) FROM (SELECT esim_id FROM esim_allocations WHERE enterprise_account_id = :c"
            " GROUP BY esim_id HAVING count(*) > 1) d"), {"c": company_id}).scalar()
        live = conn.execute(sa.text("SELECT count(*) FROM esim_allocations WHERE enterprise_account_id = :c"
                                    " AND revoked_at IS NULL"), {"c": company_id}).scalar()
    return doubles, live  # type: ignore[return-value]


def test_20_clients_x_50_requests_over_100_esims_give_exactly_100_allocations(database_url: str) -> None:
    admin = member("operations")
    refs = company_esims(admin.org_id, ESIMS)  # type: ignore[arg-type]

    def request(c: int, k: int) -> object:  # at step k, ten clients want the same eSIM
        ref = refs[(2 * k + c % 2) % ESIMS]
        return allocation.assign(admin, [Recipient(f"Person {c}-{k}", f"p{c}-{k}@example.com")], esim_refs=[ref])

    outcomes = _race(CLIENTS, REQUESTS, request)
    winners = [o for o in outcomes if isinstance(o, allocation.AssignResult)]
    losers = [o for o in outcomes if not isinstance(o, allocation.AssignResult)]
    assert len(outcomes) == CLIENTS * REQUESTS
    assert len(winners) == ESIMS and len(losers) == CLIENTS * REQUESTS - ESIMS
    assert all(isinstance(o, AllocationConflict) and message_for(o) == ALREADY_ALLOCATED for o in losers)
    assert Counter(w.assigned[0].esim_ref for w in winners) == Counter(refs)  # type: ignore[union-attr]
    assert _doubles_and_live(admin.org_id) == (0, ESIMS)  # type: ignore[arg-type]


def test_overlapping_batches_are_all_or_nothing(database_url: str) -> None:
    admin = member("admin")
    refs = company_esims(admin.org_id, 40)  # type: ignore[arg-type]
    rng = random.Random(7)
    wanted = {(c, k): rng.sample(refs, 4) for c in range(10) for k in range(10)}

    def request(c: int, k: int) -> object:
        people = [Recipient(f"P {c}-{k}-{i}", f"b{c}-{k}-{i}@example.com") for i in range(4)]
        return allocation.assign(admin, people, esim_refs=wanted[c, k]), wanted[c, k]

    outcomes = _race(10, 10, request)
    won = [o for o in outcomes if isinstance(o, tuple)]
    assert all(isinstance(o, AllocationConflict) for o in outcomes if not isinstance(o, tuple))
    assert won, "some batch must win"
    given = [a.esim_ref for result, _ in won for a in result.assigned]  # type: ignore[attr-defined]
    assert len(given) == len(set(given)) == 4 * len(won)
    assert all(sorted(a.esim_ref for a in r.assigned) == sorted(w) for r, w in won)  # type: ignore[attr-defined]
    assert _doubles_and_live(admin.org_id) == (0, len(given))  # type: ignore[arg-type]


def test_concurrent_requests_for_any_in_stock_esim_never_overbook(database_url: str) -> None:
    admin = member("admin")
    company_esims(admin.org_id, 30)  # type: ignore[arg-type]

    def request(c: int, k: int) -> object:
        return allocation.assign(admin, [Recipient(f"S {c}-{k}", f"s{c}-{k}@example.com")])

    outcomes = _race(10, 5, request)
    won = sum(isinstance(o, allocation.AssignResult) for o in outcomes)
    refused = {type(o).__name__ for o in outcomes if not isinstance(o, allocation.AssignResult)}
    assert refused <= {"AllocationConflict", "NotEnoughStock"}  # taken meanwhile, or none left at all
    assert _doubles_and_live(admin.org_id) == (0, won)  # type: ignore[arg-type]
    left = inventory.list_inventory(admin, status="in_stock").total
    assert won <= 30 and won + left == 30  # nothing lost: what no request got is still in stock
