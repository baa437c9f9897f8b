"""The new networking pages pass axe (WCAG 2.1 AA), fit 390 px without scrolling sideways and
log no console error, in both languages: booking, hosts and bookings on the dashboard, places,
the grid with a video room, the members' meetings of a delegation lead, and the participants'
pages (with a booked meeting of three)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eventmgr.events.models import Event
from eventmgr.networking.models import Delegation
from eventmgr.platform.db import db
from tests.system.test_accessibility import State, _walk


@pytest.fixture
def states(app, demo) -> dict[str, list[State]]:
    from eventmgr.networking import schedule
    from eventmgr.networking.demo import seed_networking

    slug = demo["slug"]
    with app.test_request_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        seed_networking(event)  # with the organiser's booking of three
        schedule.save_table(event, {"number": 90, "seats": 4, "online": True, "name": "Video A"})
        delegation_id = db.session.scalars(select(Delegation.id)).first()
    manage = f"/manage/events/{slug}/networking"
    return {
        "organiser": [
            State("dashboard with hosts and bookings", manage),
            State("places", f"{manage}/tables"),
            State("grid with a video room", f"{manage}/schedule"),
            State("book a meeting", f"/events/{slug}/networking/book"),
        ],
        "delegation_lead": [
            State("members' meetings", f"/events/{slug}/delegations/{delegation_id}/meetings"),
        ],
        "attendee": [
            State("networking", f"/events/{slug}/networking"),
            State("agenda", f"/events/{slug}/networking/agenda"),
            State("profile", f"/events/{slug}/networking/profile"),
        ],
    }


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("lang", ["en", "nb"])
def test_the_new_networking_pages_pass_axe_and_fit(browser, live_server, demo, states, lang, width):
    found = _walk(browser, live_server, demo, states, lang, width)
    assert found.violations == [], "\n".join(found.violations)
    assert found.overflow == [], "\n".join(found.overflow)
    assert found.console == [], "\n".join(found.console)
