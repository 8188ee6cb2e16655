"""The Reflex app: registers pages, mounts HTTP routes and start-up tasks. UI only; logic is in services/."""

import contextlib

import reflex as rx

from esim_app import routes
from esim_app.http.api import api
from esim_app.pages.portals import account_home, admin_home, business_home
from esim_app.pages.storefront.landing import landing_page
from services import db, logs
from services.settings import load_or_exit

settings = load_or_exit()
PRIVATE = {"sitemap": None}


@contextlib.asynccontextmanager
async def _lifespan():
    logs.configure(settings.log_level)
    yield
    db.reset_engine()


app = rx.App(
    api_transformer=api,
    html_lang="en",
    stylesheets=["/theme.css"],
    toaster=rx.toast.provider(position="top-right", rich_colors=True, close_button=True),
    head_components=[rx.el.meta(name="theme-color", content="#1e40af")],
)
app.register_lifespan_task(_lifespan)

app.add_page(
    landing_page,
    route=routes.HOME,
    title=f"{settings.brand_name} · Travel eSIM data plans for 190+ countries",
    description="Prepaid eSIM data plans for travellers: compare networks, pay securely, install in a minute.",
)
app.add_page(account_home, route=routes.ACCOUNT, title=f"My account · {settings.brand_name}", context=PRIVATE)
app.add_page(business_home, route=routes.BUSINESS, title=f"Business · {settings.brand_name}", context=PRIVATE)
app.add_page(admin_home, route=routes.ADMIN, title=f"Admin · {settings.brand_name}", context=PRIVATE)
