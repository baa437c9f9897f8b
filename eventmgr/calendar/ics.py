"""Build iCalendar data from plain entries, so any domain (programme, meetings) can publish.

Clients differ in what they tolerate; this keeps to what all of them handle: a VTIMEZONE for the
event's zone with DTSTART/DTEND in that zone, a stable UID, SEQUENCE that rises on change,
DTSTAMP and LAST-MODIFIED, and STATUS:CANCELLED for removed items instead of silence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
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
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone)
    for entry in entries:
        calendar.add_component(_vevent(entry, zone, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()
