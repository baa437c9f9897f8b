"""The calendar builder, read back by two independent parsers (vobject, recurring-ical-events)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import icalendar
import recurring_ical_events
import vobject

from eventmgr.calendar.ics import Attendee, CalendarEntry, build_calendar
from eventmgr.calendar.links import google_link, outlook_link

KEYNOTE = CalendarEntry(
    uid="item-2@cancer-crosslinks-2023.eventmgr",
    start=datetime(2023, 1, 26, 9, 40, tzinfo=UTC),
    end=datetime(2023, 1, 26, 10, 30, tzinfo=UTC),
    summary="Opening keynote: The Hallmarks of Cancer; New Dimensions, part 1",
    description="Douglas Hanahan (digital)\nModerators: Katarina Puco, Eli Sihn Samdal Steinskog"
    " — æøå ÆØÅ 🧬 " + "long text " * 30,
    location="Kaare Norum Auditorium, Ullernchausseen 64/66, NO-0379 Oslo, Norway",
    url="https://events.example.org/events/cancer-crosslinks-2023/items/2",
    categories=("keynote", "tumour evolution"),
    sequence=3,
    last_modified=datetime(2023, 1, 20, 12, 0, tzinfo=UTC),
)


def _feed(*entries: CalendarEntry) -> bytes:
    return build_calendar(
        entries,
        timezone="Europe/Oslo",
        name="Cancer Crosslinks 2023",
        stamp=datetime(2023, 1, 21, tzinfo=UTC),
    )


def test_two_parsers_read_the_same_instants():
    body = _feed(KEYNOTE)
    parsed = vobject.readOne(body.decode("utf-8"))
    vevent = parsed.vevent
    assert vevent.dtstart.value.astimezone(UTC) == datetime(2023, 1, 26, 9, 40, tzinfo=UTC)
    assert vevent.dtstart.value.utcoffset().total_seconds() == 3600  # Oslo in winter
    assert vevent.uid.value == KEYNOTE.uid
    assert vevent.summary.value == KEYNOTE.summary
    assert vevent.description.value == KEYNOTE.description
    assert vevent.location.value == KEYNOTE.location
    assert vevent.sequence.value == "3"
    occurrences = recurring_ical_events.of(icalendar.Calendar.from_ical(body)).at(date(2023, 1, 26))
    assert [o["DTSTART"].dt.astimezone(UTC) for o in occurrences] == [KEYNOTE.start]


def test_timezone_and_line_format():
    body = _feed(KEYNOTE)
    text = body.decode("utf-8")
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Oslo" in text
    assert "DTSTART;TZID=Europe/Oslo:20230126T104000" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert "SUMMARY:Opening keynote: The Hallmarks of Cancer\\; New Dimensions\\, part 1" in text


def test_cancelled_entries_and_attendees():
    meeting = CalendarEntry(
        uid="meeting-7@x",
        start=KEYNOTE.start,
        end=KEYNOTE.end,
        summary="Meeting at table 4",
        attendees=(Attendee("Sara Rhost", "sara@example.org"), Attendee("Ketil", "k@example.org")),
        cancelled=True,
    )
    parsed = vobject.readOne(_feed(meeting).decode())
    assert parsed.vevent.status.value == "CANCELLED"
    emails = sorted(a.value for a in parsed.vevent.attendee_list)
    assert emails == ["mailto:k@example.org", "mailto:sara@example.org"]


def test_add_to_calendar_links():
    google = parse_qs(urlsplit(google_link(KEYNOTE)).query)
    assert google["dates"] == ["20230126T094000Z/20230126T103000Z"]
    assert google["text"] == [KEYNOTE.summary]
    outlook = parse_qs(urlsplit(outlook_link(KEYNOTE)).query)
    assert outlook["startdt"] == ["2023-01-26T09:40:00Z"]
    assert outlook["location"] == [KEYNOTE.location]
