"""The Reflex app: registers pages, mounts HTTP routes and start-up tasks. UI only; logic is in services/.

Pages register themselves through the portal decorators of `esim_app.pages.templates` (layout,
title, role guard); the pages whose bodies live elsewhere are registered here with the same ones.
"""

import reflex as rx

from esim_app import routes
from esim_app.components.forms import native_submit_guard
from esim_app.components.phone_menu import phone_menu_script
from esim_app.components.preferences import early_choices_script
from esim_app.http.api import api_transformers
from esim_app.i18n import language_guard, t
from esim_app.pages import account, business, login, profile, support  # noqa: F401  (pages register themselves)
from esim_app.pages import admin, enterprise  # noqa: F401  (every module in these packages registers its pages)
from esim_app.pages.checkout import checkout_page
from esim_app.pages.storefront import devices  # noqa: F401  (registers /devices)
from esim_app.pages.storefront.landing import landing_page
from esim_app.components.places import route_place
from esim_app.pages.storefront.plans import (
    country_plans_page,
    global_plans_page,
    plan_detail_page,
    region_plans_page,
)
from esim_app.pages.templates import account_page, storefront_page
from esim_app.state.account import AccountState, EsimPageState, OrderStatusState
from esim_app.state.catalog import DisplayCurrencyState, LandingState, PlanDetailState, PlanListState
from esim_app.state.checkout import CheckoutState
from esim_app.state.topup import TopupState
from services import jobs
from services.core import load_for_serving

settings = load_for_serving()  # refuses a misconfigured start, one line per problem
BRAND = settings.brand_name

app = rx.App(
    api_transformer=api_transformers,
    html_lang="en",
    stylesheets=["/theme.css"],
    toaster=rx.toast.provider(position="top-right", rich_colors=True, close_button=True),
    head_components=[rx.el.meta(name="theme-color", content="#1e40af"), language_guard(), native_submit_guard(),
                     early_choices_script(), phone_menu_script()],
)
app.register_lifespan_task(jobs.web_lifespan)  # logging; the jobs too when SCHEDULER=inline

# public pages, listed in /sitemap.xml (see esim_app/http/sitemap.py)
storefront_page(routes.HOME, t("{brand} · Travel eSIM data plans for 190+ countries", brand=BRAND),
                LandingState.load, branded=False, loader_visits=True,
                description=t("Prepaid eSIM data plans for travellers: compare networks, pay securely, "
                              "install in a minute."))(landing_page)
storefront_page(routes.DESTINATION, route_place("local").title(), PlanListState.load_country, loader_visits=True,
                description=route_place("local").description())(country_plans_page)
storefront_page(routes.REGION, route_place("regional").title(), PlanListState.load_region, loader_visits=True,
                description=route_place("regional").description())(region_plans_page)
storefront_page(routes.GLOBAL, t("Global eSIM plans"), PlanListState.load_global, loader_visits=True,
                description=PlanListState.description)(global_plans_page)
storefront_page("/plans/[plan_ref]", PlanDetailState.title, PlanDetailState.load, loader_visits=True,
                description=PlanDetailState.description)(plan_detail_page)

storefront_page("/checkout/[plan_ref]", t("Checkout"), CheckoutState.load, indexed=False)(checkout_page)
storefront_page("/orders/[order_ref]", t("Your order"), OrderStatusState.load, indexed=False)(
    account.order_status_page)

account_page(routes.ACCOUNT, t("My account"), AccountState.load)(account.account_home)
account_page("/account/esims", t("My eSIMs"), AccountState.load)(account.esims_page)
account_page("/account/esims/[esim_ref]", t("Your eSIM"), EsimPageState.load)(account.esim_page)
account_page("/account/orders", t("Orders"), AccountState.load)(account.orders_page)
account_page("/account/esims/[esim_ref]/top-up", t("Top up"), DisplayCurrencyState.load, TopupState.load)(account.topup_page)

if settings.sandbox_inbox:
    from esim_app.pages import sandbox  # noqa: F401  (registers /sandbox/inbox; absent in production or with SMTP)
