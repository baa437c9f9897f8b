"""Print-ready conference badges as a single PDF.

Check-in desks print hundreds of badges in one go, so the renderer streams the
cards, puts everything that repeats (event header, role ribbon, cut marks) in
Form XObjects drawn once per document, and draws each QR code as a handful of
vector rectangles instead of an image.  Names use an embedded Noto Sans so any
European name (æøå, ß, ı ş ğ İ, ș ț, Vietnamese) prints as written.
"""

from __future__ import annotations

import io
import os
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import BinaryIO

import zxingcpp
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

__all__ = [
    "DEFAULT_ROLE_LABELS",
    "FONT_ENV",
    "FORMATS",
    "QR_EC_LEVEL",
    "ROLES",
    "ROLE_COLOURS",
    "BadgeCard",
    "BadgeFormat",
    "contrast_ratio",
    "font_path",
    "render_badges",
]

FONT_NAME = "EventmgrBadgeSans"
FONT_ENV = "EVENTMGR_BADGE_FONT"
"""Environment variable naming a TrueType file to use instead of Noto Sans."""

QR_EC_LEVEL = "M"
"""M keeps modules large (version 2 for up to 38 characters) yet survives scuffs."""

ROLES = ("speaker", "moderator", "organiser", "delegation", "attendee", "press")

DEFAULT_ROLE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "speaker": "Speaker",
        "moderator": "Moderator",
        "organiser": "Organiser",
        "delegation": "Delegation",
        "attendee": "Attendee",
        "press": "Press",
    }
)

INK = "#111827"
MUTED = "#374151"
FAINT = "#4B5563"
RULE = "#D1D5DB"
WHITE = "#FFFFFF"

# Okabe-Ito colours stay distinguishable with the common colour-vision deficiencies;
# attendees, the majority, get a calm neutral grey.
_ROLE_BACKGROUNDS = {
    "speaker": "#D55E00",
    "moderator": "#CC79A7",
    "organiser": "#0072B2",
    "delegation": "#009E73",
    "attendee": "#4D4D4D",
    "press": "#F0E442",
}

CAP_HEIGHT = 0.714
"""Noto Sans cap height in em; used to centre text optically."""
DESCENT = 0.25
"""Room below a baseline for descenders and the comma accents of ș ț ņ."""
LEADING = 1.15
FAUX_BOLD = 0.03
"""Stroke width in em that thickens the regular face (the TTF has no static bold)."""


# --------------------------------------------------------------------------- colours


def _srgb_channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    r, g, b = (_srgb_channel(int(h[i : i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two ``#RRGGBB`` colours (1 to 21)."""
    hi, lo = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _text_on(background: str) -> str:
    """Pick white or ink, whichever reads better on ``background``."""
    return max((WHITE, INK), key=lambda fg: contrast_ratio(background, fg))


ROLE_COLOURS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {role: (bg, _text_on(bg)) for role, bg in _ROLE_BACKGROUNDS.items()}
)
"""Role -> (ribbon colour, label colour); every pair has contrast >= 4.5:1."""


@lru_cache(maxsize=64)
def _colour(hex_colour: str) -> Color:
    return HexColor(hex_colour)


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True)
class BadgeCard:
    """What one badge shows; the app builds these from registrations."""

    name: str
    organisation: str
    role: str  # one of ROLES
    event_name: str
    event_date: str  # already formatted for the reader's locale
    code: str  # QR payload, uppercase alphanumeric


@dataclass(frozen=True)
class BadgeFormat:
    """A badge size and how badges are imposed on the printed page."""

    id: str
    description: str
    badge_size: tuple[float, float]  # points, as the badge is worn
    page_size: tuple[float, float]  # points
    columns: int = 1
    rows: int = 1
    rotated: bool = False  # badge turned 90 degrees on the sheet

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def is_sheet(self) -> bool:
        return self.per_page > 1


_A6 = (105 * mm, 148 * mm)
_A7 = (74 * mm, 105 * mm)

FORMATS: Mapping[str, BadgeFormat] = MappingProxyType(
    {
        "a6": BadgeFormat("a6", "A6 badge, one per page", _A6, _A6),
        "a7": BadgeFormat("a7", "A7 badge, one per page", _A7, _A7),
        "a4-4xa6": BadgeFormat("a4-4xa6", "A4 sheet of 4 A6 badges", _A6, A4, 2, 2),
        "a4-8xa7": BadgeFormat("a4-8xa7", "A4 sheet of 8 A7 badges", _A7, A4, 2, 4, True),
        "card": BadgeFormat(
            "card", "85 x 54 mm card, one per page", (85 * mm, 54 * mm), (85 * mm, 54 * mm)
        ),
    }
)


# --------------------------------------------------------------------------- font


def font_path() -> Path:
    """Locate the badge font: ``$EVENTMGR_BADGE_FONT`` or Noto Sans from PyPI.

    Noto Sans comes from the ``fontpkg-noto-sans`` wheel so that no font file
    lives in this repository and a fresh ``pip install`` is enough.
    """
    override = os.environ.get(FONT_ENV)
    if override:
        return Path(override)
    import fontpkg

    return Path(fontpkg.path("Noto Sans", weight=400))


@lru_cache(maxsize=1)
def _font() -> TTFont:
    """Parse and register the TrueType font once per process (about 10 ms)."""
    font = TTFont(FONT_NAME, str(font_path()))
    pdfmetrics.registerFont(font)
    return font


@lru_cache(maxsize=4096)
def _em(text: str) -> float:
    """Advance width of ``text`` at 1 pt; cached because organisations repeat."""
    return _font().stringWidth(text, 1.0)


# --------------------------------------------------------------------------- text fitting


@dataclass(frozen=True)
class _TextStyle:
    size: float  # preferred size in points
    wrap_below: float  # rather wrap to two lines than go smaller on one line
    colour: str
    lines: int = 2
    bold: bool = False


@dataclass(frozen=True)
class _Fitted:
    size: float
    lines: tuple[str, ...]
    style: _TextStyle

    @property
    def height(self) -> float:
        """Cap height of the first line to baseline of the last one."""
        return self.size * (CAP_HEIGHT + LEADING * (len(self.lines) - 1))

    def scaled(self, factor: float) -> _Fitted:
        return _Fitted(self.size * factor, self.lines, self.style)


def _width_em(text: str, bold: bool) -> float:
    return _em(text) + (FAUX_BOLD if bold else 0.0)


def _best_split(text: str) -> tuple[str, str] | None:
    """Split at the space or hyphen that makes the longer line shortest."""
    best: tuple[float, tuple[str, str]] | None = None
    for i in range(1, len(text)):
        if text[i] != " " and text[i - 1] != "-":
            continue
        first, second = text[:i].rstrip(), text[i:].lstrip()
        if not first or not second:
            continue
        cost = max(_em(first), _em(second))
        if best is None or cost < best[0]:
            best = (cost, (first, second))
    return best[1] if best else None


def _fit(text: str, width: float, style: _TextStyle) -> _Fitted:
    """Largest size that fits: one line, then two lines, then shrink further.

    Text is never cut: below ``wrap_below`` it only gets smaller.
    """
    em = _width_em(text, style.bold)
    single = _Fitted(min(style.size, width / em) if em else style.size, (text,), style)
    if single.size >= style.wrap_below or style.lines < 2:
        return single
    split = _best_split(text)
    if split is None:
        return single
    em2 = max(_width_em(line, style.bold) for line in split)
    double = _Fitted(min(style.wrap_below, width / em2), split, style)
    return double if double.size > single.size else single


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class _Layout:
    """Positions in points, origin at the badge's lower-left corner."""

    centred: bool
    frame: _Box  # inner area: header, rule and ribbon span its width
    event_y: float
    date_y: float
    rule_y: float
    text: _Box  # name and organisation are centred vertically in here
    gap: float  # between name and organisation
    qr: _Box
    code_y: float | None  # baseline of the printed code, None to omit it
    ribbon: _Box
    radius: float
    event: _TextStyle
    date: _TextStyle
    name: _TextStyle
    org: _TextStyle
    role_size: float
    code_size: float


def _portrait(width: float, height: float) -> _Layout:
    """A6 proportions; A7 is the same design scaled down."""
    s = width / (105 * mm)

    def u(v: float) -> float:
        return v * mm * s

    margin = u(7)
    frame = _Box(margin, margin, width - 2 * margin, height - 2 * margin)
    ribbon = _Box(margin, margin, frame.w, u(15))
    code_y = ribbon.y + ribbon.h + u(3.2)
    qr_size = u(38)
    qr = _Box((width - qr_size) / 2, code_y + u(6.5), qr_size, qr_size)
    event_y = height - margin - u(4.5)
    rule_y = event_y - u(9.5)
    text_bottom = qr.y + qr.h + u(6)
    text = _Box(margin, text_bottom, frame.w, rule_y - u(5) - text_bottom)
    return _Layout(
        centred=True,
        frame=frame,
        event_y=event_y,
        date_y=event_y - u(5.2),
        rule_y=rule_y,
        text=text,
        gap=u(3.5),
        qr=qr,
        code_y=code_y,
        ribbon=ribbon,
        radius=u(2.5),
        event=_TextStyle(11 * s, 11 * s, INK, lines=1, bold=True),
        date=_TextStyle(9 * s, 9 * s, FAINT, lines=1),
        name=_TextStyle(32 * s, 26 * s, INK, bold=True),
        org=_TextStyle(13 * s, 11 * s, MUTED),
        role_size=18 * s,
        code_size=6.5 * s,
    )


def _landscape(width: float, height: float) -> _Layout:
    """Credit-card badge: text column on the left, QR code on the right."""
    margin = 4 * mm
    frame = _Box(margin, margin, width - 2 * margin, height - 2 * margin)
    ribbon = _Box(margin, margin, frame.w, 8.5 * mm)
    event_y = height - margin - 3 * mm
    rule_y = event_y - 6 * mm
    qr_size = 22 * mm  # leaves ~3.7 modules of quiet zone above and below
    qr_y = (ribbon.y + ribbon.h + rule_y - qr_size) / 2
    qr = _Box(width - margin - qr_size, qr_y, qr_size, qr_size)
    text_bottom = ribbon.y + ribbon.h + 2.5 * mm
    text = _Box(margin, text_bottom, qr.x - 3.5 * mm - margin, rule_y - 2.5 * mm - text_bottom)
    return _Layout(
        centred=False,
        frame=frame,
        event_y=event_y,
        date_y=event_y - 3.6 * mm,
        rule_y=rule_y,
        text=text,
        gap=2 * mm,
        qr=qr,
        code_y=None,
        ribbon=ribbon,
        radius=1.5 * mm,
        event=_TextStyle(8, 8, INK, lines=1, bold=True),
        date=_TextStyle(7, 7, FAINT, lines=1),
        name=_TextStyle(16, 13, INK, bold=True),
        org=_TextStyle(8.5, 7.5, MUTED),
        role_size=11,
        code_size=5,
    )


@lru_cache(maxsize=8)
def _layout(size: tuple[float, float]) -> _Layout:
    width, height = size
    return _portrait(width, height) if height > width else _landscape(width, height)


def _logo_strip(lay: _Layout) -> tuple[_Layout, _Box | None]:
    """Room for sponsor logos under the header rule, taken from the top of the name area; a
    landscape card has none to spare (its logos are left out)."""
    if not lay.centred:
        return lay, None
    height = lay.text.h * 0.22
    gap = height * 0.25
    strip = _Box(lay.frame.x, lay.rule_y - gap - height, lay.frame.w, height)
    text = replace(lay.text, h=lay.text.h - height - gap)
    return replace(lay, text=text), strip


def _draw_logos(canv: Canvas, logos: Sequence[ImageReader], box: _Box) -> None:
    """The logos side by side, each scaled into an equal share of the strip, centred."""
    gap = box.h * 0.3
    share = (box.w - gap * (len(logos) - 1)) / len(logos)
    for n, logo in enumerate(logos):
        x = box.x + n * (share + gap)
        canv.drawImage(
            logo, x, box.y, share, box.h, preserveAspectRatio=True, anchor="c", mask="auto"
        )


# --------------------------------------------------------------------------- QR code

_DARK_RUN = re.compile(rb"\x00+")


def _qr_path(code: str) -> tuple[int, str]:
    """Encode ``code`` and return (modules per side, PDF path in module units).

    Horizontal runs of dark modules become one rectangle each, which keeps the
    page stream small and avoids hairline seams between modules.
    """
    barcode = zxingcpp.create_barcode(code, zxingcpp.BarcodeFormat.QRCode, ec_level=QR_EC_LEVEL)
    image = barcode.to_image(scale=1, add_quiet_zones=False)
    rows, cols = image.shape
    data = bytes(image)
    ops: list[str] = []
    for row in range(rows):
        start = row * cols
        for run in _DARK_RUN.finditer(data, start, start + cols):
            ops.append(f"{run.start() - start} {row} {run.end() - run.start()} 1 re")
    return cols, " ".join(ops)


def _draw_qr(canv: Canvas, code: str, box: _Box) -> None:
    modules, path = _qr_path(code)
    m = box.w / modules
    top = box.y + box.h
    canv.addLiteral(f"q 0 g {m:.5f} 0 0 {-m:.5f} {box.x:.3f} {top:.3f} cm {path} f Q")


# --------------------------------------------------------------------------- drawing


def _draw_lines(canv: Canvas, fitted: _Fitted, box: _Box, top: float, centred: bool) -> None:
    """Draw ``fitted`` with the cap height of its first line at ``top``."""
    style = fitted.style
    size = fitted.size
    canv.setFont(FONT_NAME, size)
    canv.setFillColor(_colour(style.colour))
    mode = None
    if style.bold:
        canv.setStrokeColor(_colour(style.colour))
        canv.setLineWidth(FAUX_BOLD * size)
        mode = 2
    y = top - CAP_HEIGHT * size
    for line in fitted.lines:
        x = box.x
        if centred:
            x += (box.w - _width_em(line, style.bold) * size) / 2
        canv.drawString(x, y, line, mode=mode)
        y -= LEADING * size


def _draw_person(canv: Canvas, card: BadgeCard, lay: _Layout) -> None:
    """Name and organisation, centred as one block in the text area."""
    box = lay.text
    blocks = [_fit(card.name, box.w, lay.name)]
    if card.organisation.strip():
        blocks.append(_fit(card.organisation, box.w, lay.org))
    gap = lay.gap + DESCENT * blocks[0].size if len(blocks) > 1 else 0.0
    total = sum(b.height for b in blocks) + gap
    if total > box.h:  # safety net: shrink everything rather than overflow
        factor = box.h / total
        blocks = [b.scaled(factor) for b in blocks]
        gap *= factor
        total = box.h
    top = box.y + (box.h + total) / 2
    for block in blocks:
        _draw_lines(canv, block, box, top, lay.centred)
        top -= block.height + gap


def _draw_code(canv: Canvas, code: str, lay: _Layout) -> None:
    """Print the code under the QR so the desk can type it if a scan fails."""
    if lay.code_y is None:
        return
    canv.setFont(FONT_NAME, lay.code_size)
    canv.setFillColor(_colour(FAINT))
    x = lay.qr.x + (lay.qr.w - _em(code) * lay.code_size) / 2
    canv.drawString(x, lay.code_y, code)


def _draw_template(
    canv: Canvas,
    lay: _Layout,
    role: str,
    label: str,
    event: tuple[str, str],
    logos: tuple[Sequence[ImageReader], _Box | None] = ((), None),
) -> None:
    """Everything shared by badges of one role at one event, drawn into one form (the logos
    too: each image is stored once in the PDF)."""
    frame = lay.frame
    name, date = event
    _draw_single(canv, name, lay.event, frame, lay.event_y, lay.centred)
    _draw_single(canv, date, lay.date, frame, lay.date_y, lay.centred)
    canv.setStrokeColor(_colour(RULE))
    canv.setLineWidth(0.6)
    canv.line(frame.x, lay.rule_y, frame.x + frame.w, lay.rule_y)
    images, strip = logos
    if images and strip is not None:
        _draw_logos(canv, images, strip)
    _draw_ribbon(canv, lay, role, label)


def _draw_single(
    canv: Canvas, text: str, style: _TextStyle, box: _Box, y: float, centred: bool
) -> None:
    """One line with its baseline at ``y``, shrunk if it is too wide."""
    fitted = _fit(text, box.w, style)
    _draw_lines(canv, fitted, box, y + CAP_HEIGHT * fitted.size, centred)


def _draw_ribbon(canv: Canvas, lay: _Layout, role: str, label: str) -> None:
    """Role band: colour for a glance across the room, label for everyone else."""
    background, foreground = ROLE_COLOURS[role]
    r = lay.ribbon
    canv.setFillColor(_colour(background))
    canv.roundRect(r.x, r.y, r.w, r.h, lay.radius, stroke=0, fill=1)
    style = _TextStyle(lay.role_size, lay.role_size, foreground, lines=1, bold=True)
    inner = _Box(r.x + lay.radius * 2, r.y, r.w - lay.radius * 4, r.h)
    fitted = _fit(label, inner.w, style)
    top = r.y + (r.h + CAP_HEIGHT * fitted.size) / 2
    _draw_lines(canv, fitted, inner, top, centred=True)


def _draw_cut_marks(canv: Canvas, fmt: BadgeFormat) -> None:
    """Short crosses on every cut line crossing; guillotine follows them."""
    cell_w, cell_h = _cell_size(fmt)
    x0, y0 = _sheet_origin(fmt)
    arm = 3 * mm
    canv.setStrokeColor(_colour("#6B7280"))
    canv.setLineWidth(0.3)
    segments = []
    for i in range(fmt.columns + 1):
        for j in range(fmt.rows + 1):
            x, y = x0 + i * cell_w, y0 + j * cell_h
            segments.append((x - arm, y, x + arm, y))
            segments.append((x, y - arm, x, y + arm))
    canv.lines(segments)


# --------------------------------------------------------------------------- imposition


def _cell_size(fmt: BadgeFormat) -> tuple[float, float]:
    w, h = fmt.badge_size
    return (h, w) if fmt.rotated else (w, h)


def _sheet_origin(fmt: BadgeFormat) -> tuple[float, float]:
    """Centre the badge grid on the sheet."""
    cell_w, cell_h = _cell_size(fmt)
    page_w, page_h = fmt.page_size
    return (page_w - fmt.columns * cell_w) / 2, (page_h - fmt.rows * cell_h) / 2


def _slots(fmt: BadgeFormat) -> list[tuple[float, float, float, float, float, float]]:
    """Transformation matrix for each badge position, row by row from the top."""
    cell_w, cell_h = _cell_size(fmt)
    x0, y0 = _sheet_origin(fmt)
    slots = []
    for row in range(fmt.rows):
        for col in range(fmt.columns):
            x = x0 + col * cell_w
            y = y0 + (fmt.rows - 1 - row) * cell_h
            if fmt.rotated:
                slots.append((0.0, 1.0, -1.0, 0.0, x + cell_w, y))
            else:
                slots.append((1.0, 0.0, 0.0, 1.0, x, y))
    return slots


# --------------------------------------------------------------------------- renderer


class _Renderer:
    """Holds one canvas and the forms already defined in it."""

    def __init__(
        self,
        target: str | BinaryIO,
        fmt: BadgeFormat,
        labels: Mapping[str, str],
        logos: Sequence[bytes] = (),
    ):
        font = _font()
        self.fmt = fmt
        self.layout = _layout(fmt.badge_size)
        self.logos: tuple[Sequence[ImageReader], _Box | None] = ((), None)
        if logos:
            self.layout, strip = _logo_strip(self.layout)
            self.logos = ([ImageReader(io.BytesIO(logo)) for logo in logos], strip)
        self.labels = labels
        self.slots = _slots(fmt)
        self.forms: dict[tuple[str, str, str, str], str] = {}
        self.canv = Canvas(
            target,
            pagesize=fmt.page_size,
            pageCompression=1,
            invariant=1,
            initialFontName=font.fontName,
            initialFontSize=10,
        )
        self.canv.setPageCallBack(self._compress_page)
        self.canv.setCreator("eventmgr badges")
        self.canv.setTitle("Badges")

    def template(self, card: BadgeCard) -> str:
        """Name of the form with the event header and role ribbon, made on first use."""
        key = (card.role, self.labels[card.role], card.event_name, card.event_date)
        name = self.forms.get(key)
        if name is None:
            name = f"badge{len(self.forms)}"
            canv = self.canv
            canv.beginForm(name)
            _draw_template(canv, self.layout, key[0], key[1], (key[2], key[3]), self.logos)
            canv.endForm()
            self.forms[key] = name
        return name

    def cut_marks(self) -> None:
        canv = self.canv
        if not canv.hasForm("cutmarks"):
            canv.beginForm("cutmarks")
            _draw_cut_marks(canv, self.fmt)
            canv.endForm()
        canv.doForm("cutmarks")

    def badge(self, card: BadgeCard, slot: tuple[float, ...]) -> None:
        canv = self.canv
        form = self.template(card)
        canv.saveState()
        canv.transform(*slot)
        canv.doForm(form)
        _draw_person(canv, card, self.layout)
        _draw_qr(canv, card.code, self.layout.qr)
        _draw_code(canv, card.code, self.layout)
        canv.restoreState()

    def run(self, cards: Iterable[BadgeCard]) -> None:
        per_page = self.fmt.per_page
        used = 0
        for card in _checked(cards, self.labels):
            self.badge(card, self.slots[used])
            used += 1
            if used == per_page:
                self.end_page()
                used = 0
        if used:
            self.end_page()
        if self.canv.getPageNumber() == 1:  # a PDF without pages is not a valid PDF
            raise ValueError("no badges to render")

    def _compress_page(self, _page_number: int) -> None:
        """Deflate and serialise the finished page now, so memory tracks the PDF, not its
        source: each page is left as the bytes it will be written as."""
        doc = self.canv._doc
        pages = getattr(getattr(doc, "Pages", None), "pages", None)
        if pages:
            _precompress(pages[-1])
            pages[-1] = _freeze(doc, pages[-1])

    def end_page(self) -> None:
        if self.fmt.is_sheet:
            self.cut_marks()
        self.canv.showPage()


_FLATE = pdfdoc.PDFDictionary({"Filter": pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])})


def _precompress(page: pdfdoc.PDFPage) -> None:
    """Replace a page's text stream by its deflated bytes.

    reportlab keeps every page as a str until ``save()`` and then wraps the
    deflated data in ASCII85 with a pure-Python encoder (25 % larger, and half
    the render time).  A stream whose dictionary already names its filter is
    written as is, so pages are deflated here, once, straight to binary.
    """
    stream = getattr(page, "stream", None)
    if not isinstance(stream, str):
        return
    contents = pdfdoc.PDFStream(
        pdfdoc.PDFDictionary(dict(_FLATE.dict)), zlib.compress(stream.encode("utf-8"))
    )
    contents.__Comment__ = "page stream"
    page.Contents = contents
    page.stream = None


class _Frozen(pdfdoc.PDFObject):
    """An object already serialised; gives its bytes up once they are written."""

    __RefOnly__ = 1

    def __init__(self, name: str, data: bytes):
        self.__InternalName__ = name
        self.data: bytes | None = data

    def format(self, document: pdfdoc.PDFDocument) -> bytes:
        data, self.data = self.data, None
        if data is None:
            raise RuntimeError("a frozen badge page can be written only once")
        return data


def _freeze(doc: pdfdoc.PDFDocument, page: pdfdoc.PDFPage) -> pdfdoc.PDFObject:
    """Serialise a finished page and its content stream and keep only the bytes.

    reportlab holds every page as a tree of Python objects (about 6 KiB per badge) until
    ``save()``; the page dictionary only refers to objects that exist already (fonts by
    name, the forms, the page tree), so it can be written now; the content stream gets its
    object number now rather than in the final pass.
    """
    name = getattr(page, "__InternalName__", None)
    contents = page.Contents
    if name is None or not isinstance(contents, pdfdoc.PDFStream):
        return page
    page_bytes = page.format(doc)  # registers the content stream, as the final pass would
    contents_name = contents.__InternalName__
    doc.idToObject[contents_name] = _Frozen(contents_name, contents.format(doc))
    frozen = _Frozen(name, page_bytes)
    doc.idToObject[name] = frozen
    return frozen


def _checked(cards: Iterable[BadgeCard], labels: Mapping[str, str]) -> Iterator[BadgeCard]:
    for card in cards:
        if card.role not in labels:
            raise ValueError(f"unknown badge role {card.role!r}; expected one of {ROLES}")
        if not card.code:
            raise ValueError(f"badge for {card.name!r} has an empty code")
        yield card


def _labels(overrides: Mapping[str, str] | None) -> Mapping[str, str]:
    unknown = set(overrides or ()) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown badge role {sorted(unknown)[0]!r} in role_labels")
    return {**DEFAULT_ROLE_LABELS, **(overrides or {})}


def render_badges(
    cards: Iterable[BadgeCard],
    fmt: str,
    out: BinaryIO | None = None,
    *,
    role_labels: Mapping[str, str] | None = None,
    logos: Sequence[bytes] = (),
) -> bytes | None:
    """Write all ``cards`` as one PDF in format ``fmt`` (a key of FORMATS).

    Returns the PDF bytes, or writes them to ``out`` and returns None.
    ``role_labels`` overrides ribbon texts, e.g. with translations; ``logos`` (PNG or JPEG
    bytes) are sponsors' logos, in a strip under the header of portrait badges.
    Raises ValueError for an unknown format or role, or when there are no cards.
    """
    badge_format = FORMATS.get(fmt)
    if badge_format is None:
        raise ValueError(f"unknown badge format {fmt!r}; expected one of {sorted(FORMATS)}")
    labels = _labels(role_labels)
    renderer = _Renderer(out if out is not None else io.BytesIO(), badge_format, labels, logos)
    renderer.run(cards)
    if out is None:
        return renderer.canv.getpdfdata()  # skips a copy through BytesIO
    renderer.canv.save()
    return None
