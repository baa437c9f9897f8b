"""Free text rules every domain shares."""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters other than tab and line breaks: never typed, invisible on a page, and
PostgreSQL refuses NUL, so they are refused on SQLite too (the same answer on both)."""


def has_control(text: str) -> bool:
    return CONTROL.search(text) is not None
