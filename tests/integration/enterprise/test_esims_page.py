"""The `/business/esims` and `/install/[token]` states, driven as a browser tab drives them."""

from __future__ import annotations

import io
import uuid

import reflex as rx
import sqlalchemy as sa
from reflex.istate.data import PageData
from reflex_base import constants

from esim_app.state.esims import EsimsState, InstallState
from services.accounts import passwords
from services.core import db
from services.enterprise import allocation
from tests.integration.enterprise.test_distribution import _link
from tests.support.enterprise import company_esims, company_user
from tests.support.tabs import SignedIn, exchange, tab

PASSWORD = "correct horse battery"


def _signed_in(role: str, company_id: int | None = None) -> SignedIn:
    email = f"p-{role}-{uuid.uuid4().hex[:8]}@example.com"
    company_user(email, PASSWORD, role=role, company_id=company_id)
    return exchange(passwords.login_with_password("enterprise", email, PASSWORD, ip="10.8.0.1", user_agent=None))


async def _submit(state: EsimsState, lines: str = "", csv: bytes | None = None) -> None:
    await EsimsState.event_handlers["take_form"].fn(state, {"lines": lines})
    files = [rx.UploadFile(file=io.BytesIO(csv))] if csv is not None else []
    await EsimsState.event_handlers["submit_assign"].fn(state, files)


async def test_an_operations_user_uploads_a_csv_fixes_a_bad_line_and_takes_one_back(database_url: str) -> None:
    ops = _signed_in("operations")
    company_esims(ops.identity.org_id, 3)  # type: ignore[arg-type]
    state = tab(EsimsState, ops.token)
    await EsimsState.event_handlers["load"].fn(state)
    assert state.can_assign and state.can_export and state.total == 3
    assert [r.status for r in state.rows] == ["in_stock"] * 3

    await _submit(state, csv=b"name,email\nAda,ada-p@example.com\nBob,bob-at-example.com\n")
    assert state.assign_errors == ["Line 3: 'bob-at-example.com' is not a valid email address"]
    assert "nothing was assigned" in state.error and state.assign_result == ""
    await _submit(state, csv=b"name,email\nAda,ada-p@example.com\nBob,bob-p@example.com\n")
    assert state.error == "" and state.assign_errors == [] and state.assign_result.startswith("Assigned 2 eSIMs")
    assert sorted(r.recipient for r in state.rows) == ["", "Ada", "Bob"]

    stock = next(r.ref for r in state.rows if r.assignable)
    await EsimsState.event_handlers["pick"].fn(state, stock)
    await EsimsState.event_handlers["assign_picked"].fn(state, {"name": "Cy", "email": "cy-p@example.com"})
    assert state.picked_ref == "" and all(r.status == "assigned" for r in state.rows)
    await _submit(state, lines="Dee, dee-p@example.com")
    assert "Only 0 eSIMs are in stock" in state.error

    ada = next(r.ref for r in state.rows if r.recipient == "Ada")
    await EsimsState.event_handlers["ask_revoke"].fn(state, ada)
    await EsimsState.event_handlers["confirm_revoke"].fn(state)
    assert next(r for r in state.rows if r.ref == ada).status == "in_stock"
    bob = next(r for r in state.rows if r.recipient == "Bob")
    assert bob.revocable and not bob.link_endable

    rx.State.setup_dynamic_args({"install_token": constants.RouteArgType.SINGLE})  # as the app registers it
    install = tab(InstallState, "")
    install.parent_state.parent_state.rx_router_page = PageData.from_router_data(  # type: ignore[union-attr]
        {"pathname": "/install/x", "query": {"install_token": _link("bob-p@example.com")}})
    await InstallState.event_handlers["load"].fn(install)
    assert install.found and install.recipient_name == "Bob" and install.lpa.startswith("LPA:1$")
    install.parent_state.parent_state.rx_router_page = PageData.from_router_data(  # type: ignore[union-attr]
        {"pathname": "/install/x", "query": {"install_token": _link("ada-p@example.com")}})
    await InstallState.event_handlers["load"].fn(install)
    assert not install.found and install.lpa == "" and "revoked or has expired" in install.error


async def test_a_viewer_reads_but_cannot_assign_or_export(database_url: str) -> None:
    admin = _signed_in("admin")
    company_esims(admin.identity.org_id, 1)  # type: ignore[arg-type]
    viewer = _signed_in("viewer", admin.identity.org_id)
    state = tab(EsimsState, viewer.token)
    await EsimsState.event_handlers["load"].fn(state)
    assert state.total == 1 and not state.can_assign and not state.can_export
    await _submit(state, lines="Eve, eve-p@example.com")  # sent to the portal's home, nothing assigned
    assert state.rows == []
    await EsimsState.event_handlers["load"].fn(state)
    assert state.rows[0].status == "in_stock" and state.rows[0].recipient == ""


async def test_an_admin_ends_the_install_link_of_an_installed_esim(database_url: str) -> None:
    admin = _signed_in("admin")
    ref = company_esims(admin.identity.org_id, 1)[0]  # type: ignore[arg-type]
    allocation.assign_one(admin.identity, ref, "Ida", "ida-p@example.com")
    with db.session() as s:
        s.exec(sa.text("UPDATE esims SET status = 'active', used_mb = 10 WHERE display_id = :r").bindparams(r=ref))
        s.commit()
    state = tab(EsimsState, admin.token)
    await EsimsState.event_handlers["load"].fn(state)
    assert state.rows[0].status == "active" and state.rows[0].link_endable and not state.rows[0].revocable
    await EsimsState.event_handlers["ask_revoke"].fn(state, ref)
    assert state.revoking_ref == ref and state.ending_link
    await EsimsState.event_handlers["confirm_revoke"].fn(state)
    assert "keeps the eSIM" in state.assign_result and not state.rows[0].link_endable
    assert state.rows[0].recipient == "Ida"
