"""CSV downloads that open in Excel with æøå intact and no formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from flask import Response, stream_with_context

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def safe_cell(value: Any) -> Any:
    """Text starting like a formula would run in Excel; a leading quote keeps it text."""
    if isinstance(value, str):
        return QUOTE + value if value[:1] in FORMULA_START else value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return "" if value is None else value


def _quoted(text: str) -> bool:
    """Whether `text` starts with a quote that `quote_text` put there."""
    return text[:1] == QUOTE and text[1:2] in (*FORMULA_START, QUOTE)


def quote_text(text: str) -> str:
    """`safe_cell`'s quoting, made reversible for files that are imported again.

    The rule: a quote goes in front of text that starts like a formula, and in front of text
    that already starts with a quote followed by a formula start or another quote. So
    `unquote_text` takes a leading quote off only before those characters: "'=x" reads as
    "=x" and "''=x" as "'=x", while "'Twas" (a quote before anything else) stays as it is.
    """
    return QUOTE + text if text[:1] in FORMULA_START or _quoted(text) else text


def unquote_text(cell: str) -> str:
    """The text `quote_text` was given: exact for every text, see the rule there."""
    return cell[1:] if _quoted(cell) else cell


def stream_csv(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The BOM, the header, then the rows in chunks of about 64 kB."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield BOM
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(filename: str, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Response:
    return Response(
        stream_with_context(stream_csv(header, rows)),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )
