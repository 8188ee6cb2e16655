"""Every refusal of orders and payments has our words; a declined card is named by its reason, not Stripe's text."""

import inspect

import pytest

from esim_app.errors import FALLBACK, MESSAGES, message_for
from services.core.errors import ServiceError
from services.orders import errors as order_errors
from services.payments import errors as payment_errors
from services.payments.errors import CardExpired, InsufficientFunds, PaymentDeclined, declined

ERRORS = [cls for module in (order_errors, payment_errors) for _, cls in inspect.getmembers(module, inspect.isclass)
          if issubclass(cls, ServiceError) and cls is not ServiceError]


@pytest.mark.parametrize("error", ERRORS, ids=lambda cls: cls.__name__)
def test_every_code_has_words(error: type[ServiceError]) -> None:
    assert error.code in MESSAGES


def test_codes_are_distinct() -> None:
    assert len({cls.code for cls in ERRORS}) == len(ERRORS)


def test_words_fill_their_params_and_never_show_the_message() -> None:
    error = order_errors.RefundWindowPassed("order OID9 is older than 30 days (airalo)", days=30)
    assert message_for(error) == "Refunds are possible within 30 days of purchase; this order is older."


@pytest.mark.parametrize(("stripe_code", "decline_code", "expected"), [
    ("card_declined", "insufficient_funds", InsufficientFunds),
    ("expired_card", None, CardExpired),
    ("card_declined", "generic_decline", PaymentDeclined),
    (None, None, PaymentDeclined),
])
def test_declines_map_to_a_reason_code(stripe_code, decline_code, expected) -> None:
    error = declined(stripe_code, decline_code)
    assert type(error) is expected and message_for(error) != FALLBACK
