"""A certificate of attendance as a one-page PDF (A4 landscape): the person, the event, the
date, the hours, on site or online, and the verification URL with a QR code of it.

Pure: plain values in, bytes out; the caller translates the texts. Names use the embedded
Noto Sans of the badges, so any European name prints as written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

import zxingcpp
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from eventmgr.badges.pdf import font_path

ACCENT = HexColor("#1f4e79")
FONT_NAME = "EventmgrCertificateSans"


@lru_cache(maxsize=1)
def _font() -> None:
    """Parse and register the badges' TrueType font once per process."""
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_path())))


@dataclass(frozen=True)
class CertificateText:
    """Every line of the certificate, already in the reader's language."""

    title: str
    certifies: str  # "This certifies that"
    name: str
    attended: str  # "attended Cancer Crosslinks 2023 on 26 January 2023"
    hours: str  # "5.5 hours, on site"
    organiser: str  # the event's venue or organiser line, may be ""
    verify: str  # "Check that this certificate is genuine at"
    url: str
    code: str  # "Code: ABCD…"


def _fit(text: str, size: float, width: float) -> float:
    """The font size at which `text` fits `width` (never larger than `size`)."""
    measured = stringWidth(text, FONT_NAME, size)
    return size if measured <= width else max(8.0, size * width / measured)


def _centred(canv: Canvas, text: str, y: float, size: float, width: float) -> None:
    size = _fit(text, size, width)
    canv.setFont(FONT_NAME, size)
    canv.drawCentredString(landscape(A4)[0] / 2, y, text)


def _qr(canv: Canvas, payload: str, x: float, y: float, side: float) -> None:
    barcode = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = barcode.to_image(scale=1, add_quiet_zones=False)
    rows, cols = image.shape
    data = bytes(image)
    module = side / cols
    canv.setFillColorRGB(0, 0, 0)
    for row in range(rows):
        col = 0
        while col < cols:
            if data[row * cols + col] == 0:
                start = col
                while col < cols and data[row * cols + col] == 0:
                    col += 1
                canv.rect(
                    x + start * module,
                    y + side - (row + 1) * module,
                    (col - start) * module,
                    module,
                    stroke=0,
                    fill=1,
                )
            else:
                col += 1


def render_certificate(text: CertificateText) -> bytes:
    """The certificate as PDF bytes."""
    _font()  # registers the embedded font
    out = io.BytesIO()
    width, height = landscape(A4)
    canv = Canvas(out, pagesize=(width, height), invariant=True)
    canv.setTitle(f"{text.title} – {text.name}")
    canv.setStrokeColor(ACCENT)
    canv.setLineWidth(3)
    canv.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    usable = width - 60 * mm
    canv.setFillColor(ACCENT)
    _centred(canv, text.title, height - 45 * mm, 30, usable)
    canv.setFillColorRGB(0.1, 0.1, 0.1)
    _centred(canv, text.certifies, height - 65 * mm, 14, usable)
    _centred(canv, text.name, height - 85 * mm, 28, usable)
    _centred(canv, text.attended, height - 102 * mm, 14, usable)
    _centred(canv, text.hours, height - 115 * mm, 14, usable)
    if text.organiser:
        _centred(canv, text.organiser, height - 128 * mm, 11, usable)
    side = 28 * mm
    _qr(canv, text.url, width - 30 * mm - side, 22 * mm, side)
    canv.setFont(FONT_NAME, 9)
    canv.drawString(30 * mm, 38 * mm, text.verify)
    canv.setFont(FONT_NAME, _fit(text.url, 9, width - 100 * mm))
    canv.drawString(30 * mm, 32 * mm, text.url)
    canv.setFont(FONT_NAME, 9)
    canv.drawString(30 * mm, 26 * mm, text.code)
    canv.showPage()
    canv.save()
    return out.getvalue()
