"""Speaker photos: checked, re-encoded with Pillow (nothing of the upload is kept as sent)."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from eventmgr.platform.db import db
from eventmgr.programme.models import Person

MAX_BYTES = 5 * 1024 * 1024
MIN_SIDE = 100
MAX_SIDE = 8000
MAX_MEGAPIXELS = 36
"""Width × height, checked from the header before anything is decoded: a decoded photo costs
3-4 bytes a pixel, so a small file of a huge blank image would otherwise cost gigabytes."""
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
SIZES = {"large": 800, "thumb": 240}


class PhotoRefused(ValueError):
    """An upload that is not a usable photo; the message says why."""


def _encode(image: Image.Image, side: int) -> bytes:
    """The image scaled down to `side` in place (the largest size first), as JPEG."""
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()


def check_pixels(width: int, height: int) -> None:
    """Refuse an image whose pixel count would cost too much memory to decode."""
    if width * height > MAX_MEGAPIXELS * 1_000_000:
        raise PhotoRefused(
            _(
                "The photo has too many pixels (%(w)d × %(h)d): at most %(n)d megapixels. "
                "Scale it down first.",
                w=width,
                h=height,
                n=MAX_MEGAPIXELS,
            )
        )


def check_and_encode(data: bytes) -> dict[str, bytes]:
    """The photo re-encoded as JPEG in each size; PhotoRefused when it is not acceptable."""
    if not data:
        raise PhotoRefused(_("Choose a photo file."))
    if len(data) > MAX_BYTES:
        raise PhotoRefused(_("The photo is larger than 5 MB."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            width, height = probe.size
            if kind not in ALLOWED_FORMATS:
                raise PhotoRefused(_("Upload a JPEG, PNG or WebP photo."))
            if min(width, height) < MIN_SIDE:
                raise PhotoRefused(
                    _("The photo is too small: at least %(n)d pixels a side.", n=MIN_SIDE)
                )
            if max(width, height) > MAX_SIDE:
                raise PhotoRefused(
                    _("The photo is too large: at most %(n)d pixels a side.", n=MAX_SIDE)
                )
            check_pixels(width, height)
            largest = max(SIZES.values())
            probe.draft("RGB", (largest, largest))  # a JPEG decodes at 1/2, 1/4 or 1/8 scale
            probe.load()
            image = probe if probe.mode == "RGB" else probe.convert("RGB")
            sizes = sorted(SIZES.items(), key=lambda size: -size[1])
            return {name: _encode(image, side) for name, side in sizes}
    except PhotoRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise PhotoRefused(_("This file is not a photo we can read.")) from None


def set_photo(person: Person, data: bytes) -> None:
    sizes = check_and_encode(data)
    person.photo = sizes["large"]
    person.photo_thumb = sizes["thumb"]
    person.photo_version = (person.photo_version or 0) + 1
    db.session.flush()


def remove_photo(person: Person) -> None:
    person.photo = None
    person.photo_thumb = None
    person.photo_version = 0
    db.session.flush()
