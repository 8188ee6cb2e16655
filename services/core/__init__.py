"""The shared core: database, configuration, logging, money, errors. The UI may import this face only."""

from services.core.errors import ServiceError
from services.core.i18n import (
    DEFAULT_LANGUAGE,
    N_,
    country_name,
    format_date,
    format_number,
    is_language,
    language_names,
    languages,
    negotiate,
    ntranslate,
    translate,
)
from services.core.localize import date_text, days_text, moment_text, money_text, offer_title, place_name
from services.core.money import amount_text, format_money, parse_money
from services.core.settings import Settings, get_settings, load_for_serving, load_or_exit
from services.core.units import format_data_size

__all__ = ["DEFAULT_LANGUAGE", "N_", "country_name", "date_text", "days_text", "format_date", "format_number", "is_language",
           "language_names", "languages", "moment_text", "money_text", "negotiate", "ntranslate", "offer_title", "place_name",
           "translate", "ServiceError", "amount_text", "Settings", "format_data_size", "format_money", "get_settings", "load_for_serving",
           "load_or_exit", "parse_money"]
