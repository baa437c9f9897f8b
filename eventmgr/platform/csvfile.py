"""CSV downloads that open in Excel with æøå intact and no formula injection, and the
checked reading of uploaded CSV files that the importers share."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Response, stream_with_context
from flask_babel import gettext as _

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def safe_cell(value: Any) -> Any:
    """Text starting like a formula would run in Excel; a leading quote keeps it text (and
    comes off again when the file is imported, see `quote_text`)."""
    if isinstance(value, str):
        return quote_text(value)
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


@dataclass
class CsvCheck:
    """An uploaded CSV file checked row by row: the good rows, and every problem by line, so
    that the person can fix them all at once; nothing is stored while checking."""

    rows: list[dict] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    _emails: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    @property
    def clean(self) -> bool:
        return not self.problems and bool(self.rows)

    def lines(self, raw: bytes, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
        """Each row as (line in the file, {column: text}), names and values stripped, and the
        formula quote of our own exports taken off (`unquote_text`), so export-edit-import
        gives back the same text.

        A file that is not UTF-8 (a BOM or none), lacks a required column or is not CSV is
        noted as a problem and ends the rows; a file without rows is one too.
        """
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.problems.append((1, _("The file is not UTF-8 text; save it as CSV UTF-8.")))
            return
        reader = csv.DictReader(io.StringIO(text, newline=""))
        try:
            headers = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in headers]
            if missing:
                self.problems.append((1, _("Missing columns: %(cols)s.", cols=", ".join(missing))))
                return
            for row in reader:
                cells = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
                yield reader.line_num, {k: unquote_text(v) for k, v in cells.items()}
        except csv.Error as exc:  # e.g. a field over the csv module's size limit
            self.problems.append(
                (max(reader.line_num, 1), _("Not readable as CSV: %(error)s.", error=exc))
            )
            return
        if not self.rows and not self.problems:
            self.problems.append((1, _("The file has no rows.")))

    def refuse(self, line: int, fields: dict[str, str]) -> None:
        """A row the domain's rules refused, with what is wrong in each field."""
        self.problems.append((line, "; ".join(f"{k}: {v}" for k, v in fields.items())))

    def first_email(self, line: int, email: str) -> bool:
        """False (and a problem) when the address stood on an earlier line of the file."""
        key = email.lower()
        if key in self._emails:
            self.problems.append(
                (line, _("email: the same address is on line %(n)d.", n=self._emails[key]))
            )
            return False
        self._emails[key] = line
        return True
