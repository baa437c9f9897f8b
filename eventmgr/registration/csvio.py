"""CSV export (UTF-8 with a BOM, so Excel keeps æøå) and a checked, all-or-nothing import."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask_babel import gettext as _

from eventmgr.events.models import Event
from eventmgr.platform.csvfile import CsvCheck
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


def check_import(event: Event, raw: bytes) -> CsvCheck:
    """Every bad row is reported by its line in the file; nothing is stored here."""
    result = CsvCheck()
    registered = services.registered_email_keys(event.id)
    required = ("name", "email", "mode") + (("category",) if event.category_keys else ())
    for line, data in result.lines(raw, required):
        data = {k: v for k, v in data.items() if k in IMPORT_COLUMNS}
        data.setdefault("role", "attendee")
        data["role"] = data["role"] or "attendee"
        try:
            values = services.clean(data, categories=event.category_keys, public=False)
        except services.RegistrationError as exc:
            result.refuse(line, exc.fields)
            continue
        if not result.first_email(line, values["email"]):
            continue
        if values["email"].lower() in registered:
            result.problems.append((line, _("email: already registered for this event.")))
            continue
        values["role"] = data["role"]
        result.rows.append(values)
    return result
