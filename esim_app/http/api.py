"""The backend's own HTTP routes, mounted in front of Reflex's (ours win on a path clash)."""

from starlette.applications import Starlette
from starlette.routing import Route

from esim_app.http.health import health

api = Starlette(routes=[Route("/api/health", health, methods=["GET"])])
