"""Best price per group and auto mode, with admin overrides."""

from services.catalog.selection import OfferState, Selection, select_offers


def _offer(key: str, price: int, *, group: str = "g", cost: int = 0, **flags: bool) -> OfferState:
    return OfferState(key, group, price, cost, f"slug-{key}", **flags)


def test_cheapest_offer_is_the_only_best_and_the_only_enabled_in_auto_mode() -> None:
    chosen = select_offers([_offer("a", 900), _offer("b", 700), _offer("c", 800)], auto_mode=True)
    assert chosen == {"a": Selection(False, False), "b": Selection(True, True), "c": Selection(False, False)}


def test_ties_are_broken_by_cost_then_slug() -> None:
    chosen = select_offers([_offer("b", 700, cost=5), _offer("a", 700, cost=5), _offer("c", 700, cost=4)],
                           auto_mode=True)
    assert [k for k, s in chosen.items() if s.is_best_price] == ["c"]
    chosen = select_offers([_offer("b", 700), _offer("a", 700)], auto_mode=True)
    assert [k for k, s in chosen.items() if s.is_best_price] == ["a"]


def test_groups_are_independent() -> None:
    chosen = select_offers([_offer("a", 900, group="x"), _offer("b", 700, group="y")], auto_mode=True)
    assert chosen["a"].is_best_price and chosen["b"].is_best_price


def test_admin_disabled_cheapest_offer_is_skipped_and_stays_disabled() -> None:
    chosen = select_offers([_offer("a", 500, auto_mode=False, is_enabled=False), _offer("b", 700)], auto_mode=True)
    assert chosen["a"] == Selection(False, False)
    assert chosen["b"] == Selection(True, True)


def test_admin_enabled_dearer_offer_stays_enabled_beside_the_best() -> None:
    chosen = select_offers([_offer("a", 500), _offer("b", 700, auto_mode=False, is_enabled=True)], auto_mode=True)
    assert chosen["a"] == Selection(True, True)
    assert chosen["b"] == Selection(True, False)


def test_auto_mode_off_enables_every_offer_not_switched_off_by_hand() -> None:
    chosen = select_offers(
        [_offer("a", 500), _offer("b", 700, is_enabled=False), _offer("c", 400, auto_mode=False, is_enabled=False)],
        auto_mode=False,
    )
    assert chosen == {"a": Selection(True, True), "b": Selection(True, False), "c": Selection(False, False)}


def test_vanished_offers_are_disabled_and_never_best() -> None:
    chosen = select_offers([_offer("a", 100, vanished=True, auto_mode=False), _offer("b", 700)], auto_mode=True)
    assert chosen["a"] == Selection(False, False)
    assert chosen["b"] == Selection(True, True)


def test_topups_stay_enabled_and_never_compete() -> None:
    chosen = select_offers(
        [_offer("t1", 100, is_topup=True), _offer("t2", 50, is_topup=True),
         _offer("t3", 10, is_topup=True, auto_mode=False, is_enabled=False)],
        auto_mode=True,
    )
    assert chosen == {"t1": Selection(True, False), "t2": Selection(True, False), "t3": Selection(False, False)}


def test_a_group_with_every_offer_switched_off_has_no_best() -> None:
    chosen = select_offers([_offer("a", 100, auto_mode=False, is_enabled=False)], auto_mode=True)
    assert chosen["a"] == Selection(False, False)
