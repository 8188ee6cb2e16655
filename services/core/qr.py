"""QR codes, generated locally (an activation string never goes to a third-party service)."""

import io

import segno


def qr_png(text: str) -> bytes:
    """A PNG QR code of `text`, large enough to scan from a screen or a printout."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()
