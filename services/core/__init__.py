"""The shared core: database, configuration, logging, money, errors. The UI may import this face only."""

from services.core.errors import ServiceError
from services.core.money import amount_text, format_money, parse_money
from services.core.settings import Settings, get_settings, load_for_serving, load_or_exit
from services.core.units import format_data_size

__all__ = ["ServiceError", "amount_text", "Settings", "format_data_size", "format_money", "get_settings", "load_for_serving",
           "load_or_exit", "parse_money"]
