"""Admin: what staff see and do in the dashboard (analytics, orders, customers, providers, catalogue,
enterprise accounts and quotes, jobs, settings, audit).

The public face for the UI. Its functions are async and own their threads and database sessions;
each takes the staff identity the session resolved to and checks the staff role itself, so a
handler that forgot its guard still cannot act above the caller's role. Every change is written
to the audit log with who, what, and the values before and after.
"""

from __future__ import annotations

__all__: list[str] = []
