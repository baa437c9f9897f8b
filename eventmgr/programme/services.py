"""Programme rules shared by the pages, the API, the import and the demo seed.

Hard rules (a broken one refuses the change and names the field): a title, a known kind and
delivery, end after start, a room and people of the same event, a talk inside a session.
Soft rules are *clashes* (the change is saved, the clash is listed and marked, and publishing
needs an explicit confirmation): two items in one room at once, a person in two places at once,
a talk outside its session's time, an item outside the event's days, an item shorter than
MIN_DURATION or longer than MAX_DURATION.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from enum import Enum
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import defer, selectinload

from eventmgr import audit
from eventmgr.events.models import Event
from eventmgr.platform import signals
from eventmgr.platform.db import commit, db, utcnow
from eventmgr.platform.errors import RuleError
from eventmgr.programme import photos
from eventmgr.programme.models import Delivery, Kind, Person, ProgrammeItem, ProgrammeVersion, Room

MIN_DURATION = timedelta(minutes=5)
MAX_DURATION = timedelta(hours=10)
ITEM_FIELDS = (
    "kind",
    "title",
    "abstract",
    "theme",
    "starts_at",
    "ends_at",
    "room_id",
    "parent_id",
    "delivery",
    "cancelled",
    "stream_url",
    "streamed",
    "tech_check_at",
    "connection_url",
)


class ProgrammeError(RuleError):
    """Data that breaks a hard rule; `fields` maps each field to what is wrong with it."""


@dataclass(frozen=True)
class Clash:
    """A soft rule broken by one or more items; `kind` is stable for tests and the API.
    `reason` says it without the items' titles (the timetable names them once per conflict);
    `person_id` is the person in two places, for a person clash."""

    kind: str
    message: str
    item_ids: tuple[int, ...]
    reason: str = ""
    person_id: int | None = None

    def as_dict(self) -> dict:
        return {"kind": self.kind, "message": self.message, "item_ids": list(self.item_ids)}


# ---------------------------------------------------------------- look-ups


def items_of(event: Event) -> list[ProgrammeItem]:
    """Every item with its room, people and talks, in five queries whatever the size."""
    query = (
        select(ProgrammeItem)
        .where(ProgrammeItem.event_id == event.id)
        .options(
            selectinload(ProgrammeItem.room),
            selectinload(ProgrammeItem.children),
            selectinload(ProgrammeItem.speakers),
            selectinload(ProgrammeItem.moderators),
        )
        .order_by(ProgrammeItem.starts_at, ProgrammeItem.parent_id.is_not(None), ProgrammeItem.id)
    )
    return list(db.session.scalars(query))


def item_of(event: Event, item_id: int) -> ProgrammeItem | None:
    item = db.session.get(ProgrammeItem, item_id)
    return item if item is not None and item.event_id == event.id else None


def rooms_of(event: Event) -> list[Room]:
    return list(db.session.scalars(select(Room).where(Room.event_id == event.id).order_by(Room.id)))


def room_of(event: Event, room_id: int) -> Room | None:
    room = db.session.get(Room, room_id)
    return room if room is not None and room.event_id == event.id else None


def people_of(event: Event) -> list[Person]:
    query = select(Person).where(Person.event_id == event.id).order_by(Person.name)
    return list(db.session.scalars(query))


def person_of(event: Event, person_id: int) -> Person | None:
    person = db.session.get(Person, person_id)
    return person if person is not None and person.event_id == event.id else None


def sessions_of(event: Event) -> list[ProgrammeItem]:
    query = (
        select(ProgrammeItem)
        .where(ProgrammeItem.event_id == event.id, ProgrammeItem.kind == Kind.SESSION.value)
        .order_by(ProgrammeItem.starts_at)
    )
    return list(db.session.scalars(query))


def event_days(event: Event) -> tuple[datetime, datetime]:
    """Midnight of the first day to midnight after the last day, in the event's zone."""
    first = event.local(event.starts_at).date()
    last = event.local(event.ends_at).date()
    start = datetime.combine(first, time(0), tzinfo=event.tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=event.tz)
    return start.astimezone(UTC), end.astimezone(UTC)


# ---------------------------------------------------------------- validation


def _check(event: Event, item: ProgrammeItem) -> None:
    errors: dict[str, str] = {}
    if item.kind not in {k.value for k in Kind}:
        errors["kind"] = _("Choose one of: %(kinds)s.", kinds=", ".join(k.value for k in Kind))
    if not (item.title or "").strip():
        errors["title"] = _("The title is required.")
    elif len(item.title) > 500:
        errors["title"] = _("The title is too long (at most 500 characters).")
    if item.delivery not in {d.value for d in Delivery}:
        errors["delivery"] = _("Choose on_site or digital.")
    for name in ("starts_at", "ends_at"):
        value = getattr(item, name)
        if not isinstance(value, datetime) or value.tzinfo is None:
            errors[name] = _("Give a date and time with its UTC offset.")
    if "starts_at" not in errors and "ends_at" not in errors and item.ends_at <= item.starts_at:
        errors["ends_at"] = _("The item must end after it starts.")
    if not _stream_url_ok(item.stream_url):
        errors["stream_url"] = STREAM_URL_MESSAGE()
    if item.room_id is not None and room_of(event, item.room_id) is None:
        errors["room_id"] = _("No such room in this event.")
    errors.update(_check_parent(event, item))
    if errors:
        raise ProgrammeError(errors)


def STREAM_URL_MESSAGE() -> str:  # noqa: N802 - a message, translated when shown
    return _("A stream is a web address starting with https:// or http:// (at most 500).")


def _stream_url_ok(url: str | None) -> bool:
    """Empty, or an http(s) address: the watch page plays or embeds it, nothing else."""
    return url is None or (
        isinstance(url, str)
        and url.startswith(("https://", "http://"))
        and len(url) <= 500
        and not any(c.isspace() for c in url)
    )


def _check_parent(event: Event, item: ProgrammeItem) -> dict[str, str]:
    if item.kind != Kind.TALK.value:
        if item.parent_id is not None:
            return {"parent_id": _("Only talks belong to a session.")}
        return {}
    if item.parent_id is None:
        return {"parent_id": _("A talk belongs to a session: choose one.")}
    parent = item_of(event, item.parent_id)
    if parent is None or parent.kind != Kind.SESSION.value:
        return {"parent_id": _("No such session in this event.")}
    return {}


def _people(event: Event, ids: list[int], name: str) -> list[Person]:
    found = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(ids)))}
    missing = [i for i in ids if i not in found or found[i].event_id != event.id]
    if missing:
        raise ProgrammeError({name: _("No such person in this event: %(ids)s.", ids=missing)})
    return [found[i] for i in dict.fromkeys(ids)]


# ---------------------------------------------------------------- items


def create_item(event: Event, data: dict[str, Any]) -> ProgrammeItem:
    """A new item; talks default to their session's room."""
    item = stage_item(event, data)
    commit()
    return item


def stage_item(event: Event, data: dict[str, Any]) -> ProgrammeItem:
    """A new item in the caller's unit of work (an import adds many, all or none)."""
    item = ProgrammeItem(
        event_id=event.id, delivery=Delivery.ON_SITE.value, cancelled=False, streamed=True
    )
    return _apply(event, item, data, new=True)


def update_item(event: Event, item: ProgrammeItem, data: dict[str, Any]) -> ProgrammeItem:
    """A partial update; nothing changes when any field is wrong."""
    _apply(event, item, data, new=False)
    commit()
    return item


def _apply(event: Event, item: ProgrammeItem, data: dict, new: bool) -> ProgrammeItem:
    before = {name: getattr(item, name) for name in ITEM_FIELDS}
    # No autoflush: the look-ups below must not write a half-checked item.
    with db.session.no_autoflush:
        for name in ITEM_FIELDS:
            if name in data:
                setattr(item, name, data[name])
        if isinstance(item.title, str):
            item.title = item.title.strip()
        if isinstance(item.stream_url, str):
            item.stream_url = item.stream_url.strip() or None
        if item.streamed is None:
            item.streamed = True
        try:
            _check(event, item)
            speakers = (
                _people(event, data["speaker_ids"], "speaker_ids")
                if "speaker_ids" in data
                else None
            )
            moderators = (
                _people(event, data["moderator_ids"], "moderator_ids")
                if "moderator_ids" in data
                else None
            )
        except ProgrammeError:
            for name, value in before.items():
                setattr(item, name, value)
            raise
    if item.kind == Kind.TALK.value and item.room_id is None and "room_id" not in data:
        item.room_id = item_of(event, item.parent_id).room_id  # type: ignore[union-attr]
    if new:
        db.session.add(item)
    if speakers is not None:
        item.speakers = speakers
    if moderators is not None:
        item.moderators = moderators
    db.session.flush()
    return item


class _Keep(Enum):
    ROOM = "keep"


KEEP_ROOM = _Keep.ROOM
"""move_item's default: the item stays in its room, or in no room when it has none."""


def move_item(
    event: Event,
    item: ProgrammeItem,
    minutes: int = 0,
    room_id: int | None | _Keep = KEEP_ROOM,
) -> ProgrammeItem:
    """Shift an item (a session takes its talks along) and/or put it in another room, or in
    none (`room_id` None); unless a room is given the item keeps the one it has, "no room"
    included (a break moved by five minutes must not land in the first room)."""
    data: dict[str, Any] = {}
    shift = timedelta(minutes=minutes)
    if minutes:
        data["starts_at"] = item.starts_at + shift
        data["ends_at"] = item.ends_at + shift
    new_room = room_id is not KEEP_ROOM and room_id != item.room_id
    if new_room:
        data["room_id"] = room_id
    _apply(event, item, data, new=False)
    for child in item.children:
        if minutes:
            child.starts_at += shift
            child.ends_at += shift
        if new_room:
            child.room_id = item.room_id
    commit()
    return item


def delete_item(item: ProgrammeItem) -> None:
    """Remove an item; a session's talks go with it."""
    audit.record(
        "programme.item_deleted", event=item.event_id, target=item, details={"title": item.title}
    )
    db.session.delete(item)
    commit()


# ---------------------------------------------------------------- rooms and people


def save_room(event: Event, data: dict[str, Any], room: Room | None = None) -> Room:
    name = (data.get("name") if "name" in data else room.name if room else "") or ""
    name = name.strip()
    capacity = data.get("capacity") if "capacity" in data else (room.capacity if room else None)
    stream_url = (
        data.get("stream_url") if "stream_url" in data else (room.stream_url if room else None)
    )
    if isinstance(stream_url, str):
        stream_url = stream_url.strip() or None
    errors = {}
    if not _stream_url_ok(stream_url):
        errors["stream_url"] = STREAM_URL_MESSAGE()
    if not name or len(name) > 200:
        errors["name"] = _("The room needs a name (at most 200 characters).")
    if capacity is not None and capacity < 0:
        errors["capacity"] = _("A capacity cannot be negative.")
    taken = db.session.scalar(select(Room.id).where(Room.event_id == event.id, Room.name == name))
    if name and taken is not None and (room is None or taken != room.id):
        errors["name"] = _("This event has a room with that name already.")
    if errors:
        raise ProgrammeError(errors)
    if room is None:
        room = Room(event_id=event.id)
        db.session.add(room)
    room.name, room.capacity, room.stream_url = name, capacity, stream_url
    commit()
    return room


def delete_room(room: Room) -> None:
    """Items in the room keep their time and lose their room."""
    db.session.delete(room)
    commit()


PERSON_FIELDS = ("name", "title", "affiliation", "bio", "links", "email", "language")
PERSON_LANGUAGES = ("en", "nb")


def save_person(
    event: Event,
    data: dict[str, Any],
    person: Person | None = None,
    *,
    photo: bytes | None = None,
    remove_photo: bool = False,
) -> Person:
    """Add or change a person; a new `photo` (checked and re-encoded) or `remove_photo` in the
    same change, so a refused photo leaves the person as they were."""
    errors = {}
    name = (data.get("name") if "name" in data else person.name if person else "") or ""
    if not name.strip() or len(name) > 200:
        errors["name"] = _("The name is required (at most 200 characters).")
    links = data.get("links", person.links if person else [])
    if links is None:
        links = []
    if not isinstance(links, list) or not all(
        isinstance(link, str) and link.startswith(("http://", "https://")) for link in links
    ):
        errors["links"] = _("Links are web addresses starting with http:// or https://.")
    email = data.get("email")
    if isinstance(email, str) and email.strip():
        email = email.strip()
        if len(email) > 254 or "@" not in email or any(c.isspace() for c in email):
            errors["email"] = _("Give a valid email address.")
    if data.get("language") not in (None, *PERSON_LANGUAGES):
        errors["language"] = _("Choose English or Norwegian.")
    if errors:
        raise ProgrammeError(errors)
    if person is None:
        person = Person(event_id=event.id, links=[], photo_version=0)
        db.session.add(person)
    for name_ in PERSON_FIELDS:
        if name_ in data:
            value = data[name_]
            setattr(person, name_, value.strip() or None if isinstance(value, str) else value)
    person.name = name.strip()
    person.links = list(links)
    person.language = person.language or "en"
    try:
        if photo is not None:
            photos.set_photo(person, photo)
        elif remove_photo:
            photos.remove_photo(person)
    except photos.PhotoRefused as exc:
        raise ProgrammeError({"photo": str(exc)}) from None
    commit()
    return person


def delete_person(person: Person) -> None:
    db.session.delete(person)
    commit()


# ---------------------------------------------------------------- clashes


def _overlap(a: ProgrammeItem, b: ProgrammeItem) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def _nested(a: ProgrammeItem, b: ProgrammeItem) -> bool:
    """A talk and its own session are meant to overlap."""
    return a.parent_id == b.id or b.parent_id == a.id


def find_clashes(event: Event, items: list[ProgrammeItem] | None = None) -> list[Clash]:
    """Every soft rule broken by the event's (not cancelled) items."""
    items = [i for i in (items if items is not None else items_of(event)) if not i.cancelled]
    by_id = {i.id: i for i in items}
    clashes: list[Clash] = []
    clashes += _room_clashes(items)
    clashes += _person_clashes(items)
    first, last = event_days(event)
    for item in items:
        clashes += _item_clashes(event, item, by_id, first, last)
    return clashes


def _room_clashes(items: list[ProgrammeItem]) -> list[Clash]:
    by_room: dict[int, list[ProgrammeItem]] = defaultdict(list)
    for item in items:
        if item.room_id is not None:
            by_room[item.room_id].append(item)
    clashes = []
    for room_items in by_room.values():
        room_items.sort(key=lambda i: i.starts_at)
        for n, a in enumerate(room_items):
            for b in room_items[n + 1 :]:
                if b.starts_at >= a.ends_at:
                    break
                if not _nested(a, b):
                    clashes.append(
                        Clash(
                            "room",
                            _(
                                "“%(a)s” and “%(b)s” are in %(room)s at the same time.",
                                a=a.title,
                                b=b.title,
                                room=a.room.name if a.room else "?",
                            ),
                            (a.id, b.id),
                            _(
                                "Both in %(room)s at the same time.",
                                room=a.room.name if a.room else "?",
                            ),
                        )
                    )
    return clashes


def _person_clashes(items: list[ProgrammeItem]) -> list[Clash]:
    by_person: dict[int, list[ProgrammeItem]] = defaultdict(list)
    names: dict[int, str] = {}
    for item in items:
        for person in {p.id: p for p in [*item.speakers, *item.moderators]}.values():
            by_person[person.id].append(item)
            names[person.id] = person.name
    clashes = []
    for person_id, person_items in by_person.items():
        person_items.sort(key=lambda i: i.starts_at)
        for n, a in enumerate(person_items):
            for b in person_items[n + 1 :]:
                if b.starts_at >= a.ends_at:
                    break
                if not _nested(a, b):
                    clashes.append(
                        Clash(
                            "person",
                            _(
                                "%(person)s is in “%(a)s” and “%(b)s” at the same time.",
                                person=names[person_id],
                                a=a.title,
                                b=b.title,
                            ),
                            (a.id, b.id),
                            _("%(person)s is in both at the same time.", person=names[person_id]),
                            person_id,
                        )
                    )
    return clashes


def _item_clashes(
    event: Event, item: ProgrammeItem, by_id: dict, first: datetime, last: datetime
) -> list[Clash]:
    clashes = []
    parent = by_id.get(item.parent_id) if item.parent_id else None
    if parent is not None and (item.starts_at < parent.starts_at or item.ends_at > parent.ends_at):
        clashes.append(
            Clash(
                "outside_session",
                _(
                    "“%(a)s” is outside the time of its session “%(b)s”.",
                    a=item.title,
                    b=parent.title,
                ),
                (item.id, parent.id),
                _("The talk is outside the time of its session."),
            )
        )
    if item.starts_at < first or item.ends_at > last:
        clashes.append(
            Clash(
                "outside_event",
                _("“%(a)s” is outside the event's days.", a=item.title),
                (item.id,),
                _("Outside the event's days."),
            )
        )
    length = item.ends_at - item.starts_at
    if length < MIN_DURATION:
        clashes.append(
            Clash(
                "too_short",
                _(
                    "“%(a)s” is shorter than %(n)d minutes.",
                    a=item.title,
                    n=MIN_DURATION.seconds // 60,
                ),
                (item.id,),
                _("Shorter than %(n)d minutes.", n=MIN_DURATION.seconds // 60),
            )
        )
    if length > MAX_DURATION:
        clashes.append(
            Clash(
                "too_long",
                _(
                    "“%(a)s” is longer than %(n)d hours.",
                    a=item.title,
                    n=MAX_DURATION.seconds // 3600,
                ),
                (item.id,),
                _("Longer than %(n)d hours.", n=MAX_DURATION.seconds // 3600),
            )
        )
    return clashes


@dataclass(frozen=True)
class Conflict:
    """One problem as the programme lead sees it: the items involved, named once, with every
    rule they break together (a room and two people shared by two items is one conflict)."""

    items: tuple[ProgrammeItem, ...]
    clashes: tuple[Clash, ...]

    @property
    def kinds(self) -> set[str]:
        return {c.kind for c in self.clashes}


def conflicts(clashes: list[Clash], items: list[ProgrammeItem]) -> list[Conflict]:
    """The clashes grouped by the items involved, in the order of the first item's start.

    A talk's clash that its session already has (a talk shares its session's room, so when the
    session overlaps another item in that room, each overlapping talk does too) is left out:
    it is the same conflict, named once, on the session."""
    by_id = {i.id: i for i in items}

    def top(item_id: int) -> int:
        item = by_id.get(item_id)
        return item.parent_id if item is not None and item.parent_id else item_id

    def key(clash: Clash, ids: tuple[int, ...]) -> tuple:
        return clash.kind, clash.person_id, frozenset(ids)

    known = {key(c, c.item_ids) for c in clashes}
    groups: dict[frozenset, list[Clash]] = {}
    for clash in clashes:
        tops = tuple(top(i) for i in clash.item_ids)
        implied = (
            clash.kind in ("room", "person")
            and tops != clash.item_ids
            and len(set(tops)) == len(tops)
            and key(clash, tops) in known
        )
        if not implied:
            groups.setdefault(frozenset(clash.item_ids), []).append(clash)
    result = []
    for ids, group in groups.items():
        involved = sorted((by_id[i] for i in ids if i in by_id), key=lambda i: (i.starts_at, i.id))
        result.append(Conflict(tuple(involved), tuple(group)))
    result.sort(key=lambda c: [(i.starts_at, i.id) for i in c.items])
    return result


def clashes_by_item(clashes: list[Clash]) -> dict[int, list[Clash]]:
    marks: dict[int, list[Clash]] = defaultdict(list)
    for clash in clashes:
        for item_id in clash.item_ids:
            marks[item_id].append(clash)
    return marks


# ---------------------------------------------------------------- publishing


class ClashesNeedConfirmation(ProgrammeError):
    def __init__(self, clashes: list[Clash]):
        super().__init__(
            {"confirm": _("There are %(n)d clashes: confirm to publish anyway.", n=len(clashes))}
        )
        self.clashes = clashes


def _person_snapshot(person: Person) -> dict:
    return {
        "id": person.id,
        "name": person.name,
        "title": person.title,
        "affiliation": person.affiliation,
        "bio": person.bio,
        "links": list(person.links or []),
        "photo_version": person.photo_version,
    }


def build_snapshot(event: Event, items: list[ProgrammeItem]) -> dict:
    """The programme as plain data: what attendees see until the next publication."""
    people: dict[int, Person] = {}
    rows = []
    for item in items:
        for person in [*item.speakers, *item.moderators]:
            people[person.id] = person
        rows.append(
            {
                "id": item.id,
                "kind": item.kind,
                "title": item.title,
                "abstract": item.abstract,
                "theme": item.theme,
                "starts_at": item.starts_at.astimezone(UTC).isoformat(),
                "ends_at": item.ends_at.astimezone(UTC).isoformat(),
                "room": item.room.name if item.room else None,
                "room_id": item.room_id,
                "parent_id": item.parent_id,
                "delivery": item.delivery,
                "cancelled": item.cancelled,
                "streamed": item.streamed is not False,  # the flag only: never the stream URL
                "speaker_ids": [p.id for p in item.speakers],
                "moderator_ids": [p.id for p in item.moderators],
            }
        )
    return {
        "timezone": event.timezone,
        "items": rows,
        "people": [_person_snapshot(p) for p in sorted(people.values(), key=lambda p: p.name)],
    }


def publish(event: Event, confirm: bool = False) -> ProgrammeVersion:
    """Freeze the draft as the next version; clashes need `confirm`."""
    items = items_of(event)
    clashes = find_clashes(event, items)
    if clashes and not confirm:
        raise ClashesNeedConfirmation(clashes)
    previous = latest_version(event)
    number = (
        db.session.scalar(
            select(func.max(ProgrammeVersion.number)).where(ProgrammeVersion.event_id == event.id)
        )
        or 0
    ) + 1
    version = ProgrammeVersion(
        event_id=event.id,
        number=number,
        published_at=utcnow(),
        clash_count=len(clashes),
        snapshot=build_snapshot(event, items),
    )
    db.session.add(version)
    db.session.flush()
    audit.record(
        "programme.published",
        event=event,
        target=version,
        details={"version": number, "clashes": len(clashes)},
    )
    commit()
    signals.programme_published.send(event, version=version, previous=previous)
    return version


def versions_of(event: Event) -> list[ProgrammeVersion]:
    query = (
        select(ProgrammeVersion)
        .where(ProgrammeVersion.event_id == event.id)
        .order_by(ProgrammeVersion.number.desc())
    )
    return list(db.session.scalars(query))


def latest_version(event: Event) -> ProgrammeVersion | None:
    """The newest version; its snapshot loads only when used (the parsed one is cached)."""
    query = (
        select(ProgrammeVersion)
        .options(defer(ProgrammeVersion.snapshot))
        .where(ProgrammeVersion.event_id == event.id)
        .order_by(ProgrammeVersion.number.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def clear_programme(event: Event) -> None:
    """Remove the draft items (talks first: they point at their sessions), in the caller's
    unit of work (an import replaces the draft all at once)."""
    db.session.execute(
        delete(ProgrammeItem).where(
            ProgrammeItem.event_id == event.id, ProgrammeItem.parent_id.is_not(None)
        )
    )
    db.session.execute(delete(ProgrammeItem).where(ProgrammeItem.event_id == event.id))
    db.session.expire_all()


# ---------------------------------------------------------------- the published view


@dataclass
class PublicItem:
    """An item of a published snapshot, with datetimes and people resolved for templates."""

    id: int
    kind: str
    title: str
    abstract: str | None
    theme: str | None
    starts_at: datetime
    ends_at: datetime
    room: str | None
    parent_id: int | None
    delivery: str
    cancelled: bool
    speakers: list[dict]
    moderators: list[dict]
    streamed: bool = True
    room_id: int | None = None
    children: list[PublicItem] = field(default_factory=list)

    themes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.themes = [t.strip() for t in (self.theme or "").split(",") if t.strip()]

    def shown(self) -> tuple:
        """What attendees see of the item, on the pages and in calendar feeds."""
        people = tuple(
            tuple((p["name"], p.get("title"), p.get("affiliation")) for p in group)
            for group in (self.speakers, self.moderators)
        )
        return (
            self.kind,
            self.title,
            self.abstract,
            self.theme,
            self.starts_at,
            self.ends_at,
            self.room,
            self.delivery,
            self.cancelled,
            people,
            self.streamed,
        )

    def change_since(self, before: PublicItem | None) -> str | None:
        """How the item changed since an earlier publication: added, cancelled, moved (time
        or room), changed (anything else attendees see), or None when they see no change."""
        if before is None:
            return "added"
        if self.cancelled and not before.cancelled:
            return "cancelled"
        if (before.starts_at, before.ends_at, before.room) != (
            self.starts_at,
            self.ends_at,
            self.room,
        ):
            return "moved"
        return "changed" if before.shown() != self.shown() else None


@dataclass
class PublicProgramme:
    version: ProgrammeVersion | None
    items: list[PublicItem]
    people: list[dict]
    by_id: dict[int, PublicItem]

    @property
    def top_level(self) -> list[PublicItem]:
        return [i for i in self.items if i.parent_id is None]

    def themes(self) -> list[str]:
        return sorted({t for i in self.items for t in i.themes})

    def talks_of(self, person_id: int) -> list[PublicItem]:
        return [
            i for i in self.items if any(p["id"] == person_id for p in [*i.speakers, *i.moderators])
        ]


def public_programme(event: Event, version: ProgrammeVersion | None = None) -> PublicProgramme:
    """The latest published snapshot (empty before the first publication)."""
    version = version or latest_version(event)
    if version is None:
        return PublicProgramme(None, [], [], {})
    key = (version.id, version.event_id, version.number, version.published_at)
    cached = _PARSED.get(key)
    if cached is None:
        cached = programme_from_snapshot(version.snapshot, version)
        if len(_PARSED) >= 32:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = cached
    return PublicProgramme(version, cached.items, cached.people, cached.by_id)


def in_published_programme(event: Event, person_id: int) -> bool:
    """True when the person speaks or moderates in the latest published programme."""
    return any(p["id"] == person_id for p in public_programme(event).people)


# A published snapshot never changes, so its parsed form is kept (a few, per process).
_PARSED: dict[tuple, PublicProgramme] = {}


def programme_from_snapshot(
    snapshot: dict, version: ProgrammeVersion | None = None
) -> PublicProgramme:
    people = {p["id"]: p for p in snapshot["people"]}
    items = []
    for row in snapshot["items"]:
        items.append(
            PublicItem(
                id=row["id"],
                kind=row["kind"],
                title=row["title"],
                abstract=row["abstract"],
                theme=row["theme"],
                starts_at=datetime.fromisoformat(row["starts_at"]),
                ends_at=datetime.fromisoformat(row["ends_at"]),
                room=row["room"],
                parent_id=row["parent_id"],
                delivery=row["delivery"],
                cancelled=row["cancelled"],
                speakers=[people[i] for i in row["speaker_ids"]],
                moderators=[people[i] for i in row["moderator_ids"]],
                streamed=row.get("streamed", True),  # snapshots before streams have no flag
                room_id=row.get("room_id"),
            )
        )
    by_id = {i.id: i for i in items}
    for item in items:
        if item.parent_id in by_id:
            by_id[item.parent_id].children.append(item)
    return PublicProgramme(version, items, list(people.values()), by_id)


def filter_items(
    programme: PublicProgramme, theme: str = "", kind: str = "", delivery: str = ""
) -> list[PublicItem]:
    """Top-level items matching the filters; a session matches when it or one of its talks does."""

    def matches(item: PublicItem) -> bool:
        return (
            (not theme or theme in item.themes)
            and (not kind or item.kind == kind)
            and (not delivery or item.delivery == delivery)
        )

    result = []
    for item in programme.top_level:
        if matches(item) or any(matches(child) for child in item.children):
            result.append(item)
    return result


# ---------------------------------------------------------------- changes between versions


NOTICED = ("added", "moved", "cancelled", "removed")
"""The changes attendees are told about; other edits (an abstract, a title) are not news."""


@dataclass
class Change:
    kind: str  # one of NOTICED
    title: str
    item_id: int
    before: PublicItem | None
    after: PublicItem | None


def changes_between(old: dict | None, new: dict) -> list[Change]:
    """What attendees should hear about between two snapshots (PublicItem.change_since)."""
    before = programme_from_snapshot(old).by_id if old else {}
    after = programme_from_snapshot(new).by_id
    changes = []
    for item_id, item in after.items():
        kind = item.change_since(before.get(item_id))
        if kind in NOTICED:
            changes.append(Change(kind, item.title, item_id, before.get(item_id), item))
    for item_id, was in before.items():
        if item_id not in after:
            changes.append(Change("removed", was.title, item_id, was, None))
    return changes


@dataclass
class ComingChanges:
    """What attendees would see change if the draft were published now."""

    version: ProgrammeVersion | None  # the version they see now
    announced: list[Change]  # what the changes page will list
    edited: list[Change]  # other changes they will see, not announced (a title, the people)
    items: int  # items in the draft


def coming_changes(event: Event, items: list[ProgrammeItem] | None = None) -> ComingChanges:
    """The draft (`items`, when loaded already) against the latest publication, with the rule
    the changes page uses."""
    items = items if items is not None else items_of(event)
    version = latest_version(event)
    draft = build_snapshot(event, items)
    announced = changes_between(version.snapshot if version else None, draft)
    edited = []
    if version is not None:
        before = public_programme(event, version).by_id
        for item in programme_from_snapshot(draft).items:
            if item.change_since(before.get(item.id)) == "changed":
                edited.append(Change("changed", item.title, item.id, before[item.id], item))
    return ComingChanges(version, announced, edited, len(items))


def publication_history(event: Event) -> list[tuple[ProgrammeVersion, list[Change]]]:
    """Each version with its changes since the one before, newest first."""
    versions = versions_of(event)
    history = []
    for n, version in enumerate(versions):
        previous = versions[n + 1].snapshot if n + 1 < len(versions) else None
        history.append((version, changes_between(previous, version.snapshot)))
    return history


def local_times(event: Event, day: str, start: str, end: str) -> tuple[datetime, datetime]:
    """'2023-01-26', '10:30', '11:00' at the event as UTC instants; ValueError when malformed."""
    date_ = datetime.strptime(day, "%Y-%m-%d").date()
    starts = datetime.combine(date_, datetime.strptime(start, "%H:%M").time(), tzinfo=event.tz)
    ends = datetime.combine(date_, datetime.strptime(end, "%H:%M").time(), tzinfo=event.tz)
    return starts.astimezone(UTC), ends.astimezone(UTC)
