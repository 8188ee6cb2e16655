"""The device-compatibility list: a curated file, searched the way travellers type model names."""

from __future__ import annotations

import datetime as dt
import json

from services.catalog.devices import DATA_FILE, find_devices


def _names(query: str) -> list[str]:
    return [f"{m.maker} {d.name}" for m in find_devices(query).makers for d in m.models]


def test_the_list_covers_the_big_makers_with_well_over_a_hundred_models() -> None:
    everything = find_devices()
    assert everything.matched == everything.total >= 140
    assert [m.maker for m in everything.makers][:3] == ["Apple", "Samsung", "Google"]
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    models = [(m["maker"], d["model"]) for m in data["makers"] for d in m["models"]]
    assert len(models) == len(set(models)), "a model is listed twice"


def test_a_search_ignores_case_spaces_and_word_order() -> None:
    assert "Apple iPhone 15 Pro" in _names("iphone15")
    assert set(_names("iPhone 15")) == {"Apple iPhone 15", "Apple iPhone 15 Plus", "Apple iPhone 15 Pro",
                                        "Apple iPhone 15 Pro Max"}
    assert _names("s24 galaxy ultra") == ["Samsung Galaxy S24 Ultra"]
    assert "Google Pixel 8 Pro" in _names("PIXEL 8 pro")


def test_a_maker_name_finds_all_its_models_and_keeps_its_caveat() -> None:
    apple = find_devices("apple").makers
    assert [m.maker for m in apple] == ["Apple"] and len(apple[0].models) >= 30
    assert "mainland China" in apple[0].note
    pixel3 = next(d for d in find_devices("pixel 3 xl").makers[0].models if d.name == "Pixel 3 XL")
    assert pixel3.note  # early Pixels lack eSIM in some countries


def test_an_unknown_phone_matches_nothing_and_a_blank_search_everything() -> None:
    assert find_devices("nokia 3310").matched == 0 and find_devices("nokia 3310").makers == ()
    assert find_devices("   ").matched == find_devices().total
    assert find_devices("x" * 500).matched == 0  # long input is cut, not an error


def test_every_caveat_in_the_data_file_is_marked_for_translation() -> None:
    from esim_app.state.devices import NOTES

    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    notes = {m["note"] for m in data["makers"]} | {d.get("note", "") for m in data["makers"] for d in m["models"]}
    assert notes - {""} <= set(NOTES), "add the new note to esim_app/state/devices.NOTES and run make translations"


def test_the_data_file_says_where_the_list_comes_from_and_when_it_was_checked() -> None:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert len(data["source"]) > 80  # how it was made and how to check it, for the next person to update it
    year, month = map(int, data["updated"].split("-"))
    assert 2026 <= year and 1 <= month <= 12
    assert (year, month) <= (dt.date.today().year, dt.date.today().month), "updated lies in the future"
