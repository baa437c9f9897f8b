"""`flask seed-synthetic`: a generated event of realistic size that keeps the app's rules."""

from __future__ import annotations

from sqlalchemy import func, select

from eventmgr.events.models import Event
from eventmgr.platform.db import db
from eventmgr.programme.models import ProgrammeItem, ProgrammeVersion
from eventmgr.registration.models import (
    CONFIRMED,
    ON_SITE,
    WAITLISTED,
    Registration,
    RegistrationHistory,
)


def _counts(app) -> dict:
    with app.app_context():
        return {
            "events": db.session.scalar(select(func.count(Event.id))),
            "registrations": db.session.scalar(select(func.count(Registration.id))),
            "items": db.session.scalar(select(func.count(ProgrammeItem.id))),
        }


def test_seed_synthetic_makes_a_realistic_consistent_event(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-synthetic", "--attendees", "400", "--slug", "syn"])
    assert result.exit_code == 0, result.output
    assert "/events/syn" in result.output and "400 registrations" in result.output
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == "syn"))
        rows = db.session.scalars(select(Registration).where(Registration.event_id == event.id))
        people = list(rows)
        assert len(people) == 400
        assert {p.mode for p in people} == {"on_site", "digital"}
        assert {p.status for p in people} == {"confirmed", "waitlisted", "cancelled"}
        assert len({p.category for p in people}) >= 8
        assert 0 < sum(p.networking_opt_in for p in people) < 400
        assert any(set("æøåÆØÅ") & set(p.name) for p in people)
        assert len({p.email_key for p in people}) == 400
        confirmed = sum(1 for p in people if p.mode == ON_SITE and p.status == CONFIRMED)
        assert confirmed == event.onsite_capacity  # full, and never more
        assert any(p.status == WAITLISTED for p in people)
        with_history = db.session.scalar(
            select(func.count(func.distinct(RegistrationHistory.registration_id)))
        )
        assert with_history == 400
        version = db.session.scalar(
            select(ProgrammeVersion).where(ProgrammeVersion.event_id == event.id)
        )
        assert version is not None and version.clash_count == 0
        assert db.session.scalar(select(func.count(ProgrammeItem.id))) >= 190
    programme = client.get("/api/v1/events/syn/programme")
    assert programme.status_code == 200
    page = client.get("/events/syn/programme")
    assert page.status_code == 200 and "Kaare Norum Auditorium" in page.get_data(as_text=True)


def test_seed_synthetic_refuses_an_existing_slug_and_changes_nothing(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-synthetic", "--attendees", "5", "--slug", "s"]).exit_code == 0
    before = _counts(app)
    again = runner.invoke(args=["seed-synthetic", "--attendees", "50", "--slug", "s"])
    assert again.exit_code != 0
    assert "exists already" in again.output and "nothing was changed" in again.output
    assert _counts(app) == before
    bad = runner.invoke(args=["seed-synthetic", "--attendees", "-3", "--slug", "t"])
    assert bad.exit_code != 0 and "--attendees" in bad.output
    assert _counts(app) == before
