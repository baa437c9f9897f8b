"""Calendar fixtures: read a feed with two independent parsers, register people, republish."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar
import pytest
import recurring_ical_events
import vobject

from eventmgr.platform.db import db


def parse(body: bytes) -> dict[str, dict]:
    """Each VEVENT by UID as both parsers read it; both must agree on UID, start and end.

    vobject reads the text on its own; recurring-ical-events expands the icalendar object.
    """
    text = body.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n")), "unfolded line"
    read = vobject.readOne(text)
    by_vobject = {}
    for vevent in getattr(read, "vevent_list", []):
        by_vobject[vevent.uid.value] = {
            "start": vevent.dtstart.value.astimezone(UTC),
            "end": vevent.dtend.value.astimezone(UTC),
            "summary": vevent.summary.value,
            "status": vevent.status.value if hasattr(vevent, "status") else None,
            "sequence": int(vevent.sequence.value) if hasattr(vevent, "sequence") else None,
            "description": vevent.description.value if hasattr(vevent, "description") else "",
            "location": vevent.location.value if hasattr(vevent, "location") else "",
            "url": vevent.url.value if hasattr(vevent, "url") else "",
            "categories": [c for cat in getattr(vevent, "categories_list", []) for c in cat.value],
            "last_modified": vevent.last_modified.value.astimezone(UTC)
            if hasattr(vevent, "last_modified")
            else None,
            "offset": vevent.dtstart.value.utcoffset().total_seconds(),
            "attendees": [a.value for a in getattr(vevent, "attendee_list", [])],
        }
    calendar = icalendar.Calendar.from_ical(body)
    by_recurring = {
        str(o["UID"]): (o["DTSTART"].dt.astimezone(UTC), o["DTEND"].dt.astimezone(UTC))
        for o in recurring_ical_events.of(calendar).between(date(2000, 1, 1), date(2100, 1, 1))
    }
    assert by_recurring == {uid: (e["start"], e["end"]) for uid, e in by_vobject.items()}
    return by_vobject


def by_summary(events: dict[str, dict], start: str) -> tuple[str, dict]:
    found = [(uid, e) for uid, e in events.items() if e["summary"].startswith(start)]
    assert len(found) == 1, (start, [e["summary"] for e in events.values()])
    return found[0]


def utc(hour: int, minute: int = 0) -> datetime:
    return datetime(2023, 1, 26, hour, minute, tzinfo=UTC)


@pytest.fixture
def demo_event(app, demo):
    """The demo event (published programme) and ways to change and republish it."""
    from eventmgr.events.models import Event
    from eventmgr.programme import services

    class Demo:
        slug = demo["slug"]

        def event(self):
            return db.session.scalars(db.select(Event).filter_by(slug=self.slug)).one()

        def item_id(self, title_start: str) -> int:
            with app.app_context():
                items = services.items_of(self.event())
                return next(i.id for i in items if i.title.startswith(title_start))

        def change(self, title_start: str, published_later_by=None, **data) -> None:
            """Change the draft item and publish a new version (dated `published_later_by`
            after the version before, when given)."""
            with app.app_context():
                event = self.event()
                item = services.item_of(event, self.item_id(title_start))
                before = services.latest_version(event)
                services.update_item(event, item, data)
                version = services.publish(event, confirm=True)
                if published_later_by is not None:
                    version.published_at = before.published_at + published_later_by
                db.session.commit()

        def register(self, email: str, mode: str = "on_site", name: str = "Kari Nordmann"):
            """A confirmed registration whose mailed link was opened (its address proven);
            returns its manage token."""
            from eventmgr.registration.services import prove, register

            with app.app_context():
                outcome = register(
                    self.event(),
                    {
                        "name": name,
                        "email": email,
                        "organisation": "Oslo universitetssykehus",
                        "job_title": "Oncologist",
                        "category": "oncologist",
                        "mode": mode,
                        "consent": True,
                    },
                )
                prove(outcome.registration)
                return outcome.token

    return Demo()
