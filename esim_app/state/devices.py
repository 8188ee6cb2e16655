"""The device-compatibility checker (`/devices`): public, no sign-in; searches the curated list."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from services import catalog

MAX_QUERY_LENGTH = 60


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
        view = await catalog.list_devices(self.query)
        self.makers = [MakerGroup(m.maker, m.note, [DeviceRow(d.name, d.note) for d in m.models])
                       for m in view.makers]
        self.matched, self.total = view.matched, view.total

    @rx.event
    async def load(self) -> None:
        self.query = ""
        await self._show()

    @rx.event
    async def set_query(self, value: str) -> None:
        self.query = str(value)[:MAX_QUERY_LENGTH]
        await self._show()
