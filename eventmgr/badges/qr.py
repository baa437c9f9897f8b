"""The badge code as a QR code in SVG, for a phone shown at the door instead of a printed badge.

The same symbol as on the printed badge (badges/pdf.py): the same error correction, every run
of dark modules in a row drawn as one rectangle, and the quiet zone a scanner needs around it.
"""

from __future__ import annotations

import re
from html import escape

import zxingcpp

from eventmgr.badges.pdf import QR_EC_LEVEL

QUIET_ZONE = 4
"""Modules of white around the symbol, as the QR standard asks."""

_DARK_RUN = re.compile(rb"\x00+")


def qr_svg(code: str, label: str) -> str:
    """An inline SVG of ``code`` that scales to any size; ``label`` is its accessible name."""
    barcode = zxingcpp.create_barcode(code, zxingcpp.BarcodeFormat.QRCode, ec_level=QR_EC_LEVEL)
    image = barcode.to_image(scale=1, add_quiet_zones=False)
    rows, cols = image.shape
    data = bytes(image)
    runs = []
    for row in range(rows):
        start = row * cols
        for run in _DARK_RUN.finditer(data, start, start + cols):
            x, width = run.start() - start + QUIET_ZONE, run.end() - run.start()
            runs.append(f"M{x} {row + QUIET_ZONE}h{width}v1h-{width}z")
    size = cols + 2 * QUIET_ZONE
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" '
        f'aria-label="{escape(label)}" shape-rendering="crispEdges" class="badge-qr">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    )
