"""Build iCalendar data from plain entries, so any domain (programme, meetings) can publish.

Clients differ in what they tolerate; this keeps to what all of them handle: a VTIMEZONE for the
event's zone with DTSTART/DTEND in that zone, a stable UID, SEQUENCE that rises on change,
DTSTAMP and LAST-MODIFIED, and STATUS:CANCELLED for removed items instead of silence.

icalendar escapes and folds each line; that is most of the cost of a feed, so each serialised
VEVENT is kept (an entry is an immutable value) and a feed of known entries is mostly a join.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//eventmgr//Event manager//EN"


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str


@dataclass(frozen=True)
class CalendarEntry:
    """One VEVENT; `uid` must never change for the same item across exports and versions."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str | None = None
    categories: tuple[str, ...] = ()
    sequence: int = 0
    last_modified: datetime | None = None
    cancelled: bool = False
    attendees: tuple[Attendee, ...] = field(default_factory=tuple)


def _vevent(entry: CalendarEntry, zone: ZoneInfo, stamp: datetime) -> Event:
    vevent = Event()
    vevent.add("uid", entry.uid)
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", entry.start.astimezone(zone))
    vevent.add("dtend", entry.end.astimezone(zone))
    vevent.add("summary", entry.summary)
    vevent.add("sequence", entry.sequence)
    if entry.last_modified is not None:
        vevent.add("last-modified", entry.last_modified.astimezone(UTC))
    if entry.description:
        vevent.add("description", entry.description)
    if entry.location:
        vevent.add("location", entry.location)
    if entry.url:
        vevent.add("url", entry.url)
    if entry.categories:
        vevent.add("categories", list(entry.categories))
    vevent.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    for person in entry.attendees:
        address = vCalAddress(f"mailto:{person.email}")
        address.params["cn"] = vText(person.name)
        address.params["role"] = vText("REQ-PARTICIPANT")
        vevent.add("attendee", address, encode=0)
    return vevent


@lru_cache(maxsize=8192)
def _vevent_bytes(entry: CalendarEntry, timezone: str, stamp: datetime) -> bytes:
    return _vevent(entry, ZoneInfo(timezone), stamp).to_ical()


@lru_cache(maxsize=32)
def _timezone_bytes(timezone: str) -> bytes:
    """The VTIMEZONE block(s) icalendar's add_missing_timezones makes for the zone."""
    calendar = Calendar()
    probe = Event()
    probe.add("dtstart", datetime(2000, 1, 1, tzinfo=ZoneInfo(timezone)))
    calendar.add_component(probe)
    calendar.add_missing_timezones()
    return b"".join(tz.to_ical() for tz in calendar.timezones)


def build_calendar(
    entries: Iterable[CalendarEntry],
    *,
    timezone: str,
    name: str,
    stamp: datetime | None = None,
) -> bytes:
    """A complete VCALENDAR, UTF-8, with CRLF line endings and folded lines (RFC 5545)."""
    zone = ZoneInfo(timezone)
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", vText(name))  # an X- property is not escaped unless text
    calendar.add("x-wr-timezone", timezone)
    events = [_vevent_bytes(entry, zone.key, stamp) for entry in entries]
    head, end = calendar.to_ical().rsplit(b"END:VCALENDAR", 1)
    zones = _timezone_bytes(zone.key) if events else b""
    return b"".join((head, zones, *events, b"END:VCALENDAR", end))
