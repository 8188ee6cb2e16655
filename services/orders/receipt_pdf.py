"""A receipt as an A4 PDF (fpdf2), with the seller's legal details, the line bought and the totals.

Text is set in Noto Sans (Latin, Greek, Cyrillic; one weight: subsetting each font is most of the
time a receipt takes), with Noto Sans JP added as a fallback only when
the receipt holds a character Noto Sans lacks (a Japanese or Chinese name): parsing the 5 MB CJK
font costs time every receipt would otherwise pay. Both TTFs come from the npm registry
(`make run`/`make test` put them in .tools/fonts; the Dockerfile too). Without them the receipt
falls back to the PDF core font, and characters outside Latin-1 print as "?" (logged).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from services.core import format_money
from services.orders.receipts import ReceiptView, get_receipt

log = logging.getLogger(__name__)

FONT_ROOT = Path(__file__).resolve().parents[2] / ".tools" / "fonts" / "node_modules" / "@expo-google-fonts"
REGULAR = FONT_ROOT / "noto-sans" / "400Regular" / "NotoSans_400Regular.ttf"
CJK = FONT_ROOT / "noto-sans-jp" / "400Regular" / "NotoSansJP_400Regular.ttf"
WIDTH = 180  # mm between the margins of an A4 page
GREY = (90, 97, 112)


@cache
def _latin_coverage() -> frozenset[int]:
    """The code points Noto Sans has glyphs for (read once per process)."""
    font = TTFont(str(REGULAR), lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def _texts(receipt: ReceiptView) -> str:
    seller = receipt.seller
    return " ".join((seller.name, *seller.address_lines, seller.tax_id, seller.brand, seller.support_email,
                     receipt.customer_name, receipt.customer_email, receipt.description, receipt.details))


def _fonts(pdf: FPDF, receipt: ReceiptView) -> tuple[str, bool]:
    """Register the fonts `receipt` needs; returns the family and whether it is Unicode."""
    if not REGULAR.exists():
        log.warning("receipt fonts missing under %s: using a core font (Latin-1 only)", FONT_ROOT)
        return "helvetica", False
    pdf.add_font("noto", "", str(REGULAR))
    covered = _latin_coverage()
    if any(ord(c) not in covered for c in _texts(receipt) if not c.isspace()) and CJK.exists():
        pdf.add_font("notojp", "", str(CJK))
        pdf.set_fallback_fonts(["notojp"], exact_match=False)
    return "noto", True


@dataclass(frozen=True, slots=True)
class ReceiptFile:
    filename: str  # receipt-OID....pdf
    content: bytes


def receipt_file(user_id: int, *, order_ref: str) -> ReceiptFile:
    """One of `user_id`'s paid orders as a PDF receipt; `OrderNotFound` or `ReceiptUnavailable` otherwise."""
    receipt = get_receipt(user_id, order_ref=order_ref)
    return ReceiptFile(f"receipt-{receipt.order_ref}.pdf", render_receipt(receipt))


def render_receipt(receipt: ReceiptView) -> bytes:
    """The receipt as PDF bytes."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    family, unicode = _fonts(pdf, receipt)
    text = (lambda t: t) if unicode else (lambda t: t.encode("latin-1", "replace").decode("latin-1"))
    pdf.set_title(f"Receipt {receipt.order_ref}")
    pdf.set_author(text(receipt.seller.name))
    pdf.set_lang("en")
    pdf.add_page()
    _header(pdf, family, receipt, text)
    _parties(pdf, family, receipt, text)
    _lines(pdf, family, receipt, text)
    _footer(pdf, family, receipt, text)
    return bytes(pdf.output())


def _line(pdf: FPDF, value: str, *, width: float = 0, height: float = 5.5, align: str = "L") -> None:
    pdf.cell(width, height, value, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _header(pdf: FPDF, family: str, receipt: ReceiptView, text) -> None:
    pdf.set_font(family, "", 20)
    pdf.cell(WIDTH / 2, 10, text(receipt.seller.brand))
    pdf.cell(WIDTH / 2, 10, "Receipt", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(family, "", 10)
    pdf.set_text_color(*GREY)
    _line(pdf, f"Receipt no. {receipt.order_ref}", align="R")
    _line(pdf, f"Date {receipt.issued_on}", align="R")
    pdf.set_text_color(0)
    pdf.ln(6)


def _parties(pdf: FPDF, family: str, receipt: ReceiptView, text) -> None:
    seller = receipt.seller
    left = [seller.name, *seller.address_lines] + ([f"VAT / Reg. no. {seller.tax_id}"] if seller.tax_id else [])
    right = [receipt.customer_name, receipt.customer_email] if receipt.customer_name else [receipt.customer_email]
    pdf.set_font(family, "", 10)
    pdf.cell(WIDTH / 2, 6, "From")
    pdf.cell(WIDTH / 2, 6, "Billed to", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(family, "", 10)
    for i in range(max(len(left), len(right))):
        pdf.cell(WIDTH / 2, 5.5, text(left[i]) if i < len(left) else "")
        pdf.cell(WIDTH / 2, 5.5, text(right[i]) if i < len(right) else "", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(8)


def _lines(pdf: FPDF, family: str, receipt: ReceiptView, text) -> None:
    money = lambda cents: format_money(cents, receipt.currency)  # noqa: E731 - one currency per receipt
    pdf.set_font(family, "", 10)
    pdf.set_fill_color(240, 242, 245)
    pdf.cell(WIDTH - 60, 8, "Description", fill=True)
    pdf.cell(20, 8, "Qty", align="R", fill=True)
    pdf.cell(40, 8, "Amount", align="R", fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(family, "", 10)
    pdf.cell(WIDTH - 60, 7, text(receipt.description))
    pdf.cell(20, 7, "1", align="R")
    pdf.cell(40, 7, money(receipt.amount_cents), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*GREY)
    _line(pdf, text(receipt.details))
    pdf.set_text_color(0)
    pdf.ln(3)
    pdf.line(15, pdf.get_y(), 15 + WIDTH, pdf.get_y())
    pdf.ln(2)
    totals = [("Total paid by card", receipt.amount_cents)]
    if receipt.refunded_cents:
        totals += [("Refunded", -receipt.refunded_cents), ("Net paid", receipt.amount_cents - receipt.refunded_cents)]
    for label, cents in totals:
        pdf.set_font(family, "", 11)
        pdf.cell(WIDTH - 40, 7, label, align="R")
        pdf.cell(40, 7, money(cents) if cents >= 0 else "-" + money(-cents), align="R",
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(10)


def _footer(pdf: FPDF, family: str, receipt: ReceiptView, text) -> None:
    pdf.set_font(family, "", 9)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(WIDTH, 5, text(f"Prepaid eSIM data, delivered electronically. Paid in {receipt.currency}. "
                                  f"Questions about this receipt: {receipt.seller.support_email}."))
