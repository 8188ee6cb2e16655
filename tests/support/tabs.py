"""A browser tab's state tree as a handler sees it, for calling handlers directly in tests."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx
from reflex.istate.data import HeaderData, SessionData

from esim_app.http.session import cookie_name
from services.accounts import sessions


@dataclass(frozen=True)
class SignedIn:
    """A browser after the sign-in route: the cookie's token, and who it is."""

    token: str
    identity: sessions.Identity


def exchange(new: sessions.NewSession) -> SignedIn:
    """What `/api/session/start` does with the ticket of a fresh sign-in."""
    started = sessions.exchange_ticket(new.ticket)
    assert started is not None, "the ticket was refused"
    return SignedIn(started.token, new.identity)


def tab(state_class: type[rx.State], token: str = "", *, ip: str = "203.0.113.9") -> rx.State:
    """`state_class` in a fresh tab whose websocket handshake carried the session cookie `token`."""
    root = rx.State()
    cookie = f"theme=dark; {cookie_name()}={token}" if token else "theme=dark"
    root.rx_router_headers = HeaderData.from_router_data({"headers": {"cookie": cookie, "user-agent": "pytest"}})
    root.rx_router_session = SessionData.from_router_data({"ip": ip, "token": "tab", "sid": "sid"})
    return root.get_substate(state_class.get_full_name().split(".")[1:])
