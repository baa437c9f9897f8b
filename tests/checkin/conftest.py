"""Fixtures for check-in tests: registrations in any state, straight from the rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from eventmgr.events.models import Event
from eventmgr.platform.db import db
from eventmgr.registration import services
from eventmgr.registration.models import Registration
from tests.registration.conftest import person
from tests.support import add_event


@pytest.fixture
def make_person(app, demo):
    """Register someone for the demo event (or `slug`); returns {"id", "code", "name"}."""
    counter = iter(range(1, 10_000))

    def create(mode="on_site", status=None, slug=None, **extra) -> dict:
        n = next(counter)
        with app.app_context():
            event = db.session.scalar(select(Event).where(Event.slug == (slug or demo["slug"])))
            outcome = services.register(
                event, person(n, mode=mode, **extra), actor="organiser test", public=False
            )
            registration = outcome.registration
            if status == "cancelled":
                services.cancel(registration, "organiser test")
            elif status == "waitlisted":
                registration = db.session.get(Registration, registration.id)
                registration.status = "waitlisted"
                db.session.commit()
            registration = db.session.get(Registration, registration.id)
            return {
                "id": registration.id,
                "code": registration.badge_code,
                "name": registration.name,
            }

    return create


@pytest.fixture
def other_event(app):
    with app.app_context():
        return add_event(
            "other-meeting",
            "Other meeting",
            starts_at=datetime(2030, 3, 1, 9, tzinfo=UTC),
            ends_at=datetime(2030, 3, 1, 17, tzinfo=UTC),
        ).slug
