"""The catalogue read cache: a value loaded across an invalidation is not kept."""

from services.core import cache


def test_a_value_loaded_while_the_cache_was_invalidated_is_not_kept() -> None:
    loads: list[str] = []

    def load_then_change() -> str:  # the read, then a settings change that invalidates before it is stored
        loads.append("old")
        cache.forget_local()
        return "old"

    assert cache.cached(("test", "race"), load_then_change) == "old"
    assert cache.cached(("test", "race"), lambda: "new") == "new"  # loaded again, not the old value
    assert cache.cached(("test", "race"), lambda: "newer") == "new"  # and that one is kept
    assert loads == ["old"]
