"""The one place the UI turns a service error's stable `code` into words for the reader.

Services never put customer-facing text in exceptions; they raise `ServiceError` subclasses with
a `code` (and `params` for placeholders). Every code a page can meet has an entry here; a unit
test walks every `ServiceError` subclass and fails on a code without words.
"""

from __future__ import annotations

from services.core import DEFAULT_LANGUAGE, N_, ServiceError, translate

FALLBACK = N_("Something went wrong on our side. Please try again, or contact support.")

MESSAGES: dict[str, str] = {
    # -- catalog and store settings --
    "unknown_destination": N_("We do not sell plans for that destination. Use a country code such as JP, "
                           "a region such as europe, or global."),
    "invalid_sort": N_("Sort plans by price, data or days."),
    "invalid_filter": N_("That filter is not available. Choose one of the listed options."),
    "unknown_currency": N_("Prices cannot be shown in that currency. Choose one of the listed currencies."),
    "offer_not_found": N_("This plan is no longer on sale. Have a look at the other plans for your trip."),
    "invalid_setting": "That setting value is not valid. Check the allowed range and try again.",
    # -- orders, eSIMs, top-ups, refunds, payments --
    "plan_unavailable": N_("This plan is no longer available. Please pick another one."),
    "price_changed": N_("The price of this plan has just changed: please check the new price above and pay again. "
                     "Nothing was charged."),
    "rate_changed": N_("The exchange rate for {currency} has just changed, so the price in {currency} has too: "
                       "please check the new price above and pay again. Nothing was charged."),
    "order_not_found": N_("We could not find that order in your account."),
    "receipt_unavailable": N_("This order has not been paid, so it has no receipt yet."),
    "payment_mismatch": "The payment does not match this order. Please contact support.",
    "checkout_expired": N_("This checkout has expired. Please reload the page and try again."),
    "order_not_delivered": N_("No network operator could deliver this eSIM."),
    "order_delivery_delayed": N_("The network operator did not answer in time; we are trying again."),
    "esim_not_found": N_("We could not find that eSIM in your account."),
    "topup_unavailable": N_("This eSIM has expired or was cancelled, so it cannot be topped up."),
    "topup_offers_unavailable": N_("Top-ups for this eSIM cannot be loaded right now. Please try again shortly."),
    "topup_does_not_fit": N_("This top-up does not fit that eSIM. Pick one from the eSIM's top-up page."),
    "refund_error": N_("The refund could not be completed. Please contact support."),
    "refund_not_allowed": N_("This order cannot be refunded."),
    "refund_reason_missing": N_("Please tell us why you would like a refund."),
    "refund_reason_too_long": N_("Please keep the reason under {max_chars} characters."),
    "refund_topup": N_("Top-ups cannot be refunded here. Please open a support ticket."),
    "refund_already_done": N_("This order has already been refunded."),
    "refund_order_not_completed": N_("Only a completed eSIM order can be refunded."),
    "refund_esim_used": N_("This eSIM has been installed or used, so it cannot be refunded."),
    "refund_window_passed": N_("Refunds are possible within {days} days of purchase; this order is older."),
    "refund_no_payment": N_("This order has no card payment to refund."),
    "refund_admin_only": "Only an active administrator can refund orders.",
    "refund_failed": N_("The refund did not go through. Please try again in a few minutes."),
    "refund_operator_unavailable": N_("The network operator did not answer. Please try again in a few minutes."),
    "refund_operator_refused": (N_("The network operator could not cancel this eSIM, so we cannot refund it "
                                "automatically. Please open a support ticket.")),
    "refund_card_failed": N_("The card refund did not go through yet. Please try again in a few minutes."),
    "refund_not_in_review": "This refund request is not waiting for a decision.",
    "payment_error": N_("The payment did not go through. Please try again."),
    "payments_not_configured": N_("Payments are not available at the moment. Please try again later."),
    "order_not_payable": N_("This order cannot be paid now."),
    "no_payment": N_("This order has no payment yet."),
    "invalid_signature": "The request could not be verified.",
    "payment_gateway_error": N_("The payment service could not complete this step. Please try again."),
    "payment_not_completed": N_("The payment was not completed. Please try again."),
    "payment_declined": N_("Your card was declined. Please try another card."),
    "payment_declines_capped": (N_("Your card was declined too many times today, so card payments are paused for "
                                "your account. You can try again after {retry_at}.")),
    "payment_insufficient_funds": N_("Your card was declined for insufficient funds. Please try another card."),
    "payment_card_expired": N_("Your card has expired. Please use another card."),
    "payment_card_incorrect": N_("Some card details are incorrect. Please check them and try again."),
    # -- machine callers (provider webhooks): answered with a status code, words for the log only --
    "invalid_webhook": "The webhook's token or signature could not be verified.",
    "malformed_webhook": "The webhook's body is not in the expected form.",
    "unknown_provider": "No such provider.",
    # -- accounts, profile, support, notifications --
    "invalid_email": N_("Enter a valid email address."),
    "weak_password": "Choose a stronger password.",
    "password_too_short": "Use at least {min_length} characters.",
    "password_too_long": "Use at most {max_bytes} bytes.",
    "already_exists": "An account with this email exists already.",
    "invalid_code": N_("That code is wrong or has expired. Request a new one."),
    "too_many_attempts": N_("Too many wrong tries for this code. Request a new one."),
    "invalid_second_factor": ("That code is wrong or was used already. Enter the current code from your "
                              "authenticator app, or an unused recovery code."),
    "sign_in_expired": "This sign-in took too long. Enter your email and password again.",
    "invalid_credentials": "Wrong email or password.",
    "account_disabled": N_("This account is disabled. Contact support."),
    "company_suspended": ("Your company's business account is suspended, so its users cannot sign in or act. "
                          "Contact us to reactivate it."),
    "sign_in_slowed": ("Several wrong passwords were tried for this address, so sign-in is slowed down. "
                       "Wait {seconds} seconds, then try again (or reset your password)."),
    "rate_limited": N_("Too many sign-in attempts. Try again in {minutes} min."),
    "invalid_profile": N_("Please check your details."),
    "name_too_long": N_("A name can have at most {max_length} characters."),
    "name_unstorable": N_("A name contains characters we cannot store."),
    "country_not_listed": N_("Choose a country from the list."),
    "currency_not_offered": N_("Choose one of these currencies: {choices}."),
    "language_not_offered": N_("Choose one of these languages: {choices}."),
    "profile_not_found": N_("We could not find your account."),
    "invalid_ticket": N_("Please check your ticket."),
    "ticket_subject_missing": N_("Please write a subject."),
    "ticket_subject_too_long": N_("The subject is too long: at most {max_length} characters, please."),
    "ticket_message_missing": N_("Please write a message."),
    "ticket_message_too_long": N_("The message is too long: at most {max_length} characters, please."),
    "ticket_order_not_found": N_("We could not find that order in your account."),
    "too_many_open_tickets": N_("You have many open tickets already. Please reply to one of them instead."),
    "ticket_staff_only": "Only an active administrator can answer tickets.",
    "ticket_not_found": N_("We could not find that ticket."),
    "sandbox_only": "This page exists only in the sandbox.",
    # -- admin home (analytics) --
    "analytics_invalid_range": "Choose a valid range: a start and an end date (YYYY-MM-DD), the start first, "
                               "at most three years apart.",
    "analytics_unknown_export": "That table cannot be exported.",
    # -- enterprise portal --
    "enterprise_company_name": "A company needs a name of at most 200 characters.",
    "enterprise_link_invalid": ("This link has been used, has expired or is not valid. Ask your company's admin "
                                "for a new invitation, or request a new password reset."),
    "enterprise_not_allowed": "Only an admin of your company can do this.",
    "enterprise_invalid_role": "Choose one of the roles: admin, operations, finance or viewer.",
    "enterprise_user_exists": "This email address already has a business account.",
    "enterprise_user_not_found": "We could not find that person in your company.",
    # -- admin dashboard: orders and customers --
    "admin_not_permitted": "Your staff role does not allow this. Ask an owner.",
    "admin_note_missing": "Please write a note for the audit log.",
    "admin_note_too_long": "Please keep the note under {max_chars} characters.",
    "admin_action_stale": "This confirmation has expired. Open the action again.",
    "admin_action_not_allowed": "This action is not possible for the order in its current state.",
    "admin_refund_amount_invalid": "Enter an amount greater than zero and no more than what is left to refund.",
    "admin_failover_unavailable": "That provider cannot take this order now. Choose another offer.",
    "admin_failover_below_floor": ("Failing over to {provider} would leave a margin of {margin}, below the floor of "
                                   "{floor}. Choose an offer that keeps the floor."),
    "admin_provider_cancel_failed": "The provider did not cancel the eSIM. Try again later or cancel it by hand.",
    "admin_customer_not_found": "No customer with that reference.",
    # -- admin dashboard: providers and catalogue --
    "provider_not_configured": "That provider is not configured on this store.",
    "enterprise_company_not_found": "We could not find that company.",
    "enterprise_credit_limit": "Enter a credit limit of 0 or more, such as 5000 or 5000.00.",
    "enterprise_quote_not_found": "We could not find that quote.",
    "enterprise_quote_no_lines": "Add at least one line: a plan from the catalogue, or a need (countries, data, days).",
    "enterprise_quote_too_many_lines": "A quote can have at most {max_lines} lines.",
    "enterprise_quote_too_large": "A quote can cover at most {max_esims} eSIMs in all; split a larger need into "
                                  "several quotes.",
    "enterprise_quote_line_invalid": ("Line {line}: choose a plan, or name the countries (such as FR, DE), the data "
                                      "in GB and the days; the quantity is 1 to {max_quantity}."),
    "enterprise_quote_wanted_by": "Choose a wanted-by date from today up to a year ahead, or leave it empty.",
    "enterprise_quote_note_too_long": "The note can have at most {max_chars} characters.",
    "enterprise_quote_not_open": "This quote is {status}, so this is not possible any more.",
    "enterprise_quote_expired": "This quote expired on {date}. Please request a new one.",
    "enterprise_quote_changed": "The prices of this quote were updated meanwhile. Please check them and accept again.",
    "enterprise_quote_price_invalid": "Line {line}: enter a unit price of 0 or more, such as 12.50.",
    "enterprise_quote_package_missing": "Line {line}: choose a catalogue package that meets this need.",
    "enterprise_quote_validity": "Choose a validity date from today up to {max_days} days ahead.",
    # -- business API (keys, and the JSON answers of /api/v1/business) --
    "api_key_invalid": "Send a valid API key as 'Authorization: Bearer esk_live_...'.",
    "api_key_revoked": "This API key was revoked. Ask your company's admin for a new one.",
    "api_scope_missing": "This API key lacks the '{scope}' scope. Ask your company's admin for a key with it.",
    "api_rate_limited": "Too many requests with this API key. Retry in {seconds} s.",
    "api_key_not_found": "We could not find that API key in your company.",
    "api_key_request_invalid": ("Give the key a name of at most 100 characters and at least one scope "
                                "(read, order, distribute). A company has at most 20 active keys."),
    "enterprise_role_not_allowed": "Your role in the company does not allow this. Ask your company's admin.",
    "enterprise_company_inactive": "Your company account is suspended. Please contact us.",
    "enterprise_credit_exceeded": ("This order does not fit in your available credit ({available}). Pay by card, "
                                   "order fewer eSIMs, or ask us to raise your credit limit."),
    "enterprise_order_invalid": "Choose at least one plan and a quantity from 1 to 5,000 eSIMs.",
    "enterprise_plan_unavailable": "One of these plans is no longer available. Please pick another one.",
    "enterprise_order_not_found": "We could not find that order for your company.",
    "enterprise_order_not_payable": "This order cannot be paid now: it is paid already or was cancelled.",
    "enterprise_invalid_amount": "Enter an amount greater than zero (at most 10,000,000.00).",
    "enterprise_invalid_tier": ("Each volume tier needs a minimum quantity of at least 1 (each different) and a "
                                "discount from 0.01 % to 90 %."),
    # -- enterprise eSIM inventory, distribution, install pages, exports --
    "enterprise_allocation_conflict": "Some eSIMs were already allocated. Please refresh.",
    "enterprise_not_enough_stock": ("Only {available} eSIMs are in stock for {wanted} recipients. Assign fewer "
                                    "people, or order more eSIMs."),
    "enterprise_recipients_invalid": "Some lines cannot be used, so nothing was assigned. Fix them and try again.",
    "enterprise_no_recipients": "Add at least one line: name, email.",
    "enterprise_too_many_recipients": "Assign at most {max_rows} people at once (and a file of at most 1 MB).",
    "enterprise_esim_not_found": "We could not find that eSIM in your company.",
    "enterprise_esim_in_use": "This eSIM has been installed or used, so it cannot be taken back.",
    "enterprise_esim_not_assigned": "This eSIM is not assigned to anyone.",
    "install_link_invalid": (N_("This install link has been revoked or has expired. Ask the travel manager at your "
                             "company for a new one.")),
    "enterprise_unknown_export": "Choose one of the exports: eSIMs, allocations, usage or orders.",
    # -- admin dashboard (staff) --
    "admin_invalid_role": "Choose one of the roles: owner, operations, support or finance.",
    "admin_staff_exists": "This email address already has a staff account.",
    "admin_staff_not_found": "We could not find that staff account.",
    "admin_last_owner": "The store needs at least one active owner: make someone else an owner first.",
    "admin_link_invalid": ("This invitation link has been used, has expired or is not valid. Ask an owner for "
                           "a new invitation."),
    "admin_setting_invalid": "{field}: {problem}",
    "admin_unknown_job": "There is no such job.",
    "admin_invalid_assignee": "Tickets can only be assigned to active owners or support staff.",
    "admin_invalid_filter": "That filter is not valid. Check the values and try again.",
    "refund_above_support_limit": ("Support staff can refund at most {limit}. Ask an owner or operations to "
                                   "refund this order."),
}


def message_for(error: ServiceError, lang: str = DEFAULT_LANGUAGE) -> str:
    """Words for `error` in `lang`, filled with its params; a generic sentence for an unknown code."""
    template = MESSAGES.get(error.code)
    if template is None:
        return translate(lang, FALLBACK)
    try:
        return translate(lang, template).format(**error.params)
    except (KeyError, IndexError, ValueError):
        return translate(lang, FALLBACK)
