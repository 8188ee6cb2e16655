"""PDF receipt rendering: prints figures, asserts nothing.

    .venv/bin/python -m bench.receipts [--runs N]

Milliseconds to render one receipt (fpdf2, no database), median and worst of N runs after a warm-up,
and its size, for a Latin-script customer (Noto Sans alone), a Japanese one (Noto Sans JP added as a
fallback: its 5 MB TTF is parsed and subset each time), a Japanese-language receipt, a Korean name
(Noto Sans KR) and an Arabic one (Noto Sans Arabic, shaped by HarfBuzz).
"""

from __future__ import annotations

import argparse
import statistics
import time

from services.orders.receipt_pdf import CJK, REGULAR, render_receipt
from services.orders.receipts import ReceiptLine, ReceiptView, Seller

SELLER = Seller("Wayfarer Travel Ltd", ("1 Main Street", "London EC1A 1AA", "United Kingdom"), "GB123456789",
                "Wayfarer", "support@example.com")
CASES = {
    "latin name, English": ("en", "Ana María Núñez", "eSIM Japan 3 GB · 30 days"),
    "Japanese name, English": ("en", "山田 太郎", "eSIM Japan 3 GB · 30 days"),
    "Japanese name, Japanese": ("ja", "山田 太郎", "eSIM 日本 3 GB・30日間"),
    "Korean name, English": ("en", "김민준", "eSIM Japan 3 GB · 30 days"),
    "Arabic name, English (shaped)": ("en", "محمد العلي", "eSIM Japan 3 GB · 30 days"),
}


def _receipt(lang: str, name: str, description: str) -> ReceiptView:
    return ReceiptView(lang, "OID7K3MQX9P2RTA", "3 December 2026", SELLER, (name, "traveller@example.com"),
                       (ReceiptLine(description, "Japan · 3 GB · 30 days", 1, 1299),), 1299, 0, "USD")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    print(f"fonts: {REGULAR.name} {'found' if REGULAR.exists() else 'MISSING'}, "
          f"{CJK.name} {'found' if CJK.exists() else 'MISSING'}")
    for label, case in CASES.items():
        receipt = _receipt(*case)
        size = len(render_receipt(receipt))  # warm-up: imports, the cached coverage table
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            render_receipt(receipt)
            times.append((time.perf_counter() - start) * 1000)
        print(f"receipt {label}: median={statistics.median(times):.0f} ms max={max(times):.0f} ms "
              f"size={size / 1024:.1f} KB runs={runs}")


if __name__ == "__main__":
    main()
