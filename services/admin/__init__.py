"""Admin: what staff see and do in the dashboard (analytics, orders, customers, providers, catalogue,
enterprise accounts and quotes, jobs, settings, audit).

The public face for the UI. Its functions are async and own their threads and database sessions;
each takes the staff identity the session resolved to and checks the staff role itself, so a
handler that forgot its guard still cannot act above the caller's role. Every change is written
to the audit log with who, what, and the values before and after.
"""

from __future__ import annotations

from services.admin.faces import analytics as _analytics_face
from services.admin.faces import catalog as _catalog_face
from services.admin.faces import enterprise as _enterprise_face
from services.admin.faces import orders as _orders_face
from services.admin.faces import staff as _staff_face
from services.admin.faces.analytics import *  # noqa: F403  (the face of each area; names in its __all__)
from services.admin.faces.catalog import *  # noqa: F403
from services.admin.faces.enterprise import *  # noqa: F403
from services.admin.faces.orders import *  # noqa: F403
from services.admin.faces.staff import *  # noqa: F403

__all__ = [*_analytics_face.__all__, *_catalog_face.__all__, *_enterprise_face.__all__, *_orders_face.__all__,
           *_staff_face.__all__]  # pyright: ignore[reportUnsupportedDunderAll]
