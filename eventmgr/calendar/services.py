"""Calendar feeds of the published programme, and personal agendas of starred items.

Only published versions are read. Each item's SEQUENCE and LAST-MODIFIED are derived from the
versions: SEQUENCE counts the publications in which what a calendar shows of the item changed
(time, room, title, abstract, people, kind, theme, delivery, cancellation, removal). Versions
never change, so the derivation is kept per process, keyed by the latest version's id.

An item removed from the programme stays in the feeds as STATUS:CANCELLED until REMOVED_KEPT
after its removal, and at least until the event has ended, so subscribed calendars drop it
rather than keep a stale copy.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache, cached_property
from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.exc import IntegrityError

from eventmgr.calendar.http import etag_for
from eventmgr.calendar.ics import CalendarEntry, build_calendar
from eventmgr.calendar.models import Agenda, StarredItem
from eventmgr.events.models import Event
from eventmgr.platform import signals
from eventmgr.platform.db import commit, db, utcnow
from eventmgr.platform.errors import RuleError
from eventmgr.platform.tokens import hash_secret
from eventmgr.programme import services as programme
from eventmgr.programme.models import KIND_LABELS, ProgrammeVersion
from eventmgr.registration.models import CONFIRMED, DIGITAL, Registration

REMOVED_KEPT = timedelta(days=30)
FORMAT = 1  # raise when the feed's content changes shape, so every ETag changes


# ---------------------------------------------------------------- history of the versions


@dataclass(frozen=True)
class ItemState:
    """An item as last published (for a removed one: as in the last version that had it)."""

    item: programme.PublicItem
    sequence: int
    modified: datetime
    removed_at: datetime | None = None


@dataclass(frozen=True)
class Published:
    """A version as plain values: a History outlives the session that loaded the row."""

    id: int
    number: int
    published_at: datetime


@dataclass(frozen=True)
class History:
    version: Published | None
    states: dict[int, ItemState]

    def shown(self, event: Event, now: datetime | None = None) -> list[ItemState]:
        """Current items, and removed ones still inside their time of being sent as cancelled."""
        now = now or utcnow()
        return [s for s in self.states.values() if _still_shown(s, event, now)]

    def removed_shown(self, event: Event, now: datetime | None = None) -> list[ItemState]:
        """The removed items still sent as cancelled (all an ETag needs to know of them)."""
        now = now or utcnow()
        return [s for s in self.removed if _still_shown(s, event, now)]

    @cached_property
    def removed(self) -> tuple[ItemState, ...]:
        return tuple(s for s in self.states.values() if s.removed_at is not None)


def _still_shown(state: ItemState, event: Event, now: datetime) -> bool:
    if state.removed_at is None:
        return True
    return now < max(state.removed_at + REMOVED_KEPT, event.ends_at)


_HISTORIES: dict[tuple, History] = {}


def history_of(event: Event, version: ProgrammeVersion | None = None) -> History:
    """Every item ever published for the event, with its SEQUENCE and LAST-MODIFIED."""
    version = version or programme.latest_version(event)
    if version is None:
        return History(None, {})
    # With the time: ids can come back after rows are deleted (SQLite, emptied test databases).
    key = (event.id, version.id, version.number, version.published_at)
    cached = _HISTORIES.get(key)
    if cached is None:
        cached = _derive(event, version)
        _remember(_HISTORIES, key, cached, 32)
    return cached


_LOCK = threading.Lock()


def _remember(cache: dict, key: tuple, value: object, limit: int) -> None:
    """Keep a value of an immutable version; the oldest goes when the cache is full."""
    with _LOCK:
        while len(cache) >= limit:
            cache.pop(next(iter(cache)))
        cache[key] = value


def _derive(event: Event, latest: ProgrammeVersion) -> History:
    query = (
        select(ProgrammeVersion)
        .where(ProgrammeVersion.event_id == event.id, ProgrammeVersion.number < latest.number)
        .order_by(ProgrammeVersion.number)
    )
    older = [programme.programme_from_snapshot(v.snapshot, v) for v in db.session.scalars(query)]
    versions = [*older, programme.public_programme(event, latest)]
    states: dict[int, ItemState] = {}
    for published in versions:
        at = published.version.published_at
        for item in published.items:
            state = states.get(item.id)
            if state is None:
                states[item.id] = ItemState(item, 0, at)
            elif state.removed_at is not None or item.change_since(state.item) is not None:
                # what a calendar shows changed: its SEQUENCE goes up
                states[item.id] = ItemState(item, state.sequence + 1, at)
            else:
                states[item.id] = replace(state, item=item)
        for item_id, state in states.items():
            if state.removed_at is None and item_id not in published.by_id:
                states[item_id] = ItemState(state.item, state.sequence + 1, at, removed_at=at)
    order = sorted(states.values(), key=lambda s: (s.item.starts_at, s.item.parent_id is not None))
    published = Published(latest.id, latest.number, latest.published_at)
    return History(published, {s.item.id: s for s in order})


# ---------------------------------------------------------------- entries


def host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "eventmgr"


def item_uid(item_id: int) -> str:
    """The same for an item in every export, version and feed."""
    return f"programme-item-{item_id}@{host()}"


def _people(people: list[dict]) -> str:
    return "; ".join(
        f"{p['name']} ({p['affiliation']})" if p.get("affiliation") else p["name"] for p in people
    )


@dataclass(frozen=True)
class _Texts:
    """Labels of one language, resolved once per feed."""

    speakers: str
    moderators: str
    stream: str
    kinds: dict[str, str]


def _texts() -> _Texts:
    return _Texts(
        speakers=_("Speakers"),
        moderators=_("Moderators"),
        stream=_("Stream"),
        kinds={kind.value: str(label) for kind, label in KIND_LABELS.items()},
    )


def _entry(event: Event, state: ItemState, texts: _Texts, item_url: str) -> CalendarEntry:
    item = state.item
    lines = []
    if item.speakers:
        lines.append(f"{texts.speakers}: {_people(item.speakers)}")
    if item.moderators:
        lines.append(f"{texts.moderators}: {_people(item.moderators)}")
    description = "\n".join(lines)
    if item.abstract:
        description = f"{description}\n\n{item.abstract}" if description else item.abstract
    where = ", ".join(p for p in (item.room, event.venue, event.address) if p)
    return CalendarEntry(
        uid=item_uid(item.id),
        start=item.starts_at,
        end=item.ends_at,
        summary=item.title,
        description=description,
        location=where,
        url=f"{item_url}{item.id}",
        categories=(texts.kinds.get(item.kind, item.kind), *item.themes),
        sequence=state.sequence,
        last_modified=state.modified,
        cancelled=item.cancelled or state.removed_at is not None,
    )


_ENTRIES: dict[tuple, dict[int, CalendarEntry]] = {}


def entries_of(event: Event, history: History) -> dict[int, CalendarEntry]:
    """A CalendarEntry per item ever published, in the request's language (kept per version)."""
    if history.version is None:
        return {}
    locale = str(get_locale())
    version = history.version
    key = (version.id, version.published_at, event.id, event.updated_at, locale)
    key += (current_app.config["BASE_URL"],)
    cached = _ENTRIES.get(key)
    if cached is None:
        texts = _texts()
        item_url = current_app.config["BASE_URL"] + url_for(
            "programme.item", slug=event.slug, item_id=0
        ).removesuffix("0")
        cached = {
            item_id: _entry(event, state, texts, item_url)
            for item_id, state in history.states.items()
        }
        _remember(_ENTRIES, key, cached, 64)
    return cached


def entry_for(event: Event, item_id: int) -> CalendarEntry | None:
    """One published item as an entry (for the item page's Google and Outlook links)."""
    history = history_of(event)
    state = history.states.get(item_id)
    if state is None or state.removed_at is not None:
        return None
    return entries_of(event, history)[item_id]


def event_entry(event: Event, on_site: bool = True) -> CalendarEntry:
    """The whole event as one entry (for the confirmation page's links)."""
    where = ", ".join(p for p in (event.venue, event.address) if p) if on_site else ""
    return CalendarEntry(
        uid=f"event-{event.id}@{host()}",
        start=event.starts_at,
        end=event.ends_at,
        summary=event.name,
        description=event.description or "",
        location=where,
        url=current_app.config["BASE_URL"] + url_for("pages.event_home", slug=event.slug),
    )


# ---------------------------------------------------------------- feeds


@dataclass
class Feed:
    """What a calendar response needs: validators first, the body only when asked."""

    etag: str
    last_modified: datetime | None
    filename: str
    name: str
    timezone: str
    make_entries: Callable[[], list[CalendarEntry]]

    def build(self) -> bytes:
        return build_calendar(
            self.make_entries(), timezone=self.timezone, name=self.name, stamp=self.last_modified
        )


def _last_modified(event: Event, history: History) -> datetime:
    published = history.version.published_at if history.version else event.created_at
    return max(published, event.updated_at or event.created_at)


def _common_key(event: Event, history: History) -> tuple:
    version = (history.version.id, history.version.published_at) if history.version else 0
    return (
        FORMAT,
        event.id,
        event.updated_at,
        version,
        str(get_locale()),
        current_app.config["BASE_URL"],
    )


def _removed_key(states: Iterable[ItemState]) -> tuple[int, ...]:
    return tuple(sorted(s.item.id for s in states if s.removed_at is not None))


def _matches(item: programme.PublicItem, theme: str, kind: str, delivery: str) -> bool:
    return (
        (not theme or theme in item.themes)
        and (not kind or item.kind == kind)
        and (not delivery or item.delivery == delivery)
    )


def _filtered(states: list[ItemState], theme: str, kind: str, delivery: str) -> list[ItemState]:
    """What the filtered programme page shows: each top-level item that matches or has a
    talk that matches, with all of its talks."""
    if not (theme or kind or delivery):
        return states
    talks: dict[int, list[ItemState]] = {}
    for state in states:
        if state.item.parent_id is not None:
            talks.setdefault(state.item.parent_id, []).append(state)
    chosen: set[int] = set()
    for state in states:
        item = state.item
        if item.parent_id is not None:
            continue
        mine = talks.get(item.id, [])
        if _matches(item, theme, kind, delivery) or any(
            _matches(t.item, theme, kind, delivery) for t in mine
        ):
            chosen.add(item.id)
            chosen.update(t.item.id for t in mine)
    return [s for s in states if s.item.id in chosen]


def programme_feed(event: Event, theme: str = "", kind: str = "", delivery: str = "") -> Feed:
    """The whole published programme, or the part the filters choose."""
    history = history_of(event)
    shown = history.shown(event)
    key = (*_common_key(event, history), theme, kind, delivery, _removed_key(shown))

    def entries() -> list[CalendarEntry]:
        all_entries = entries_of(event, history)
        return [all_entries[s.item.id] for s in _filtered(shown, theme, kind, delivery)]

    suffix = "-".join(p for p in (theme, kind, delivery) if p)
    return Feed(
        etag=etag_for("programme", *key),
        last_modified=_last_modified(event, history),
        filename=_filename(f"{event.slug}-programme" + (f"-{suffix}" if suffix else "")),
        name=f"{event.name} – {_('Programme')}",
        timezone=event.timezone,
        make_entries=entries,
    )


def programme_validators(
    slug: str, theme: str = "", kind: str = "", delivery: str = ""
) -> tuple[str, datetime] | None:
    """The programme feed's ETag and Last-Modified from one small query, loading no event and
    building nothing, for the polling subscriptions. None when that cannot be told cheaply
    (an unpublished event, or a version not yet derived in this process): answer in full then.
    The values are the ones `programme_feed` gives."""
    row = db.session.connection().execute(_validators_query(), {"slug": slug}).first()
    if row is None or not row.published or row.version_id is None:
        return None
    history = _HISTORIES.get((row.id, row.version_id, row.number, row.published_at))
    if history is None:
        return None
    removed = history.removed_shown(row)  # the row has the event's id, times and ends_at
    key = (*_common_key(row, history), theme, kind, delivery, _removed_key(removed))
    return etag_for("programme", *key), _last_modified(row, history)


@cache
def _validators_query():
    """Built once: the event's validators and its newest version, by slug (plain Core)."""
    events, versions = Event.__table__, ProgrammeVersion.__table__
    newest = (
        select(func.max(versions.c.number))
        .where(versions.c.event_id == events.c.id)
        .correlate(events)
        .scalar_subquery()
    )
    return (
        select(
            events.c.id,
            events.c.published,
            events.c.updated_at,
            events.c.created_at,
            events.c.ends_at,
            versions.c.id.label("version_id"),
            versions.c.number,
            versions.c.published_at,
        )
        .select_from(events)
        .outerjoin(versions, (versions.c.event_id == events.c.id) & (versions.c.number == newest))
        .where(events.c.slug == bindparam("slug"))
    )


def item_feed(event: Event, item_id: int) -> Feed | None:
    """One item (sent as cancelled for a while after its removal); None when unknown."""
    history = history_of(event)
    state = history.states.get(item_id)
    if state is None or not _still_shown(state, event, utcnow()):
        return None
    key = (*_common_key(event, history), item_id, state.removed_at is not None)
    return Feed(
        etag=etag_for("item", *key),
        last_modified=_last_modified(event, history),
        filename=_filename(f"{event.slug}-item-{item_id}"),
        name=f"{event.name} – {state.item.title}",
        timezone=event.timezone,
        make_entries=lambda: [entries_of(event, history)[item_id]],
    )


def person_feed(event: Event, person_id: int) -> Feed | None:
    """The items a speaker or moderator takes part in; None when they have none."""
    history = history_of(event)
    mine = [
        s
        for s in history.shown(event)
        if any(p["id"] == person_id for p in [*s.item.speakers, *s.item.moderators])
    ]
    if not mine:
        return None
    person = next(
        p for p in [*mine[0].item.speakers, *mine[0].item.moderators] if p["id"] == person_id
    )
    key = (*_common_key(event, history), person_id, _removed_key(mine))
    return Feed(
        etag=etag_for("person", *key),
        last_modified=_last_modified(event, history),
        filename=_filename(f"{event.slug}-{person['name']}"),
        name=f"{event.name} – {person['name']}",
        timezone=event.timezone,
        make_entries=lambda: [entries_of(event, history)[s.item.id] for s in mine],
    )


def _filename(stem: str) -> str:
    """ASCII letters, digits and dashes only: safe in a Content-Disposition header."""
    cleaned = "".join(c if c.isascii() and c.isalnum() else "-" for c in stem.lower())
    return "-".join(part for part in cleaned.split("-") if part)[:100] + ".ics"


# ---------------------------------------------------------------- agendas


def _derive_token(agenda: Agenda) -> str:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    message = f"agenda:{agenda.id}:{agenda.feed_nonce}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def feed_token(agenda: Agenda) -> str:
    """The secret of the agenda's URL, derived again whenever it is shown (never stored)."""
    token = _derive_token(agenda)
    if hash_secret(token) != agenda.feed_token_hash:  # a new SECRET_KEY: the old URL stops working
        agenda.feed_token_hash = hash_secret(token)
        db.session.flush()
    return token


def feed_url(agenda: Agenda) -> str:
    """The agenda's subscription address (needs a request or app context for url_for)."""
    return current_app.config["BASE_URL"] + url_for("calendar.agenda_ics", token=feed_token(agenda))


def _new_agenda(event: Event, registration: Registration | None, user_id: int | None) -> Agenda:
    agenda = Agenda(
        event_id=event.id,
        registration_id=registration.id if registration else None,
        user_id=None if registration else user_id,
        feed_nonce=secrets.token_hex(16),
        feed_token_hash=secrets.token_hex(32),  # replaced below, once the id is known
        version=0,
    )
    db.session.add(agenda)
    db.session.flush()
    agenda.feed_token_hash = hash_secret(_derive_token(agenda))
    db.session.flush()
    return agenda


def _get_or_create(event: Event, registration: Registration | None, user_id: int | None):
    owner = (
        Agenda.registration_id == registration.id
        if registration
        else (Agenda.event_id == event.id) & (Agenda.user_id == user_id)
    )
    agenda = db.session.scalar(select(Agenda).where(owner))
    if agenda is not None:
        return agenda
    try:
        with db.session.begin_nested():
            agenda = _new_agenda(event, registration, user_id)
    except IntegrityError:  # created by a parallel request a moment ago
        return db.session.scalar(select(Agenda).where(owner))
    commit()
    return agenda


def agenda_for_registration(registration: Registration) -> Agenda:
    return _get_or_create(registration.event, registration, None)


def registration_for_user(event: Event, user) -> Registration | None:
    """A signed-in user's registration for the event, found by their email address."""
    return db.session.scalar(
        select(Registration).where(Registration.of_account(event.id, user.email))
    )


def agenda_for_user(event: Event, user) -> Agenda:
    """The user's registration's agenda; stars made before registering move into it."""
    registration = registration_for_user(event, user)
    if registration is None:
        return _get_or_create(event, None, user.id)
    agenda = agenda_for_registration(registration)
    loose = db.session.scalar(
        select(Agenda).where(Agenda.event_id == event.id, Agenda.user_id == user.id)
    )
    if loose is not None:
        for item_id in set(starred_ids(loose)) - set(starred_ids(agenda)):
            db.session.add(StarredItem(agenda_id=agenda.id, item_id=item_id))
        db.session.delete(loose)
        _touch(agenda)
        commit()
    return agenda


def registration_by_token_hash(event: Event, token_hash: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.token_hash == token_hash,
            Registration.anonymised_at.is_(None),
        )
    )


def agenda_by_feed_token(token: str) -> Agenda | None:
    if not token or len(token) > 100:
        return None
    agenda = db.session.scalar(select(Agenda).where(Agenda.feed_token_hash == hash_secret(token)))
    if agenda is None or not hmac.compare_digest(_derive_token(agenda), token):
        return None
    if agenda.registration is not None and agenda.registration.anonymised_at is not None:
        return None
    return agenda


def starred_ids(agenda: Agenda) -> list[int]:
    query = select(StarredItem.item_id).where(StarredItem.agenda_id == agenda.id)
    return list(db.session.scalars(query.order_by(StarredItem.item_id)))


class NotInProgramme(RuleError):
    """The item is not in the published programme."""

    def __init__(self) -> None:
        super().__init__({"item": _("This item is not in the published programme.")}, 409)


def _touch(agenda: Agenda) -> None:
    agenda.version = (agenda.version or 0) + 1
    agenda.updated_at = utcnow()
    db.session.flush()


def set_starred(agenda: Agenda, item_id: int, starred: bool) -> bool:
    """Star or unstar; only published items can be starred. True when something changed."""
    exists = db.session.get(StarredItem, (agenda.id, item_id)) is not None
    if starred == exists:
        return False
    if starred:
        event = db.session.get(Event, agenda.event_id)
        state = history_of(event).states.get(item_id)
        if state is None or state.removed_at is not None:
            raise NotInProgramme()
        db.session.add(StarredItem(agenda_id=agenda.id, item_id=item_id))
    else:
        db.session.execute(
            delete(StarredItem).where(
                StarredItem.agenda_id == agenda.id, StarredItem.item_id == item_id
            )
        )
    _touch(agenda)
    commit()
    return True


def reset_feed(agenda: Agenda) -> str:
    """A new secret URL; the old one answers 404 from now on."""
    agenda.feed_nonce = secrets.token_hex(16)
    agenda.feed_token_hash = hash_secret(_derive_token(agenda))
    _touch(agenda)
    commit()
    return feed_token(agenda)


def streams_for(agenda: Agenda) -> bool:
    """Confirmed digital registrants get the stream link instead of the room."""
    registration = agenda.registration
    return bool(
        registration is not None
        and registration.mode == DIGITAL
        and registration.status == CONFIRMED
    )


def agenda_items(agenda: Agenda) -> list[ItemState]:
    """The starred items as published now (removed ones while they are still sent)."""
    event = db.session.get(Event, agenda.event_id)
    history = history_of(event)
    now = utcnow()
    states = [history.states.get(i) for i in starred_ids(agenda)]
    shown = [s for s in states if s is not None and _still_shown(s, event, now)]
    return sorted(shown, key=lambda s: s.item.starts_at)


def _contributed_entries(registration: Registration) -> list[CalendarEntry]:
    """What other domains add to a person's agenda (networking: their meetings)."""
    answers = signals.collect(signals.agenda_entries_requested, registration)
    return [entry for entries in answers for entry in entries]


def agenda_feed(agenda: Agenda) -> Feed:
    """Starred items plus what other domains add (networking meetings), at the secret URL."""
    event = db.session.get(Event, agenda.event_id)
    registration = agenda.registration
    history = history_of(event)
    mine = agenda_items(agenda)
    extra = _contributed_entries(registration) if registration is not None else []
    stream = event.stream_url if streams_for(agenda) and event.stream_url else None
    key = (
        *_common_key(event, history),
        agenda.id,
        agenda.version,
        agenda.feed_nonce,
        registration.updated_at if registration else None,
        stream,
        _removed_key(mine),
        repr(extra),
    )
    moments = [_last_modified(event, history), agenda.updated_at]
    if registration is not None and registration.updated_at is not None:
        moments.append(registration.updated_at)  # a switch to digital changes the locations
    extra_times = [e.last_modified for e in extra]
    last_modified = None if None in extra_times else max([*moments, *extra_times])

    def entries() -> list[CalendarEntry]:
        all_entries = entries_of(event, history)
        result = [all_entries[s.item.id] for s in mine]
        if stream:
            label = _("Stream")
            result = [
                replace(
                    e,
                    location=stream,
                    description="\n\n".join(p for p in (f"{label}: {stream}", e.description) if p),
                )
                for e in result
            ]
        return [*result, *extra]

    return Feed(
        etag=etag_for("agenda", *key),
        last_modified=last_modified,
        filename=_filename(f"{event.slug}-my-programme"),
        name=f"{event.name} – {_('My programme')}",
        timezone=event.timezone,
        make_entries=entries,
    )


def starred_count(agenda: Agenda) -> int:
    query = select(func.count()).where(StarredItem.agenda_id == agenda.id)
    return db.session.scalar(query) or 0
