"""What the handler inventory (test_handler_inventory.py) calls each handler with.

Every state handler of the app is either `PUBLIC` (called with no session) or has an entry in
`ARGS`: the arguments a hostile browser would send, built from Alice's references. Add yours here
when you add a handler.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import reflex as rx
from reflex_base import constants

from tests.integration.security.quote_inventory import QUOTE_ARGS

SINGLE = constants.RouteArgType.SINGLE
ROUTE_ARGS = ("country_slug", "region_slug", "plan_ref", "order_ref", "esim_ref", "ticket_ref", "link_token",
              "user_ref", "company_ref", "statement_month", "quote_ref",
              "install_token")

# Public by design: no session needed. Still called with none, and still must not leak Alice's data.
PUBLIC = {
    "AuthState.guard", "AuthState.logout", "StorefrontState.visit",
    "CodeLoginState.send_code", "CodeLoginState.verify_code", "CodeLoginState.change_email",
    "PasswordLoginState.login_enterprise", "PasswordLoginState.read_reason",
    "StaffLoginState.submit_password", "StaffLoginState.confirm_enrolment", "StaffLoginState.finish_enrolment",
    "StaffLoginState.submit_code", "StaffLoginState.start_over",
    "SetPasswordState.load", "SetPasswordState.set_password", "ForgotPasswordState.request_reset",
    "StaffInviteState.load", "StaffInviteState.set_password",
    "InstallState.load",  # the emailed token is the credential (checked by the service)
    "DestinationSearchState.set_query", "DestinationSearchState.open_first",
    "DisplayCurrencyState.load", "DisplayCurrencyState.set_currency", "LandingState.load",
    "PlanListState.load_country", "PlanListState.load_region", "PlanListState.load_global",
    "PlanListState.set_sort", "PlanListState.set_data_filter", "PlanListState.set_days_filter",
    "PlanListState.set_unlimited_only", "PlanListState.set_include_multi", "PlanListState.refresh_prices",
    "PlanDetailState.load", "PlanDetailState.refresh_prices",
    "DevicesState.load", "DevicesState.set_query",
    "LocaleState.negotiate", "LocaleState.choose",  # a signed-in customer's choice is saved to their own profile only
    "CheckoutState.set_currency",  # re-prices the plan on screen; a signed-out visitor sees checkout prices too
}
# The sandbox inbox is everyone's mail by design, for loopback clients only (its own test below).
SANDBOX = {"InboxState.load"}


@dataclass(frozen=True)
class Refs:
    """Alice's references, as a hostile browser would send them."""

    order: str
    esim: str
    ticket: str
    user: str  # Alice's customer reference (UID...)
    member: int  # a user id of Acme, the company whose team the other companies must not reach
    bulk_order: str = ""  # Acme's bulk order (pending, to pay by card), for the bulk order pages
    company: str = ""  # Acme's reference, for the admin company page
    quote: str = ""  # a priced quote of Acme's
    company_esims: tuple[str, str] = ("", "")  # Acme's eSIMs: one in stock, one assigned
    staff: int = 0  # the owner's staff id, as a hostile tab would send it to the staff pages
    api_key: int = 0  # the id of one of Acme's business API keys
    plan: str = ""  # the slug of Alice's plan (an offer staff may switch on or off)


ARGS: dict[str, Callable[[Refs], tuple]] = {
    "AuthState.guard": lambda r: ("customer", []),
    "CodeLoginState.send_code": lambda r: ({"email": "stranger@example.com"},),
    "CodeLoginState.verify_code": lambda r: ({"code": "000000"},),
    "StaffLoginState.submit_password": lambda r: ({"email": "x@example.com", "password": "guess guess guess"},),
    "StaffLoginState.confirm_enrolment": lambda r: ({"totp": "000000"},),
    "StaffLoginState.submit_code": lambda r: ({"totp": "000000"},),
    "PasswordLoginState.login_enterprise": lambda r: ({"email": "x@example.com", "password": "guess guess"},),
    "SetPasswordState.set_password": lambda r: ({"password": "a hostile passphrase", "confirm": "a hostile passphrase"},),
    "StaffInviteState.set_password": lambda r: ({"password": "a hostile passphrase", "confirm": "a hostile passphrase"},),
    "StaffState.invite": lambda r: ({"email": f"mallory-{uuid.uuid4().hex[:8]}@example.com", "role": "owner"},),
    "StaffState.change_role": lambda r: (r.staff, "support"),
    "StaffState.ask": lambda r: (r.staff, "disable"),
    "AdminTicketsState.filter_status": lambda r: ("open",),
    "AdminTicketsState.filter_assignee": lambda r: ("unassigned",),
    "AdminTicketsState.sort_by": lambda r: ("subject",),
    "AdminTicketsState.go_to_page": lambda r: (1,),
    "AdminTicketState.send_reply": lambda r: ({"body": "sneaky staff reply"},),
    "AdminTicketState.assign": lambda r: (str(r.staff),),
    "JobsState.run_now": lambda r: ("cleanup",),
    "JobsState.set_paused": lambda r: ("email_outbox", True),
    "JobsState.toggle_history": lambda r: ("cleanup",),
    "SettingsState.save": lambda r: ({"refund_window_days": "0", "support_refund_limit_cents": "999999"},),
    "CurrencySettingsState.save": lambda r: ({"code": "JPY", "rate": "1", "rounding": "1"},),
    "CurrencySettingsState.stop": lambda r: ("JPY",),
    "AuditState.apply_filters": lambda r: ({"who": "", "action": "", "entity_type": "", "entity_id": r.ticket,
                                            "date_from": "", "date_to": ""},),
    "AuditState.sort_by": lambda r: ("when",),
    "AuditState.go_to_page": lambda r: (1,),
    "ForgotPasswordState.request_reset": lambda r: ({"email": "stranger@example.com"},),
    "TeamState.invite": lambda r: ({"email": f"mallory-{uuid.uuid4().hex[:8]}@example.com", "role": "admin"},),
    "TeamState.change_role": lambda r: (r.member, "viewer"),
    "DestinationSearchState.set_query": lambda r: ("jap",),
    "DestinationSearchState.open_first": lambda r: ({},),
    "DisplayCurrencyState.set_currency": lambda r: ("EUR",),
    "DevicesState.set_query": lambda r: ("pixel 8",),
    "LocaleState.choose": lambda r: ("ja",),
    "PlanListState.set_sort": lambda r: ("price",),
    "PlanListState.set_data_filter": lambda r: ("3",),
    "PlanListState.set_days_filter": lambda r: ("7",),
    "PlanListState.set_unlimited_only": lambda r: (True,),
    "PlanListState.set_include_multi": lambda r: (True,),
    "RefundState.load": lambda r: (r.order,),
    "RefundState.request": lambda r: ({"reason": "not mine"},),
    "RefundQueueState.ask": lambda r: (r.order, True),
    "RefundQueueState.decide": lambda r: ({"note": "approve it"},),
    "RefundQueueState.sort_by": lambda r: ("order",),
    "RefundQueueState.go_to_page": lambda r: (1,),
    "AdminHomeState.set_period": lambda r: ("12m",),
    "AdminHomeState.apply_custom": lambda r: ({"start": "2026-01-01", "end": "2026-02-01"},),
    "CheckoutState.card_mounted": lambda r: ({"ready": True},),
    "CheckoutState.set_currency": lambda r: ("EUR",),
    "TopupState.set_currency": lambda r: ("EUR",),
    "CheckoutState.charge": lambda r: ({"paymentMethod": "pm_card_visa"},),
    "CheckoutState.authenticated": lambda r: ({"paymentIntent": "pi_x"},),
    "SupportState.open_ticket": lambda r: ({"subject": "hi", "body": "there", "order_ref": r.order},),
    "SupportState.sort_by": lambda r: ("subject",),
    "SupportState.go_to_page": lambda r: (1,),
    "TicketState.send_reply": lambda r: ({"body": "sneaky"},),
    "AdminOrdersState.search": lambda r: ({"query": r.order, "status": "completed", "customer": "alice"},),
    "AdminOrdersState.sort_by": lambda r: ("amount",),
    "AdminOrdersState.go_to_page": lambda r: (1,),
    "AdminOrderState.ask": lambda r: ("refund", 0),
    "AdminOrderState.confirm": lambda r: ({"note": "refund it", "amount": ""},),
    "AdminCustomersState.search": lambda r: ({"query": "alice"},),
    "AdminCustomersState.sort_by": lambda r: ("joined",),
    "AdminCustomersState.go_to_page": lambda r: (1,),
    "AdminCustomerState.ask": lambda r: ("disable",),
    "AdminCustomerState.confirm": lambda r: ({"note": "disable her"},),
    "EsimsState.set_search": lambda r: ({"search": "a"},),
    "EsimsState.set_status_filter": lambda r: ("assigned",),
    "EsimsState.set_export_kind": lambda r: ("orders",),
    "EsimsState.take_form": lambda r: ({"lines": "Mallory, mallory@example.com", "skip_invalid": "on"},),
    "EsimsState.submit_assign": lambda r: ([rx.UploadFile(file=io.BytesIO(b"name,email\nMallory,m@example.com"))],),
    "EsimsState.pick": lambda r: (r.company_esims[0],),
    "EsimsState.ask_revoke": lambda r: (r.company_esims[1],),
    "EsimsState.assign_picked": lambda r: ({"name": "Mallory", "email": "mallory@example.com"},),
    "EsimsState.sort_by": lambda r: ("iccid",),
    "EsimsState.go_to_page": lambda r: (1,),
    "ApiKeysState.create": lambda r: ({"name": "mallory", "scope_read": "on", "scope_order": "on"},),
    "ApiKeysState.ask_revoke": lambda r: (r.api_key,),
    "ApiKeysState.sort_by": lambda r: ("name",),
    "ApiKeysState.go_to_page": lambda r: (1,),
    "ProfileState.save": lambda r: ({"first_name": "Mallory", "last_name": "", "country": "FR",
                                     "currency": "EUR", "language": "en"},),
    "ProvidersState.set_enabled": lambda r: ("airalo", False),
    "ProvidersState.test_connection": lambda r: ("airalo",),
    "ProvidersState.set_threshold": lambda r: ({"provider_id": "airalo", "threshold": "1"},),
    "PackagesState.filter_offers": lambda r: ({"destination": "JP"},),
    "PackagesState.preview": lambda r: ({"target": "dest:JP", "value": "90"},),
    "PackagesState.set_choice": lambda r: (r.plan, "disable"),
    "PackagesState.sort_by": lambda r: ("price",),
    "PackagesState.go_to_page": lambda r: (1,),
    "BulkOrdersState.search_plans": lambda r: ({"search": "Japan"},),
    "BulkOrdersState.choose_plan": lambda r: ("1",),
    "BulkOrdersState.set_quantity": lambda r: ("3",),
    "BulkOrdersState.place": lambda r: ({"plan": "1", "quantity": "3", "payment": "account"},),
    "BulkOrdersState.sort_by": lambda r: ("created",),
    "BulkOrdersState.go_to_page": lambda r: (1,),
    "BulkOrderState.card_mounted": lambda r: ({"ready": True},),
    "BulkOrderState.charge": lambda r: ({"token": "tok_visa"},),
    "BulkOrderState.authenticated": lambda r: ({"paymentIntent": "pi_x"},),
    "AdminCompanyState.record_entry": lambda r: ({"amount": "100.00", "kind": "payment", "note": "forged"},),
    "AdminCompanyState.save_credit_limit": lambda r: ({"credit_limit": "99999.00"},),
    "AdminCompanyState.save_tiers": lambda r: ({"tiers": "1: 90"},),
}
ARGS |= QUOTE_ARGS  # the quote and company pages
