"""The Reflex app: registers pages, mounts HTTP routes and start-up tasks. UI only; logic is in services/."""

import contextlib
from collections.abc import Callable

import reflex as rx

from esim_app import routes
from esim_app.http.api import api_transformers
from esim_app.pages import account
from esim_app.pages.checkout import checkout_page
from esim_app.pages.login import admin_login_page, business_login_page, login_page
from esim_app.pages.portals import admin_home, business_home
from esim_app.pages.profile import profile_page
from esim_app.pages.sandbox import inbox_page
from esim_app.pages.storefront.landing import landing_page
from esim_app.pages.storefront.plans import plan_detail_page, plan_list_page
from esim_app.pages.support import support_page, ticket_page
from esim_app.state.account import AccountState, EsimPageState, OrderStatusState
from esim_app.state.auth import AdminState, AuthState, EnterpriseState
from esim_app.state.catalog import DisplayCurrencyState, LandingState, PlanDetailState, PlanListState
from esim_app.state.checkout import CheckoutState
from esim_app.state.inbox import InboxState
from esim_app.state.profile import ProfileState
from esim_app.state.support import SupportState, TicketState
from esim_app.state.topup import TopupState
from services.core import db, logs
from services.core.settings import load_or_exit
from services.jobs import scheduler as jobs

settings = load_or_exit()
BRAND = settings.brand_name
NOINDEX = [{"name": "robots", "content": "noindex"}]


@contextlib.asynccontextmanager
async def _lifespan():
    logs.configure(settings.log_level)
    yield
    db.reset_engine()


app = rx.App(
    api_transformer=api_transformers,
    html_lang="en",
    stylesheets=["/theme.css"],
    toaster=rx.toast.provider(position="top-right", rich_colors=True, close_button=True),
    head_components=[rx.el.meta(name="theme-color", content="#1e40af")],
)
app.register_lifespan_task(_lifespan)
app.register_lifespan_task(jobs.scheduler_lifespan)  # runs only when SCHEDULER=inline


def public(page: Callable[[], rx.Component], route: str, title: str | rx.Var[str], *on_load,
           description: str = "") -> None:
    """A page for everyone, listed in /sitemap.xml (see esim_app/http/sitemap.py)."""
    app.add_page(page, route=route, title=title, description=description or None,
                 on_load=[AuthState.identify, DisplayCurrencyState.load, *on_load])


def private(page: Callable[[], rx.Component], route: str, title: str, *on_load) -> None:
    """A page behind sign-in (its on_load guards it) or a utility page: kept out of search engines."""
    app.add_page(page, route=route, title=f"{title} · {BRAND}", meta=NOINDEX, on_load=list(on_load) or None)


public(landing_page, routes.HOME, f"{BRAND} · Travel eSIM data plans for 190+ countries", LandingState.load,
       description="Prepaid eSIM data plans for travellers: compare networks, pay securely, install in a minute.")
public(plan_list_page, routes.DESTINATION, PlanListState.title + f" · {BRAND}", PlanListState.load_country)
public(plan_list_page, routes.REGION, PlanListState.title + f" · {BRAND}", PlanListState.load_region)
public(plan_list_page, routes.GLOBAL, f"Global eSIM plans · {BRAND}", PlanListState.load_global)
public(plan_detail_page, "/plans/[plan_ref]", PlanDetailState.title + f" · {BRAND}", PlanDetailState.load)

private(checkout_page, "/checkout/[plan_ref]", "Checkout", DisplayCurrencyState.load, CheckoutState.load)
private(account.order_status_page, "/orders/[order_ref]", "Your order", OrderStatusState.load)
private(login_page, routes.LOGIN, "Sign in")
private(business_login_page, routes.BUSINESS_LOGIN, "Business sign-in")
private(admin_login_page, routes.ADMIN_LOGIN, "Admin sign-in")

private(account.account_home, routes.ACCOUNT, "My account", AccountState.load)
private(account.esims_page, "/account/esims", "My eSIMs", AccountState.load)
private(account.esim_page, "/account/esims/[esim_ref]", "Your eSIM", EsimPageState.load)
private(account.orders_page, "/account/orders", "Orders", AccountState.load)
private(account.topup_page, "/account/esims/[esim_ref]/top-up", "Top up", TopupState.load)
private(support_page, "/account/support", "Support", SupportState.load)
private(ticket_page, "/account/support/[ticket_ref]", "Support ticket", TicketState.load)
private(profile_page, "/account/profile", "Profile", ProfileState.load)

private(business_home, routes.BUSINESS, "Business", EnterpriseState.require_enterprise)
private(admin_home, routes.ADMIN, "Admin", AdminState.require_admin)

if settings.sandbox:
    private(inbox_page, "/sandbox/inbox", "Sandbox inbox", InboxState.load)
