"""The async face of the eSIM inventory, distribution, install pages and exports (re-exported by
`services.enterprise`). Each function owns its thread; the synchronous ones live in `inventory`,
`allocation`, `installs` and `exports` for jobs, the business API and tests."""

from __future__ import annotations

import asyncio

from services.core import DEFAULT_LANGUAGE
from services.accounts.sessions import Identity
from services.enterprise import allocation, exports, installs, inventory
from services.enterprise.allocation import AssignedEsim, AssignResult
from services.enterprise.exports import ExportStream
from services.enterprise.installs import InstallView
from services.enterprise.inventory import InventoryPage


async def list_inventory(identity: Identity, *, status: str | None = None, search: str = "", sort: str = "created",
                         descending: bool = True, page: int = 0, page_size: int = 25) -> InventoryPage:
    """One page of the caller's company's eSIMs with derived statuses (any company role)."""
    return await asyncio.to_thread(inventory.list_inventory, identity, status=status, search=search, sort=sort,
                                   descending=descending, page=page, page_size=page_size)


async def esim_counts(identity: Identity) -> dict[str, int]:
    """The number of the caller's company's eSIMs in each status (in_stock, assigned, installed, ...)."""
    return await asyncio.to_thread(inventory.esim_counts, identity)


async def assign_text(identity: Identity, text: str, *, skip_invalid: bool = False,
                      ip: str | None = None) -> AssignResult:
    """Assign in-stock eSIMs to pasted "name, email" lines, all or none (admins and operations)."""
    return await asyncio.to_thread(allocation.assign_text, identity, text, skip_invalid=skip_invalid, ip=ip)


async def assign_csv(identity: Identity, data: bytes, *, skip_invalid: bool = False,
                     ip: str | None = None) -> AssignResult:
    """Assign in-stock eSIMs to the rows of an uploaded CSV file, all or none (admins and operations)."""
    return await asyncio.to_thread(allocation.assign_csv, identity, data, skip_invalid=skip_invalid, ip=ip)


async def assign_esim(identity: Identity, esim_ref: str, name: str, email: str, *,
                      ip: str | None = None) -> AssignedEsim:
    """Give one in-stock eSIM of the caller's company to one person."""
    return await asyncio.to_thread(allocation.assign_one, identity, esim_ref, name, email, ip=ip)


async def revoke_esim(identity: Identity, esim_ref: str, *, ip: str | None = None) -> None:
    """Take an unused eSIM back (its install link dies; it is in stock again)."""
    await asyncio.to_thread(allocation.revoke, identity, esim_ref, ip=ip)


async def end_install_link(identity: Identity, esim_ref: str, *, ip: str | None = None) -> None:
    """End an assigned eSIM's install link now; the recipient keeps the eSIM."""
    await asyncio.to_thread(allocation.end_link, identity, esim_ref, ip=ip)


async def reassign_esim(identity: Identity, esim_ref: str, name: str, email: str, *,
                        ip: str | None = None) -> AssignedEsim:
    """Revoke an unused eSIM and give it to someone else at once."""
    return await asyncio.to_thread(allocation.reassign, identity, esim_ref, name, email, ip=ip)


async def open_install(token: str, *, lang: str = DEFAULT_LANGUAGE) -> InstallView:
    """An employee's install page behind an emailed link (no account; the token is the key), in `lang`."""
    return await asyncio.to_thread(installs.open_install, token, lang=lang)


async def open_export(identity: Identity, kind: str, *, ip: str | None = None) -> ExportStream:
    """Start a CSV export of the caller's company; iterate `chunks` (blocking reads) off the event loop."""
    return await asyncio.to_thread(exports.open_export, identity, kind, ip=ip)
