"""Programme fixtures: an empty event of the demo organiser, API calls over real HTTP."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from eventmgr.accounts.services import find_user, grant_role
from eventmgr.events.services import create_event
from eventmgr.platform.db import db
from eventmgr.platform.roles import Role
from eventmgr.programme import services

OSLO = ZoneInfo("Europe/Oslo")
SLUG = "spring-symposium-2024"


def oslo(hour: int, minute: int = 0, day: int = 14) -> str:
    """An ISO instant on the symposium's day, as the API takes it."""
    return datetime(2024, 3, day, hour, minute, tzinfo=OSLO).isoformat()


@pytest.fixture
def symposium(app, demo):
    """A published one-day event with two rooms and four people, and no programme yet."""
    with app.app_context():
        event = create_event(
            {
                "slug": SLUG,
                "name": "Spring Symposium 2024",
                "timezone": "Europe/Oslo",
                "starts_at": datetime(2024, 3, 14, 9, tzinfo=OSLO),
                "ends_at": datetime(2024, 3, 14, 17, tzinfo=OSLO),
                "published": True,
            }
        )
        grant_role(find_user(demo["logins"]["organiser"][0]), Role.ORGANISER, event.id)
        rooms = {
            name: services.save_room(event, {"name": name, "capacity": cap}).id
            for name, cap in (("Auditorium", 300), ("Seminar room", 40))
        }
        people = {
            name: services.save_person(event, {"name": name, "affiliation": aff}).id
            for name, aff in (
                ("Ada Moderator", "Oslo University Hospital"),
                ("Ben Speaker", "University of Bergen"),
                ("Cleo Speaker", "NTNU"),
                ("Dag Keynote", "Karolinska Institutet"),
            )
        }
        db.session.commit()
        return {"slug": SLUG, "id": event.id, "rooms": rooms, "people": people}


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]
