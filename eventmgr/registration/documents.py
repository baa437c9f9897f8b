"""The event's .ics a registrant downloads (their badge is the badges domain's)."""

from __future__ import annotations

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from eventmgr.platform.db import utcnow
from eventmgr.registration.models import ON_SITE, Registration


def event_ics(registration: Registration, prodid_host: str) -> bytes:
    """One VEVENT in the event's zone with its VTIMEZONE; digital people get the stream link
    as the location instead of the room."""
    event = registration.event
    calendar = Calendar()
    calendar.add("prodid", "-//Event manager//Registration//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    item = CalendarEvent()
    item.add("uid", f"event-{event.id}@{prodid_host}")
    item.add("dtstamp", utcnow())
    item.add("last-modified", event.updated_at or event.created_at)
    item.add("dtstart", event.local(event.starts_at))
    item.add("dtend", event.local(event.ends_at))
    item.add("summary", event.name)
    if registration.mode == ON_SITE:
        where = ", ".join(p for p in (event.venue, event.address) if p)
        if where:
            item.add("location", where)
        if event.description:
            item.add("description", event.description)
    elif event.stream_url:
        item.add("location", event.stream_url)
        item.add("url", event.stream_url)
        item.add("description", "\n\n".join(p for p in (event.description, event.stream_url) if p))
    calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical()
