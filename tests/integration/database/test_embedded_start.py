"""The embedded PostgreSQL is brought up once, fully, however many threads ask for it at once.

pgserver registers a server's handle before the server is running: without the start-up lock in
`services.core.db`, a second thread (a job's, while the web start-up starts the server) got that
half-made handle and failed on pgserver's `_postmaster_info is None` assertion.
"""

from __future__ import annotations

import pathlib
import shutil
import tempfile
import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from services.core import db
from services.core.settings import get_settings


@pytest.fixture
def fresh_data_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[pathlib.Path]:
    """DATA_DIR on an empty directory, no DATABASE_URL; the server is stopped and deleted afterwards."""
    import pgserver

    pathlib.Path(".data").mkdir(exist_ok=True)  # not pytest's tmp_path: pgserver's own user must reach it
    tmp_path = pathlib.Path(tempfile.mkdtemp(prefix="embedded-start-", dir=".data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    db.reset_engine()
    yield tmp_path
    db.reset_engine()
    server = pgserver.get_server(tmp_path.resolve() / "pg", cleanup_mode=None)
    server.cleanup_mode = "delete"
    server.cleanup()
    shutil.rmtree(tmp_path, ignore_errors=True)
    monkeypatch.undo()  # the session's DATABASE_URL again
    get_settings.cache_clear()
    db.reset_engine()


def test_threads_asking_for_the_engine_while_the_server_starts_all_get_it(fresh_data_dir):
    # given a fresh embedded server directory and four threads released together
    go, results, errors = threading.Barrier(4), [], []

    def ask() -> None:
        go.wait()
        try:
            with db.get_engine().connect() as conn:
                results.append(conn.execute(sa.text("SELECT 1")).scalar_one())
        except Exception as exc:  # the failure under test: record it for the assertion
            errors.append(repr(exc))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    # when they all ask for the engine while the server is being initialised and started
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    # then each one waited for the server and got the same working engine
    assert errors == []
    assert results == [1, 1, 1, 1]
