"""Import and export of a whole programme: JSON (the demo file's format) and CSV.

An import is all or nothing: every row is checked first, every bad row is reported with where
it is and why, and only a clean file replaces the draft programme. People and rooms are matched
by name (and created when missing), so importing twice gives the same programme.

JSON (the demo file's shape)::

    {"event": {"date": "2023-01-26", "venue": {"rooms": [{"name": ..., "capacity": ...}]}},
     "speakers": [{"name", "affiliation", "title", "bio", "links", "delivery", "talk"}],
     "moderators": [{"name", "affiliation", ...}],
     "programme_illustrative" (or "programme"): [
        {"date"?, "start": "HH:MM", "end": "HH:MM", "kind", "title", "theme", "abstract",
         "room", "delivery", "speakers": [names], "moderators": [names],
         "talks": [{"start", "end", "speaker" or "speakers", "title", "abstract", "delivery"}]}]}

A talk without a title takes the speaker's `talk`; an item without a delivery takes its single
speaker's `delivery` ("on-site"/"digital"); an item without a date is on the event's first day.

CSV (UTF-8, a header line, one item per line; a talk names its session by title)::

    kind,date,start,end,title,room,session,speakers,moderators,delivery,theme,abstract

`date` is YYYY-MM-DD, times HH:MM in the event's time zone, people separated by ";".
The export puts a quote before a cell that starts like a formula ("'=...", "'-...") so that
Excel shows it as text, and the import takes that quote off again; a cell that really starts
with a quote keeps it (eventmgr/core/csvfile.py `quote_text` has the rule).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from eventmgr.events.models import Event
from eventmgr.platform.csvfile import quote_text, unquote_text
from eventmgr.platform.db import commit, db
from eventmgr.programme import services
from eventmgr.programme.models import Delivery, Kind, Person, Room

CSV_COLUMNS = (
    "kind",
    "date",
    "start",
    "end",
    "title",
    "room",
    "session",
    "speakers",
    "moderators",
    "delivery",
    "theme",
    "abstract",
)
# Column sizes (the database refuses longer text on PostgreSQL) and control characters
# (never typed; PostgreSQL refuses NUL).
LIMITS = {"name": 200, "room": 200, "title": 500, "person_title": 300, "affiliation": 500}
LIMITS |= {"theme": 300}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DELIVERY_WORDS = {
    "on_site": "on_site",
    "on-site": "on_site",
    "onsite": "on_site",
    "digital": "digital",
}


class ImportFailed(ValueError):
    """The file was refused; `problems` lists (where, why) for every bad row."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{where}: {why}" for where, why in problems))
        self.problems = problems


@dataclass
class PlannedItem:
    where: str
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    room: str | None = None
    theme: str | None = None
    abstract: str | None = None
    delivery: str = Delivery.ON_SITE.value
    speakers: list[str] = field(default_factory=list)
    moderators: list[str] = field(default_factory=list)
    talks: list[PlannedItem] = field(default_factory=list)
    session: str | None = None


@dataclass
class Plan:
    rooms: dict[str, int | None] = field(default_factory=dict)
    people: dict[str, dict] = field(default_factory=dict)
    items: list[PlannedItem] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)


# ---------------------------------------------------------------- JSON


def import_json(event: Event, text: str) -> int:
    """Replace the draft programme with the file's; returns the number of items."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep
        raise ImportFailed([(_("file"), _("Not valid JSON: %(error)s", error=exc))]) from None
    if not isinstance(data, dict):
        raise ImportFailed([(_("file"), _("The file must hold a JSON object."))])
    plan = Plan()
    imported = ("event", "rooms", "speakers", "moderators", "programme_illustrative", "programme")
    _plan_control_characters(plan, {k: data[k] for k in imported if k in data}, "")
    info = data.get("event") if isinstance(data.get("event"), dict) else {}
    day = str(info.get("date") or event.local(event.starts_at).date().isoformat())
    venue = info.get("venue") if isinstance(info.get("venue"), dict) else {}
    _plan_rooms(plan, venue.get("rooms") or data.get("rooms") or [])
    for group in ("speakers", "moderators"):
        people = data.get(group) or []
        if not isinstance(people, list):
            plan.problems.append((group, _("This must be a list.")))
            people = []
        for n, person in enumerate(people, start=1):
            _plan_person(plan, person, f"{group}[{n}]")
    rows = data.get("programme_illustrative", data.get("programme"))
    if not isinstance(rows, list) or not rows:
        plan.problems.append(("programme", _("The file has no programme list.")))
        rows = []
    for n, row in enumerate(rows, start=1):
        item = _plan_json_item(event, plan, row, day, _("programme item %(n)d", n=n))
        if item is not None:
            plan.items.append(item)
    return _carry_out(event, plan)


def _plan_control_characters(plan: Plan, value: Any, where: str) -> None:
    """Name every text in the file that holds control characters."""
    if isinstance(value, dict):
        for key, inner in value.items():
            _plan_control_characters(plan, inner, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for n, inner in enumerate(value, start=1):
            _plan_control_characters(plan, inner, f"{where}[{n}]")
    elif isinstance(value, str) and CONTROL.search(value):
        plan.problems.append((where or _("file"), _("Remove the control characters.")))


def _too_long(value: str, limit: str) -> str | None:
    if len(value) > LIMITS[limit]:
        return _("At most %(n)d characters.", n=LIMITS[limit])
    return None


def _plan_rooms(plan: Plan, rooms: Any) -> None:
    for n, room in enumerate(rooms if isinstance(rooms, list) else [], start=1):
        if not isinstance(room, dict) or not isinstance(room.get("name"), str):
            plan.problems.append((f"rooms[{n}]", _("A room needs a name.")))
            continue
        if not room["name"].strip():
            plan.problems.append((f"rooms[{n}]", _("A room needs a name.")))
            continue
        if problem := _too_long(room["name"].strip(), "room"):
            plan.problems.append((f"rooms[{n}]", problem))
            continue
        capacity = room.get("capacity")
        if capacity is not None and (
            not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 0
        ):
            plan.problems.append((f"rooms[{n}]", _("The capacity must be a whole number ≥ 0.")))
            continue
        plan.rooms[room["name"].strip()] = capacity


def _plan_person(plan: Plan, person: Any, where: str) -> None:
    if (
        not isinstance(person, dict)
        or not isinstance(person.get("name"), str)
        or not person["name"].strip()
    ):
        plan.problems.append((where, _("A person needs a name.")))
        return
    name = person["name"].strip()
    sizes = {"name": "name", "title": "person_title", "affiliation": "affiliation"}
    for key, limit in sizes.items():
        if problem := _too_long(str(person.get(key) or "").strip(), limit):
            plan.problems.append((f"{where}.{key}", problem))
            return
    known = plan.people.setdefault(name, {"name": name})
    for key in ("title", "affiliation", "bio", "talk", "delivery"):
        if person.get(key) and not known.get(key):
            known[key] = str(person[key])
    links = person.get("links") or []
    if isinstance(links, list):
        known["links"] = [str(link) for link in links]


def _times(event: Event, day: str, start: Any, end: Any) -> tuple[datetime, datetime] | str:
    try:
        starts, ends = services.local_times(event, day, str(start), str(end))
    except (TypeError, ValueError):
        return _(
            "Give date as YYYY-MM-DD and start and end as HH:MM (got %(d)s %(s)s–%(e)s).",
            d=day,
            s=start,
            e=end,
        )
    if ends <= starts:
        return _("The item must end after it starts (%(s)s–%(e)s).", s=start, e=end)
    return starts, ends


def _names(value: Any) -> list[str] | None:
    """People's names from "A; B" or a list of names; None for anything else."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(";") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return [v.strip() for v in value if v.strip()]


def _plan_json_item(event: Event, plan: Plan, row: Any, day: str, where: str) -> PlannedItem | None:
    if not isinstance(row, dict):
        plan.problems.append((where, _("Each programme item must be an object.")))
        return None
    kind = str(row.get("kind") or "")
    times = _times(event, str(row.get("date") or day), row.get("start"), row.get("end"))
    problems = []
    if kind not in {k.value for k in Kind} or kind == Kind.TALK.value:
        problems.append(_("Unknown kind %(kind)r (talks go inside a session's talks).", kind=kind))
    if isinstance(times, str):
        problems.append(times)
    if not str(row.get("title") or "").strip():
        problems.append(_("The title is required."))
    if kind != Kind.SESSION.value and row.get("talks"):
        problems.append(_("Only a session has talks."))
    talks = row.get("talks") or []
    if not isinstance(talks, list):
        problems.append(_("The talks must be a list."))
        talks = []
    item = _planned(plan, row, kind, times, problems, where)
    for n, talk in enumerate(talks, start=1):
        talk_where = _("%(where)s, talk %(n)d", where=where, n=n)
        if not isinstance(talk, dict):
            plan.problems.append((talk_where, _("Each talk must be an object.")))
            continue
        talk_times = _times(
            event,
            str(talk.get("date") or row.get("date") or day),
            talk.get("start"),
            talk.get("end"),
        )
        talk_problems = [talk_times] if isinstance(talk_times, str) else []
        planned = _planned(plan, talk, Kind.TALK.value, talk_times, talk_problems, talk_where, row)
        if item is not None and planned is not None:
            item.talks.append(planned)
    return item


def _planned(
    plan: Plan,
    row: dict,
    kind: str,
    times: Any,
    problems: list[str],
    where: str,
    parent: dict | None = None,
) -> PlannedItem | None:
    speakers = _names(row.get("speakers")) or _names([row["speaker"]] if row.get("speaker") else [])
    moderators = _names(row.get("moderators"))
    if speakers is None or moderators is None:
        problems.append(_("Speakers and moderators are given by name."))
        speakers, moderators = speakers or [], moderators or []
    for name in [*speakers, *moderators]:
        if problem := _too_long(name, "name"):
            problems.append(problem)
        else:
            plan.people.setdefault(name, {"name": name})
    speakers = [n for n in speakers if n in plan.people]
    moderators = [n for n in moderators if n in plan.people]
    title = str(row.get("title") or "").strip()
    if not title and len(speakers) == 1:
        title = plan.people[speakers[0]].get("talk", "")
    if kind == Kind.TALK.value and not title:
        problems.append(_("A talk needs a title (or a speaker with a `talk`)."))
    delivery_word = str(row.get("delivery") or "")
    if not delivery_word and len(speakers) == 1:
        delivery_word = plan.people[speakers[0]].get("delivery", "")
    delivery = DELIVERY_WORDS.get(delivery_word or "on_site")
    if delivery is None:
        problems.append(_("Unknown delivery %(d)r: use on_site or digital.", d=delivery_word))
    room = str(row.get("room") or (parent or {}).get("room") or "").strip() or None
    theme = str(row.get("theme") or "").strip() or None
    for value, limit in ((room, "room"), (theme, "theme")):
        if value and (problem := _too_long(value, limit)):
            problems.append(problem)
    if room and room not in plan.rooms and not problems:
        plan.rooms[room] = None
    abstract = row.get("abstract")
    if not abstract and kind == Kind.KEYNOTE.value and len(speakers) == 1:
        abstract = plan.people[speakers[0]].get("talk")
    if problems:
        plan.problems.extend((where, p) for p in problems)
        return None
    return PlannedItem(
        where=where,
        kind=kind,
        title=title,
        starts_at=times[0],
        ends_at=times[1],
        room=room,
        theme=theme,
        abstract=str(abstract).strip() if abstract else None,
        delivery=delivery or Delivery.ON_SITE.value,
        speakers=speakers,
        moderators=moderators,
    )


# ---------------------------------------------------------------- CSV


def import_csv(event: Event, text: str) -> int:
    """Replace the draft programme with the CSV file's; line numbers count the header as 1."""
    plan = Plan()
    text = text.lstrip("\ufeff")
    if CONTROL.search(text):
        line = text[: CONTROL.search(text).start()].count("\n") + 1
        raise ImportFailed([(_("line %(n)d", n=line), _("Remove the control characters."))])
    reader = csv.DictReader(io.StringIO(text))
    try:
        return _import_csv_rows(event, plan, reader)
    except csv.Error as exc:  # e.g. a field over the csv module's size limit
        where = _("line %(n)d", n=max(reader.line_num, 1))
        raise ImportFailed([(where, _("Not readable as CSV: %(error)s.", error=exc))]) from None


def _import_csv_rows(event: Event, plan: Plan, reader: csv.DictReader) -> int:
    missing = [
        c for c in ("kind", "date", "start", "end", "title") if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise ImportFailed([(_("line 1"), _("Missing columns: %(c)s.", c=", ".join(missing)))])
    sessions: dict[str, PlannedItem] = {}
    talks: list[PlannedItem] = []
    for cells in reader:
        where = _("line %(n)d", n=reader.line_num)
        row = _unquoted(cells)
        kind = (row.get("kind") or "").strip()
        times = _times(
            event,
            (row.get("date") or "").strip(),
            (row.get("start") or "").strip(),
            (row.get("end") or "").strip(),
        )
        problems = (
            [] if kind in {k.value for k in Kind} else [_("Unknown kind %(kind)r.", kind=kind)]
        )
        if isinstance(times, str):
            problems.append(times)
        if kind != Kind.TALK.value and not (row.get("title") or "").strip():
            problems.append(_("The title is required."))
        if kind == Kind.TALK.value and not (row.get("session") or "").strip():
            problems.append(_("A talk names its session in the `session` column."))
        item = _planned(plan, row, kind, times, problems, where)
        if item is None:
            continue
        item.session = (row.get("session") or "").strip() or None
        if kind == Kind.SESSION.value:
            sessions[item.title] = item
            plan.items.append(item)
        elif kind == Kind.TALK.value:
            talks.append(item)
        else:
            plan.items.append(item)
    for talk in talks:
        session = sessions.get(talk.session or "")
        if session is None:
            plan.problems.append(
                (talk.where, _("No session titled %(t)r in the file.", t=talk.session))
            )
        else:
            session.talks.append(talk)
    return _carry_out(event, plan)


def _unquoted(cells: dict) -> dict[str, str | None]:
    """The row's named cells as exported: the export's formula quotes taken off."""
    return {k: unquote_text(v) if isinstance(v, str) else v for k, v in cells.items() if k}


# ---------------------------------------------------------------- carrying out


def _carry_out(event: Event, plan: Plan) -> int:
    if plan.problems:
        raise ImportFailed(plan.problems)
    rooms = {r.name: r for r in services.rooms_of(event)}
    for name, capacity in plan.rooms.items():
        if name not in rooms:
            rooms[name] = Room(event_id=event.id, name=name, capacity=capacity)
            db.session.add(rooms[name])
        elif capacity is not None:
            rooms[name].capacity = capacity
    people = {p.name: p for p in services.people_of(event)}
    for name, info in plan.people.items():
        person = people.get(name)
        if person is None:
            person = people[name] = Person(event_id=event.id, name=name, links=[], photo_version=0)
            db.session.add(person)
        for key in ("title", "affiliation", "bio"):
            if info.get(key):
                setattr(person, key, info[key])
        if info.get("links"):
            person.links = info["links"]
    services.clear_programme(event)
    db.session.flush()
    count = 0
    for planned in plan.items:
        item = _create(event, planned, rooms, people, None)
        count += 1
        for talk in planned.talks:
            _create(event, talk, rooms, people, item.id)
            count += 1
    commit()
    return count


def _create(event: Event, planned: PlannedItem, rooms: dict, people: dict, parent_id: int | None):
    room = rooms.get(planned.room) if planned.room else None
    data = {
        "kind": planned.kind,
        "title": planned.title,
        "abstract": planned.abstract,
        "theme": planned.theme,
        "starts_at": planned.starts_at,
        "ends_at": planned.ends_at,
        "room_id": room.id if room else None,
        "parent_id": parent_id,
        "delivery": planned.delivery,
        "speaker_ids": [people[n].id for n in planned.speakers],
        "moderator_ids": [people[n].id for n in planned.moderators],
    }
    try:
        return services.stage_item(event, data)
    except services.ProgrammeError as exc:
        raise ImportFailed([(planned.where, str(exc))]) from None


# ---------------------------------------------------------------- export


def _hhmm(event: Event, moment: datetime) -> tuple[str, str]:
    local = event.local(moment)
    return local.date().isoformat(), local.strftime("%H:%M")


def export_json(event: Event) -> dict:
    """The draft programme in the import format, so that exporting and importing round-trips."""
    items = services.items_of(event)
    rooms = services.rooms_of(event)
    people = {p.id: p for i in items for p in [*i.speakers, *i.moderators]}
    rows = []
    for item in items:
        if item.parent_id is not None:
            continue
        row = _export_row(event, item)
        if item.kind == Kind.SESSION.value:
            row["talks"] = [_export_row(event, t) for t in item.children]
        rows.append(row)
    return {
        "event": {
            "slug": event.slug,
            "name": event.name,
            "timezone": event.timezone,
            "date": event.local(event.starts_at).date().isoformat(),
            "venue": {"rooms": [{"name": r.name, "capacity": r.capacity} for r in rooms]},
        },
        "speakers": [_export_person(p) for p in sorted(people.values(), key=lambda p: p.name)],
        "moderators": [],
        "programme": rows,
        "exported_at": datetime.now(UTC).isoformat(),
    }


def _export_row(event: Event, item) -> dict:
    day, start = _hhmm(event, item.starts_at)
    _day, end = _hhmm(event, item.ends_at)
    row: dict[str, Any] = {
        "date": day,
        "start": start,
        "end": end,
        "kind": item.kind,
        "title": item.title,
    }
    for key in ("theme", "abstract"):
        if getattr(item, key):
            row[key] = getattr(item, key)
    row["delivery"] = item.delivery
    if item.room:
        row["room"] = item.room.name
    if item.speakers:
        row["speakers"] = [p.name for p in item.speakers]
    if item.moderators:
        row["moderators"] = [p.name for p in item.moderators]
    return row


def _export_person(person: Person) -> dict:
    data: dict[str, Any] = {"name": person.name}
    for key in ("title", "affiliation", "bio"):
        if getattr(person, key):
            data[key] = getattr(person, key)
    if person.links:
        data["links"] = list(person.links)
    return data


def export_csv(event: Event) -> str:
    """The draft programme as CSV; formula-like cells are quoted (see the module docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in services.items_of(event):
        day, start = _hhmm(event, item.starts_at)
        _day, end = _hhmm(event, item.ends_at)
        cells = [
            item.kind,
            day,
            start,
            end,
            item.title,
            item.room.name if item.room else "",
            item.parent.title if item.parent else "",
            ";".join(p.name for p in item.speakers),
            ";".join(p.name for p in item.moderators),
            item.delivery,
            item.theme or "",
            item.abstract or "",
        ]
        writer.writerow([quote_text(cell) for cell in cells])
    return out.getvalue()


def person_by_name(event: Event, name: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.event_id == event.id, Person.name == name))
