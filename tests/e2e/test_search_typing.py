"""The destination search keeps every character typed while the server is slow to answer.

A loaded server answers each keystroke late. The test stands between the page and the app's
websocket and holds the app's answers: a traveller types "Jap", then "a"; only then do the answers
to "Jap" arrive, and the traveller types "n". A box whose text follows the server's answers is
set back to "Jap" and ends as "Japn"; the box must keep "Japan" and find Japan.
"""

from __future__ import annotations

from playwright.sync_api import Page, WebSocketRoute, expect


class SlowServer:
    """Forwards the page's websocket to the app; holds the app's messages while `holding`."""

    def __init__(self) -> None:
        self.holding = False
        self.held: list[str | bytes] = []
        self.page_side: WebSocketRoute | None = None

    def route(self, ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()
        self.page_side = ws
        server.on_message(self._from_server)

    def _from_server(self, message: str | bytes) -> None:
        if self.holding:
            self.held.append(message)
        else:
            self.page_side.send(message)

    def release(self) -> None:
        """Deliver the messages held so far, in order (later ones are held while `holding`)."""
        held, self.held = self.held, []
        for message in held:
            self.page_side.send(message)


def test_search_keeps_characters_typed_while_the_server_lags(app_url: str, page: Page) -> None:
    slow = SlowServer()
    page.route_web_socket("**/_event**", slow.route)
    page.goto(app_url + "/")
    search = page.get_by_test_id("destination-search")
    expect(page.get_by_test_id("popular-destination").first).to_be_visible()  # hydrated, connected
    slow.holding = True
    search.press_sequentially("Jap", delay=120)
    page.wait_for_timeout(800)  # the keystrokes' events were sent (debounced or not) and answered
    search.press_sequentially("a")
    slow.release()  # the late answers to "Jap"
    page.wait_for_timeout(300)
    search.press_sequentially("n")
    page.wait_for_timeout(800)
    slow.holding = False
    slow.release()
    expect(search).to_have_value("Japan")
    expect(page.get_by_test_id("search-result").first).to_contain_text("Japan")
