"""CSV export (UTF-8 with a BOM, so Excel keeps æøå) and a checked, all-or-nothing import."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from flask_babel import gettext as _

from eventmgr.events.models import Event
from eventmgr.registration import services
from eventmgr.registration.models import Registration

COLUMNS = (
    "id",
    "name",
    "email",
    "organisation",
    "job_title",
    "category",
    "mode",
    "status",
    "role",
    "dietary_needs",
    "language",
    "networking_opt_in",
    "created_at",
)
IMPORT_COLUMNS = ("name", "email", "organisation", "job_title", "category", "mode", "role")


def export_rows(rows: Iterable[Registration]) -> Iterator[list]:
    """One list of cells per registration, in COLUMNS order."""
    for reg in rows:
        yield [getattr(reg, c) for c in COLUMNS]


@dataclass
class ImportCheck:
    rows: list[dict] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)

    @property
    def clean(self) -> bool:
        return not self.problems and bool(self.rows)


def check_import(event: Event, raw: bytes) -> ImportCheck:
    """Every bad row is reported by its line in the file; nothing is stored here."""
    result = ImportCheck()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.problems.append((1, _("The file is not UTF-8 text; save it as CSV UTF-8.")))
        return result
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        headers = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in ("name", "email", "category", "mode") if c not in headers]
        if missing:
            result.problems.append((1, _("Missing columns: %(cols)s.", cols=", ".join(missing))))
            return result
        seen: dict[str, int] = {}
        registered = services.registered_email_keys(event.id)
        for row in reader:
            line = reader.line_num
            data = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
            data = {k: v for k, v in data.items() if k in IMPORT_COLUMNS}
            data.setdefault("role", "attendee")
            data["role"] = data["role"] or "attendee"
            try:
                values = services.clean(data, require_consent=False)
            except services.RegistrationError as exc:
                reasons = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
                result.problems.append((line, reasons))
                continue
            key = values["email"].lower()
            if key in seen:
                result.problems.append(
                    (line, _("email: the same address is on line %(n)d.", n=seen[key]))
                )
                continue
            seen[key] = line
            if key in registered:
                result.problems.append((line, _("email: already registered for this event.")))
                continue
            values["role"] = data["role"]
            result.rows.append(values)
    except csv.Error as exc:  # e.g. a field over the csv module's size limit
        result.problems.append(
            (max(reader.line_num, 1), _("Not readable as CSV: %(error)s.", error=exc))
        )
        return result
    if not result.rows and not result.problems:
        result.problems.append((1, _("The file has no rows.")))
    return result
