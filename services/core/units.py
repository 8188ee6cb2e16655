"""Data sizes in words: the one formatter for plans, usage and emails."""

from __future__ import annotations


def format_data_size(megabytes: int | None, *, unlimited: bool = False) -> str:
    """1024 → "1 GB", 1536 → "1.5 GB", 500 → "500 MB", None or unlimited → "Unlimited"."""
    if unlimited or megabytes is None:
        return "Unlimited"
    if megabytes >= 1024:
        return f"{round(megabytes / 1024, 1):g} GB"
    return f"{megabytes} MB"
