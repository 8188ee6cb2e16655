"""`/business/api-keys`: a company admin lists, creates and revokes the company's business API keys.

Every handler resolves the caller on the server (company admins only; the service checks again) and
passes the identity to one service call. A new key's secret is shown once, in this tab only: `load`
and `dismiss_secret` forget it, and the database never had it. Revoking takes only ids of keys this
tab was shown, and asks for a confirmation first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import reflex as rx

from esim_app.components.table import TableState
from esim_app.errors import message_for
from esim_app.state.auth import EnterpriseState
from services import enterprise
from services.core import ServiceError

ROLES = ("admin",)
MAX_NAME = 100


@dataclass(frozen=True)
class ApiKeyRow:
    id: int
    name: str
    prefix: str
    scopes: str
    created: str
    last_used: str
    status: str  # "active" or "revoked"


def _when(value: dt.datetime | None, empty: str = "Never") -> str:
    return value.astimezone(dt.UTC).strftime("%d %b %Y %H:%M UTC") if value else empty


def _row(key: enterprise.ApiKeyView) -> ApiKeyRow:
    return ApiKeyRow(id=key.id, name=key.name, prefix=key.prefix, scopes=", ".join(key.scopes),
                     created=f"{_when(key.created_at)} by {key.created_by or 'a former user'}",
                     last_used=_when(key.last_used_at), status="revoked" if key.revoked_at else "active")


class ApiKeysState(TableState, EnterpriseState):
    keys: list[ApiKeyRow] = []
    scopes: list[str] = list(enterprise.API_SCOPES)
    secret: str = ""  # the key just created, shown once
    pending_id: int = 0  # the key the revoke confirmation is about
    pending_name: str = ""
    error: str = ""
    notice: str = ""
    page_size: int = 20
    _all: list[ApiKeyRow] = []
    _sortable: ClassVar[tuple[str, ...]] = ()

    def _clear(self) -> None:
        self.keys, self._all, self.secret, self.pending_id, self.pending_name = [], [], "", 0, ""
        self._set_total(0)

    async def _fetch_page(self) -> int:
        start = self.page * self.page_size
        self.keys = self._all[start:start + self.page_size]
        return len(self._all)

    async def _reload(self, identity) -> None:  # noqa: ANN001 - the identity `_require` resolved
        self._all = [_row(key) for key in await enterprise.list_api_keys(identity)]
        self.page = max(0, min(self.page, -(-len(self._all) // self.page_size) - 1))
        await self._refresh()

    @rx.event
    async def load(self):
        identity, redirect = await self._require("enterprise", ROLES)
        self._clear()
        self.error = self.notice = ""
        if redirect:
            return redirect
        try:
            await self._reload(identity)
        except ServiceError as exc:
            self.error = message_for(exc)
        return None

    @rx.event
    async def create(self, form: dict[str, str]):
        identity, redirect = await self._require("enterprise", ROLES)
        if redirect:
            self._clear()
            return redirect
        self.error = self.notice = self.secret = ""
        wanted = [scope for scope in enterprise.API_SCOPES if form.get(f"scope_{scope}")]
        try:
            created = await enterprise.create_api_key(identity, str(form.get("name", ""))[:MAX_NAME], wanted,  # type: ignore[arg-type]
                                                      ip=self.router.session.client_ip)
            self.secret = created.secret
            await self._reload(identity)
        except ServiceError as exc:
            self.error = message_for(exc)
        return None

    @rx.event
    def dismiss_secret(self) -> None:
        self.secret = ""

    @rx.event
    async def ask_revoke(self, key_id: int):
        """The confirm step: remember which listed, active key to revoke."""
        _, redirect = await self._require("enterprise", ROLES)
        if redirect:
            self._clear()
            return redirect
        self.error = self.notice = ""
        listed = {row.id: row for row in self._all if row.status == "active"}
        row = listed.get(key_id) if isinstance(key_id, int) else None
        self.pending_id, self.pending_name = (row.id, row.name) if row else (0, "")
        return None

    @rx.event
    def cancel_revoke(self) -> None:
        self.pending_id, self.pending_name = 0, ""

    @rx.event
    async def revoke(self):
        identity, redirect = await self._require("enterprise", ROLES)
        if redirect:
            self._clear()
            return redirect
        if not self.pending_id:
            return None
        key_id, self.pending_id, self.pending_name = self.pending_id, 0, ""
        try:
            revoked = await enterprise.revoke_api_key(identity, key_id, ip=self.router.session.client_ip)  # type: ignore[arg-type]
            await self._reload(identity)
        except ServiceError as exc:
            self.error = message_for(exc)
            return None
        self.notice = f"The key \u201c{revoked.name}\u201d ({revoked.prefix}) is revoked; it stops working at once."
        return None
