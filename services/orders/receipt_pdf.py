"""A receipt as an A4 PDF (fpdf2): the seller's legal details, the line bought and the totals, worded in
the customer's language (`ReceiptView.lang`), amounts and date as they write them.

Text is set in Noto Sans (Latin, Greek, Cyrillic; one weight: subsetting each font is most of the
time a receipt takes), with Noto Sans JP (Japanese, Chinese), KR (Korean) and Arabic added as
fallbacks only when the receipt holds a character Noto Sans lacks that they have: parsing a 5 MB CJK
font costs time every receipt would otherwise pay. Arabic is set right to left with its letters
joined (fpdf2's text shaping, HarfBuzz). The TTFs come from the npm registry (`make run`/`make test`
put them in .tools/fonts; the Dockerfile too). Without them the receipt falls back to the PDF core
font, and characters outside Latin-1 print as "?" (logged).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from services.core import format_number, money_text, translate
from services.orders.receipts import ReceiptView, get_receipt

log = logging.getLogger(__name__)

FONT_ROOT = Path(__file__).resolve().parents[2] / ".tools" / "fonts" / "node_modules" / "@expo-google-fonts"
REGULAR = FONT_ROOT / "noto-sans" / "400Regular" / "NotoSans_400Regular.ttf"
CJK = FONT_ROOT / "noto-sans-jp" / "400Regular" / "NotoSansJP_400Regular.ttf"
FALLBACKS = {  # family -> TTF, for the characters Noto Sans lacks, tried in this order
    "notojp": CJK,
    "notokr": FONT_ROOT / "noto-sans-kr" / "400Regular" / "NotoSansKR_400Regular.ttf",
    "notoarabic": FONT_ROOT / "noto-sans-arabic" / "400Regular" / "NotoSansArabic_400Regular.ttf",
}
WIDTH = 180  # mm between the margins of an A4 page
HALF = WIDTH / 2
GREY = (90, 97, 112)
NEXT = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}


@dataclass(frozen=True, slots=True)
class ReceiptFile:
    filename: str  # receipt-OID....pdf
    content: bytes


def receipt_file(user_id: int, *, order_ref: str) -> ReceiptFile:
    """One of `user_id`'s paid orders as a PDF receipt; `OrderNotFound` or `ReceiptUnavailable` otherwise."""
    return pdf_file(get_receipt(user_id, order_ref=order_ref))


def pdf_file(receipt: ReceiptView) -> ReceiptFile:
    """`receipt` as a PDF download."""
    return ReceiptFile(f"receipt-{receipt.order_ref}.pdf", render_receipt(receipt))


def _labels(r: ReceiptView) -> dict[str, str]:
    """Every word the page prints besides the receipt's own data, in the customer's language."""
    lang, money = r.lang, (lambda cents: money_text(r.lang, cents, r.currency))
    words = {
        "title": translate(lang, "Receipt"), "number": translate(lang, "Receipt no. {ref}", ref=r.order_ref),
        "date": translate(lang, "Date: {date}", date=r.issued_on), "from": translate(lang, "From"),
        "to": translate(lang, "Billed to"), "description": translate(lang, "Description"),
        "qty": translate(lang, "Qty"), "amount": translate(lang, "Amount"),
        "tax_id": translate(lang, "VAT / Reg. no. {number}", number=r.seller.tax_id) if r.seller.tax_id else "",
        "footer": translate(lang, "Prepaid eSIM data, delivered electronically. Paid in {currency}. Questions "
                                  "about this receipt: {email}.", currency=r.currency, email=r.seller.support_email),
    }
    if r.on_account:
        totals = [(translate(lang, "Total charged to your account"), money(r.amount_cents))]
        back, net = translate(lang, "Credited"), translate(lang, "Net charged")
    else:
        totals = [(translate(lang, "Total paid by card"), money(r.amount_cents))]
        back, net = translate(lang, "Refunded"), translate(lang, "Net paid")
    if r.refunded_cents:
        totals += [(back, "-" + money(r.refunded_cents)), (net, money(r.amount_cents - r.refunded_cents))]
    words.update({f"total{i}": f"{label}\t{value}" for i, (label, value) in enumerate(totals)})
    return words


@cache
def _coverage(path: Path) -> frozenset[int]:
    """The code points a font has glyphs for (read once per process)."""
    font = TTFont(str(path), lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def _fonts(pdf: FPDF, texts: str) -> Callable[[str], str]:
    """Register the fonts `texts` need; returns how to pass text to the font chosen."""
    if not REGULAR.exists():
        log.warning("receipt fonts missing under %s: using a core font (Latin-1 only)", FONT_ROOT)
        pdf.set_font("helvetica", "", 10)
        return lambda text: text.encode("latin-1", "replace").decode("latin-1")
    pdf.add_font("noto", "", str(REGULAR))
    missing = {ord(c) for c in texts if not c.isspace()} - _coverage(REGULAR)
    fallbacks = []
    for family, path in FALLBACKS.items():
        if missing and path.exists() and missing & _coverage(path):
            pdf.add_font(family, "", str(path))
            fallbacks.append(family)
            missing -= _coverage(path)
    if fallbacks:
        pdf.set_fallback_fonts(fallbacks, exact_match=False)
    if "notoarabic" in fallbacks:  # HarfBuzz joins the letters and sets the words right to left
        pdf.set_text_shaping(True)
    pdf.set_font("noto", "", 10)
    return lambda text: text


def render_receipt(receipt: ReceiptView) -> bytes:
    """The receipt as PDF bytes."""
    words, seller = _labels(receipt), receipt.seller
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    text = _fonts(pdf, " ".join([*words.values(), seller.name, *seller.address_lines, seller.brand, *receipt.buyer,
                                 *(f"{line.description} {line.details}" for line in receipt.lines)]))
    pdf.set_title(text(f"{words['title']} {receipt.order_ref}"))
    pdf.set_author(text(seller.name))
    pdf.set_lang(receipt.lang)
    pdf.add_page()
    _header(pdf, receipt, words, text)
    _parties(pdf, receipt, words, text)
    _lines(pdf, receipt, words, text)
    pdf.set_font_size(9)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(WIDTH, 5, text(words["footer"]))
    return bytes(pdf.output())


def _header(pdf: FPDF, receipt: ReceiptView, words: dict[str, str], text: Callable[[str], str]) -> None:
    pdf.set_font_size(20)
    pdf.cell(HALF, 10, text(receipt.seller.brand))
    pdf.cell(HALF, 10, text(words["title"]), align="R", **NEXT)
    pdf.set_font_size(10)
    pdf.set_text_color(*GREY)
    pdf.cell(0, 5.5, text(words["number"]), align="R", **NEXT)
    pdf.cell(0, 5.5, text(words["date"]), align="R", **NEXT)
    pdf.set_text_color(0)
    pdf.ln(6)


def _parties(pdf: FPDF, receipt: ReceiptView, words: dict[str, str], text: Callable[[str], str]) -> None:
    seller = receipt.seller
    left = [seller.name, *seller.address_lines] + ([words["tax_id"]] if words["tax_id"] else [])
    right = list(receipt.buyer)
    pdf.set_font_size(11)
    pdf.cell(HALF, 6, text(words["from"]))
    pdf.cell(HALF, 6, text(words["to"]), **NEXT)
    pdf.set_font_size(10)
    for i in range(max(len(left), len(right))):
        pdf.cell(HALF, 5.5, text(left[i]) if i < len(left) else "")
        pdf.cell(HALF, 5.5, text(right[i]) if i < len(right) else "", **NEXT)
    pdf.ln(8)


def _lines(pdf: FPDF, receipt: ReceiptView, words: dict[str, str], text: Callable[[str], str]) -> None:
    pdf.set_fill_color(240, 242, 245)
    pdf.cell(WIDTH - 60, 8, text(words["description"]), fill=True)
    pdf.cell(20, 8, text(words["qty"]), align="R", fill=True)
    pdf.cell(40, 8, text(words["amount"]), align="R", fill=True, **NEXT)
    for line in receipt.lines:
        pdf.cell(WIDTH - 60, 7, text(line.description))
        pdf.cell(20, 7, format_number(line.quantity, receipt.lang), align="R")
        pdf.cell(40, 7, text(money_text(receipt.lang, line.amount_cents, receipt.currency)), align="R", **NEXT)
        pdf.set_text_color(*GREY)
        pdf.cell(0, 5.5, text(line.details), **NEXT)
        pdf.set_text_color(0)
        pdf.ln(1)
    pdf.ln(2)
    pdf.line(15, pdf.get_y(), 15 + WIDTH, pdf.get_y())
    pdf.ln(2)
    pdf.set_font_size(11)
    for key in sorted(k for k in words if k.startswith("total")):
        label, value = words[key].split("\t")
        pdf.cell(WIDTH - 40, 7, text(label), align="R")
        pdf.cell(40, 7, text(value), align="R", **NEXT)
    pdf.ln(10)
