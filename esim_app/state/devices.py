"""The device-compatibility checker (`/devices`): public, no sign-in; searches the curated list."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from esim_app.state.locale import reader_language
from services import catalog
from services.core import N_, translate

MAX_QUERY_LENGTH = 60
# The caveats of the device list (services/catalog/data/esim_devices.json), marked for the catalogues.
NOTES = (
    N_("Not iPhones bought in mainland China; in Hong Kong and Macao only the iPhone XS, SE (2nd gen), "
       "12 mini and 13 mini have eSIM."),
    N_("Wi-Fi + Cellular models"),
    N_("Models sold in mainland China, Hong Kong, Macao or Taiwan, and some carrier models, have no eSIM."),
    N_("Not models sold in the United States"),
    N_("Not every country's version"),
    N_("Not every country's or carrier's version"),
    N_("Not models sold in mainland China."),
    N_("eSIM depends on the country the phone was sold in."),
)


@dataclass(frozen=True)
class DeviceRow:
    name: str
    note: str


@dataclass(frozen=True)
class MakerGroup:
    maker: str
    note: str
    models: list[DeviceRow]


class DevicesState(rx.State):
    query: str = ""
    makers: list[MakerGroup] = []
    matched: int = 0
    total: int = 0

    async def _show(self) -> None:
        lang = await reader_language(self)
        words = (lambda note: translate(lang, note) if note else "")
        view = await catalog.list_devices(self.query)
        self.makers = [MakerGroup(m.maker, words(m.note), [DeviceRow(d.name, words(d.note)) for d in m.models])
                       for m in view.makers]
        self.matched, self.total = view.matched, view.total

    @rx.event
    async def load(self) -> None:
        """The list for the query the tab holds (kept across a reconnect, which runs this again, so the
        list keeps matching the text the search box still shows)."""
        await self._show()

    @rx.event
    async def set_query(self, value: str) -> None:
        self.query = str(value)[:MAX_QUERY_LENGTH]
        await self._show()
