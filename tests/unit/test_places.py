"""A country's or region's page names its place from the address alone, in each language."""

from __future__ import annotations

import json
import re

from esim_app.components.places import tables_module


def _tables() -> dict[str, dict]:
    return {name: json.loads(table) for name, table in
            re.findall(r"^export const (\w+) = (.*);$", tables_module(), re.MULTILINE)}


def test_the_tables_name_every_country_and_region_in_every_language() -> None:
    tables = _tables()
    assert tables["countryNames"]["en"]["japan"] == "Japan" and tables["countryNames"]["ja"]["japan"] == "日本"
    assert tables["countryNames"]["es"]["japan"] == "Japón"
    assert tables["regionNames"]["de"]["europe"] == "Europa" and tables["regionNames"]["en"]["middle-east"] == "Middle East"
    assert tables["countryFlags"]["japan"] == "🇯🇵"
    assert set(tables["countryNames"]) == {"en", "es", "fr", "de", "ja"}
    assert all(len(names) == len(tables["countryFlags"]) > 240 for names in tables["countryNames"].values())
