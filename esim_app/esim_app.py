"""The Reflex app: registers pages, mounts HTTP routes and start-up tasks. UI only; logic is in services/."""

import contextlib

import reflex as rx

from esim_app import routes
from esim_app.http.api import api
from esim_app.pages import account
from esim_app.pages.login import admin_login_page, business_login_page, login_page
from esim_app.pages.portals import admin_home, business_home
from esim_app.pages.sandbox import inbox_page
from esim_app.pages.storefront.landing import landing_page
from esim_app.state.account import AccountState, EsimPageState, OrderStatusState
from esim_app.state.auth import AdminState, EnterpriseState
from esim_app.state.inbox import InboxState
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
app.add_page(login_page, route=routes.LOGIN, title=f"Sign in · {settings.brand_name}", context=PRIVATE)
app.add_page(business_login_page, route=routes.BUSINESS_LOGIN, title=f"Business sign-in · {settings.brand_name}",
             context=PRIVATE)
app.add_page(admin_login_page, route=routes.ADMIN_LOGIN, title=f"Admin sign-in · {settings.brand_name}",
             context=PRIVATE)
app.add_page(account.account_home, route=routes.ACCOUNT, title=f"My account · {settings.brand_name}",
             on_load=AccountState.load, context=PRIVATE)
app.add_page(account.esims_page, route="/account/esims", title=f"My eSIMs · {settings.brand_name}",
             on_load=AccountState.load, context=PRIVATE)
app.add_page(account.esim_page, route="/account/esims/[esim_ref]", title=f"Your eSIM · {settings.brand_name}",
             on_load=EsimPageState.load, context=PRIVATE)
app.add_page(account.orders_page, route="/account/orders", title=f"Orders · {settings.brand_name}",
             on_load=AccountState.load, context=PRIVATE)
app.add_page(account.order_status_page, route="/orders/[order_ref]", title=f"Your order · {settings.brand_name}",
             on_load=OrderStatusState.load, context=PRIVATE)
app.add_page(business_home, route=routes.BUSINESS, title=f"Business · {settings.brand_name}",
             on_load=EnterpriseState.require_enterprise, context=PRIVATE)
app.add_page(admin_home, route=routes.ADMIN, title=f"Admin · {settings.brand_name}",
             on_load=AdminState.require_admin, context=PRIVATE)
if settings.sandbox:
    app.add_page(inbox_page, route="/sandbox/inbox", title="Sandbox inbox", on_load=InboxState.load, context=PRIVATE)
