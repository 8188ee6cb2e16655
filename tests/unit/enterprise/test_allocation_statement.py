"""The assignment statement stays one that psycopg converts once per process, not on every request."""

from __future__ import annotations

import re

from psycopg import _queries

from services.enterprise.allocation_statement import ASSIGN


def test_the_statement_fits_psycopgs_cache_of_converted_queries() -> None:
    assert len(ASSIGN.encode()) <= _queries.MAX_CACHED_STATEMENT_LENGTH
    assert len(set(re.findall(r"%\((\w+)\)s", ASSIGN))) <= _queries.MAX_CACHED_STATEMENT_PARAMS
