"""What is on now and next in each streamed room, and where each item is streamed.

The schedule is the published programme (what attendees were told); where an item is streamed
is the organiser's current setting (a stream moved or an item taken off the stream at the last
minute applies at once). An item's stream is its own URL, else its session's, else its room's,
else the event's; it is off the stream when it or its session is marked "not streamed".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select

from eventmgr.digital.settings import settings_for
from eventmgr.events.models import Event
from eventmgr.platform.db import db
from eventmgr.programme.models import ProgrammeItem, Room
from eventmgr.programme.services import PublicItem, PublicProgramme, public_programme

HLS = "hls"  # played in the page through hls.js
EMBED = "embed"  # a video platform's player, in a frame
LINK = "link"  # a host the organiser did not allow: a link that opens in a new tab


@dataclass(frozen=True)
class Stream:
    url: str
    kind: str

    @property
    def host(self) -> str:
        return host_of(self.url)


@dataclass
class RoomNow:
    """One streamed room at a moment: the item playing (a talk, or an item without talks),
    the top-level item around it (its questions), what comes next, and its stream."""

    room_id: int
    name: str
    current: PublicItem | None
    session: PublicItem | None
    next: PublicItem | None
    stream: Stream | None


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def stream_kind(url: str, allowed_hosts: list[str]) -> str:
    if host_of(url) not in allowed_hosts:
        return LINK
    return HLS if urlsplit(url).path.lower().endswith(".m3u8") else EMBED


@dataclass
class _Live:
    """The organiser's current stream settings (one query each)."""

    items: dict[int, tuple[str | None, bool]]
    rooms: dict[int, Room]


def _live(event: Event) -> _Live:
    rows = db.session.execute(
        select(ProgrammeItem.id, ProgrammeItem.stream_url, ProgrammeItem.streamed).where(
            ProgrammeItem.event_id == event.id
        )
    )
    rooms = db.session.scalars(select(Room).where(Room.event_id == event.id))
    return _Live(
        {row.id: (row.stream_url, row.streamed is not False) for row in rows},
        {room.id: room for room in rooms},
    )


def _stream_of(
    event: Event,
    item: PublicItem,
    programme: PublicProgramme,
    live: _Live,
    allowed: list[str],
) -> Stream | None:
    chain = [item]
    if item.parent_id is not None and item.parent_id in programme.by_id:
        chain.append(programme.by_id[item.parent_id])
    urls: list[str | None] = []
    for link in chain:
        own_url, streamed = live.items.get(link.id, (None, True))
        if not (link.streamed and streamed):
            return None
        urls.append(own_url)
    room = live.rooms.get(item.room_id) if item.room_id is not None else None
    urls += [room.stream_url if room else None, event.stream_url]
    url = next((u for u in urls if u), None)
    return Stream(url, stream_kind(url, allowed)) if url else None


def _timeline(tops: list[PublicItem]) -> list[PublicItem]:
    """What plays in a room, in order: a session's talks, or the item itself."""
    played = []
    for top in tops:
        talks = [t for t in top.children if not t.cancelled]
        played += talks or [top]
    return sorted(played, key=lambda i: i.starts_at)


def rooms_now(event: Event, now: datetime) -> list[RoomNow]:
    """Every room with a stream in the published programme, at `now`."""
    programme = public_programme(event)
    if programme.version is None:
        return []
    live = _live(event)
    allowed = settings_for(event).player_hosts or []
    by_room: dict[int, list[PublicItem]] = {}
    for top in programme.top_level:
        if top.room_id is not None and not top.cancelled:
            by_room.setdefault(top.room_id, []).append(top)
    result = []
    for room_id, tops in by_room.items():
        room = live.rooms.get(room_id)
        if room is None:
            continue
        played = _timeline(tops)
        if not any(_stream_of(event, i, programme, live, allowed) for i in played):
            continue
        current = next((i for i in played if i.starts_at <= now < i.ends_at), None)
        upcoming = next((i for i in played if i.starts_at >= now and i is not current), None)
        session = None
        if current is not None:
            session = programme.by_id.get(current.parent_id) if current.parent_id else current
        stream = _stream_of(event, current, programme, live, allowed) if current else None
        result.append(RoomNow(room_id, room.name, current, session, upcoming, stream))
    return sorted(result, key=lambda r: r.room_id)


def room_now(event: Event, room_id: int, now: datetime) -> RoomNow | None:
    return next((r for r in rooms_now(event, now) if r.room_id == room_id), None)


def current_session(event: Event, room_id: int, now: datetime) -> PublicItem | None:
    """The top-level item on in a room now (streamed or not): whose questions the room asks."""
    programme = public_programme(event)
    for top in programme.top_level:
        if top.room_id == room_id and not top.cancelled and top.starts_at <= now < top.ends_at:
            return top
    return None


def next_session(event: Event, room_id: int, now: datetime) -> PublicItem | None:
    programme = public_programme(event)
    later = [
        top
        for top in programme.top_level
        if top.room_id == room_id and not top.cancelled and top.starts_at > now
    ]
    return min(later, key=lambda i: i.starts_at, default=None)
