"""eSIM-capable phones by maker, for the compatibility checker: a curated file, searched in memory.

`data/esim_devices.json` lists makers (with a caveat that applies to all their models, such as
phones sold in mainland China) and their models (each with an optional caveat); its `source` says
where the list comes from and `updated` the month it was last checked. To update it, edit the file
(no code changes): a new caveat also goes into `esim_app/state/devices.NOTES`, then `make
translations` and the translators' entries (the unit tests say what is missing). A search matches
every word the traveller typed, ignoring case, spaces and punctuation, against maker and model, so
"iphone15", "Galaxy s24" and "pixel 8 pro" all find their phone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).with_name("data") / "esim_devices.json"
MAX_QUERY_LENGTH = 60
_NOT_ALNUM = re.compile(r"[^0-9a-z+]+")


@dataclass(frozen=True, slots=True)
class DeviceModel:
    name: str
    note: str  # a caveat of this model ("Wi-Fi + Cellular models"), "" for none


@dataclass(frozen=True, slots=True)
class MakerDevices:
    maker: str
    note: str  # a caveat for every model of the maker, "" for none
    models: tuple[DeviceModel, ...]


@dataclass(frozen=True, slots=True)
class DevicesView:
    makers: tuple[MakerDevices, ...]  # makers with at least one match, in the file's order
    matched: int  # models shown
    total: int  # models in the list


def _compact(text: str) -> str:
    return _NOT_ALNUM.sub("", text.casefold())


@cache
def _all_makers() -> tuple[MakerDevices, ...]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return tuple(
        MakerDevices(m["maker"], m.get("note", ""),
                     tuple(DeviceModel(d["model"], d.get("note", "")) for d in m["models"]))
        for m in data["makers"]
    )


def _matches(words: list[str], maker: str, model: str) -> bool:
    haystack = _compact(f"{maker} {model}")
    return all(w in haystack for w in words)


def find_devices(query: str = "") -> DevicesView:
    """The models matching every word of `query` (all of them when it is blank), grouped by maker."""
    words = [w for w in map(_compact, query[:MAX_QUERY_LENGTH].split()) if w]
    makers = _all_makers()
    found = []
    for maker in makers:
        models = tuple(d for d in maker.models if _matches(words, maker.maker, d.name))
        if models:
            found.append(MakerDevices(maker.maker, maker.note, models))
    return DevicesView(tuple(found), sum(len(m.models) for m in found), sum(len(m.models) for m in makers))
