"""Badge PDFs: every QR scans, every name prints whole, fonts travel with the file.

Pages are rasterised with PDFium (the engine in Chrome) and read back with
zxing-cpp, so the tests check what a phone at the door would see.
"""

from __future__ import annotations

import io
import math
import random

import pypdfium2 as pdfium
import pytest
import zxingcpp
from reportlab.lib.units import mm

from eventmgr.badges.pdf import (
    DEFAULT_ROLE_LABELS,
    FORMATS,
    QR_EC_LEVEL,
    ROLE_COLOURS,
    ROLES,
    BadgeCard,
    _em,
    _fit,
    _layout,
    _qr_path,
    contrast_ratio,
    render_badges,
)

DPI = 200
EVENT = "Cancer Crosslinks 2023"
DATE = "Oslo · 26 January 2023"
NAMES = [
    "Alpaslan (Aslan) Tasdogan",
    "Börje Haraldsson",
    "Pål Falck",
    "Eli Sihn Samdal Steinskog",
    "Şükrü Ağaoğlu",
    "Jürgen Großmann-Weiß",
    "İlkay Yılmaz",
    "Åse Ødegård Sæther",
    "Ştefan Țurcanu",
]
LONG_NAMES = [
    "Maria Theresia Freifrau von Weißenbach-Großmann zu Hohenlohe-Schillingsfürst",
    "Christophersenbrænneøkonomihusholdningsdirektør Ağaoğlu",
    "Aleksandra Konstantynopolitańczykowianeczka-Brzęczyszczykiewicz",
]
ORGS = [
    "Oslo University Hospital",
    "Karolinska Institutet",
    "Institute for Cancer Research, Oslo University Hospital, The Norwegian Radium Hospital",
    "",
]


def _code(rng: random.Random) -> str:
    return "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(28))


def make_cards(names: list[str], seed: int = 7) -> list[BadgeCard]:
    rng = random.Random(seed)
    return [
        BadgeCard(name, ORGS[i % len(ORGS)], ROLES[i % len(ROLES)], EVENT, DATE, _code(rng))
        for i, name in enumerate(names)
    ]


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(data)


def decoded_codes(page: pdfium.PdfPage) -> list[str]:
    image = page.render(scale=DPI / 72, grayscale=True).to_pil()
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [barcode.text for barcode in found]


def squash(text: str) -> str:
    """Drop whitespace so wrapped lines compare; PDFium reports a hyphen at a line end
    as U+FFFE or U+0002."""
    return "".join(text.replace("\ufffe", "-").replace("\x02", "-").split())


def page_text(page: pdfium.PdfPage) -> str:
    return page.get_textpage().get_text_range()


# --------------------------------------------------------------------------- QR codes


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_qr_on_every_page_decodes(fmt: str) -> None:
    spec = FORMATS[fmt]
    cards = make_cards(NAMES)  # 9 cards: full sheets plus a partial last sheet
    pdf = open_pdf(render_badges(cards, fmt))
    assert len(pdf) == math.ceil(len(cards) / spec.per_page)
    for number, page in enumerate(pdf):
        expected = [c.code for c in cards[number * spec.per_page : (number + 1) * spec.per_page]]
        assert sorted(decoded_codes(page)) == sorted(expected), f"{fmt} page {number + 1}"


def test_qr_uses_alphanumeric_mode_and_level_m() -> None:
    code = _code(random.Random(1))
    modules, path = _qr_path(code)
    # 28 characters fit version 2 (25 x 25) at level M only in alphanumeric mode.
    assert modules == 25
    assert path.count(" re") > 50
    image = pdfium.PdfDocument(render_badges(make_cards(["Pål Falck"]), "a6"))[0]
    found = zxingcpp.read_barcodes(image.render(scale=DPI / 72).to_pil())
    assert [(b.text, b.ec_level) for b in found] == [
        (make_cards(["Pål Falck"])[0].code, QR_EC_LEVEL)
    ]


def test_qr_is_vector_not_image() -> None:
    data = render_badges(make_cards(NAMES[:2]), "a6")
    assert b"/Subtype /Image" not in data


def test_qr_is_large_enough_to_scan_from_a_phone() -> None:
    for fmt, spec in FORMATS.items():
        assert _layout(spec.badge_size).qr.w >= 22 * mm, fmt


# --------------------------------------------------------------------------- page geometry


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_page_size_matches_format(fmt: str) -> None:
    page = open_pdf(render_badges(make_cards(NAMES[:1]), fmt))[0]
    width, height = page.get_size()
    assert (width, height) == pytest.approx(FORMATS[fmt].page_size, abs=0.01)


def test_sheet_sizes() -> None:
    assert FORMATS["a4-4xa6"].per_page == 4
    assert FORMATS["a4-8xa7"].per_page == 8
    assert FORMATS["card"].badge_size == pytest.approx((85 * mm, 54 * mm))


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_unicode_names_print_exactly(fmt: str) -> None:
    cards = make_cards(NAMES)
    pdf = open_pdf(render_badges(cards, fmt))
    text = squash("".join(page_text(page) for page in pdf))
    for card in cards:
        assert squash(card.name) in text
        assert squash(card.organisation) in text
    assert squash(EVENT) in text and squash(DATE) in text


@pytest.mark.parametrize("fmt", ["a6", "a7", "card"])
def test_long_names_are_whole_and_inside_the_badge(fmt: str) -> None:
    cards = make_cards(LONG_NAMES + NAMES)
    pdf = open_pdf(render_badges(cards, fmt))
    margin = _layout(FORMATS[fmt].badge_size).frame.x
    for card, page in zip(cards, pdf, strict=True):
        textpage = page.get_textpage()
        assert squash(card.name) in squash(textpage.get_text_range())
        width, height = page.get_size()
        for i in range(textpage.count_chars()):
            left, bottom, right, top = textpage.get_charbox(i)
            if right - left <= 0:  # line breaks and spaces have no ink
                continue
            # 2 pt slack: glyphs such as J overhang their origin a little
            assert margin - 2 <= left and right <= width - margin + 2, (card.name, i)
            assert bottom >= 0 and top <= height, (card.name, i)


def test_long_name_wraps_before_shrinking() -> None:
    style = _layout(FORMATS["a6"].badge_size).name
    width = _layout(FORMATS["a6"].badge_size).text.w
    short = _fit("Pål Falck", width, style)
    assert short.lines == ("Pål Falck",) and short.size == style.size
    wrapped = _fit("Eli Sihn Samdal Steinskog", width, style)
    assert len(wrapped.lines) == 2 and wrapped.size == pytest.approx(style.wrap_below)


def test_fitted_text_never_exceeds_the_width() -> None:
    style = _layout(FORMATS["card"].badge_size).name
    width = _layout(FORMATS["card"].badge_size).text.w
    for name in NAMES + LONG_NAMES + ["X" * 200]:
        fitted = _fit(name, width, style)
        assert squash(" ".join(fitted.lines)) == squash(name)
        for line in fitted.lines:
            assert (_em(line) + 0.03) * fitted.size <= width + 1e-6


# --------------------------------------------------------------------------- fonts, roles, API


def test_font_is_embedded_truetype_and_no_base14() -> None:
    data = render_badges(make_cards(NAMES), "a6")
    assert b"/FontFile2" in data
    assert b"/Helvetica" not in data


def test_role_colours_are_distinct_and_accessible() -> None:
    assert set(ROLE_COLOURS) == set(ROLES) == set(DEFAULT_ROLE_LABELS)
    assert len({bg for bg, _ in ROLE_COLOURS.values()}) == len(ROLES)
    for role, (background, text) in ROLE_COLOURS.items():
        assert contrast_ratio(background, text) >= 4.5, role


def test_default_and_overridden_role_labels() -> None:
    cards = make_cards(NAMES[: len(ROLES)])
    text = squash("".join(page_text(p) for p in open_pdf(render_badges(cards, "a6"))))
    for label in DEFAULT_ROLE_LABELS.values():
        assert label in text
    labels = {"speaker": "Foredragsholder", "press": "Presse"}
    pdf = open_pdf(render_badges(cards, "a6", role_labels=labels))
    text = squash("".join(page_text(p) for p in pdf))
    assert "Foredragsholder" in text and "Presse" in text and "Speaker" not in text


def test_unknown_format_raises() -> None:
    with pytest.raises(ValueError, match="'tabloid'"):
        render_badges(make_cards(NAMES[:1]), "tabloid")


def test_unknown_role_raises() -> None:
    card = BadgeCard("Pål Falck", "OUS", "chair", EVENT, DATE, "ABC123")
    with pytest.raises(ValueError, match="'chair'"):
        render_badges([card], "a6")
    with pytest.raises(ValueError, match="'chair'"):
        render_badges(make_cards(NAMES[:1]), "a6", role_labels={"chair": "Chair"})


def test_no_cards_raises() -> None:
    with pytest.raises(ValueError, match="no badges"):
        render_badges([], "a6")


def test_writes_to_stream_and_is_deterministic() -> None:
    cards = make_cards(NAMES)
    out = io.BytesIO()
    assert render_badges(iter(cards), "a4-4xa6", out) is None
    assert out.getvalue().startswith(b"%PDF-")
    assert out.getvalue() == render_badges(cards, "a4-4xa6")
