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
ANSWER_COLUMN = "answer:"  # then the question's key: one column per question of the event
TRUE_WORDS = {"yes", "true", "1", "ja", "x"}
FALSE_WORDS = {"no", "false", "0", "nei", ""}


def columns(event: Event) -> tuple[str, ...]:
    """COLUMNS, then an `answer:<key>` column for each of the event's questions."""
    return COLUMNS + tuple(ANSWER_COLUMN + q["key"] for q in event.questions or ())


def export_rows(event: Event, rows: Iterable[Registration]) -> Iterator[list]:
    """One list of cells per registration, in `columns(event)` order: several choices are
    separated by ";", a checkbox is yes or no."""
    keys = [q["key"] for q in event.questions or ()]
    for reg in rows:
        answers = reg.answers if keys else {}
        yield [getattr(reg, c) for c in COLUMNS] + [_cell(answers.get(k)) for k in keys]


def _cell(answer) -> str:
    if isinstance(answer, bool):
        return "yes" if answer else "no"
    if isinstance(answer, list):
        return ";".join(answer)
    return answer or ""


def _answers(event: Event, data: dict[str, str]) -> dict:
    """The answer cells of an imported row as the rules take them (blank: no answer)."""
    answers: dict = {}
    for question in event.questions or ():
        cell = data.get(ANSWER_COLUMN + question["key"])
        if cell is None or cell == "":
            continue
        kind = question.get("kind")
        if kind == "multiple":
            answers[question["key"]] = [v.strip() for v in cell.split(";") if v.strip()]
        elif kind == "checkbox":
            word = cell.strip().lower()
            answers[question["key"]] = (
                True if word in TRUE_WORDS else False if word in FALSE_WORDS else cell
            )
        else:
            answers[question["key"]] = cell
    return answers


def check_import(event: Event, raw: bytes) -> CsvCheck:
    """Every bad row is reported by its line in the file; nothing is stored here."""
    result = CsvCheck()
    registered = services.registered_email_keys(event.id)
    required = ("name", "email", "mode") + (("category",) if event.category_keys else ())
    for line, cells in result.lines(raw, required):
        data: dict = {k: v for k, v in cells.items() if k in IMPORT_COLUMNS}
        data.setdefault("role", "attendee")
        data["role"] = data["role"] or "attendee"
        if answers := _answers(event, cells):
            data["answers"] = answers
        try:
            values = services.clean(
                data, categories=event.category_keys, public=False, questions=event.questions
            )
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
