"""Sponsor logos: checked like speaker photos (formats, size limits, Pillow reads every pixel),
then re-encoded as PNG so that a transparent background stays transparent; nothing of the
upload is kept as sent (no metadata, no second image hidden in the file)."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from eventmgr.programme.photos import ALLOWED_FORMATS, MAX_BYTES, MAX_SIDE

__all__ = ["MAX_BYTES", "LogoRefused", "check_and_encode"]

MIN_SIDE = 32  # a wide logo may be short
SIZES = {"large": (800, 400), "small": (320, 160)}


class LogoRefused(ValueError):
    """An upload that is not a usable logo; the message says why."""


def _opened(data: bytes) -> Image.Image:
    if not data:
        raise LogoRefused(_("Choose a logo file."))
    if len(data) > MAX_BYTES:
        raise LogoRefused(_("The logo is larger than 5 MB."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise LogoRefused(_("Upload a PNG, JPEG or WebP logo."))
            width, height = probe.size
            if min(width, height) < MIN_SIDE:
                raise LogoRefused(
                    _("The logo is too small: at least %(n)d pixels a side.", n=MIN_SIDE)
                )
            if max(width, height) > MAX_SIDE:
                raise LogoRefused(
                    _("The logo is too large: at most %(n)d pixels a side.", n=MAX_SIDE)
                )
            probe.load()
            transparent = probe.mode in ("RGBA", "LA", "PA") or "transparency" in probe.info
            return probe.convert("RGBA" if transparent else "RGB")
    except LogoRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise LogoRefused(_("This file is not an image we can read.")) from None


def _encode(image: Image.Image, box: tuple[int, int]) -> bytes:
    copy = image.copy()
    copy.thumbnail(box, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, "PNG", optimize=True)
    return out.getvalue()


def check_and_encode(data: bytes) -> dict[str, bytes]:
    """The logo as PNG in each size; LogoRefused when it is not acceptable."""
    image = _opened(data)
    return {name: _encode(image, box) for name, box in SIZES.items()}
