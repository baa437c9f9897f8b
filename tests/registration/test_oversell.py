"""Never oversell: 50 simultaneous registrations for the last 10 seats, against gunicorn with
4 worker processes, on SQLite and on PostgreSQL: exactly 10 confirmed, 40 on the waiting list."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from eventmgr.events.models import Event
from eventmgr.platform.db import db
from eventmgr.registration import services
from eventmgr.registration.models import CONFIRMED, WAITLISTED, Registration
from tests.registration.conftest import person
from tests.servers import migrated_app, scratch_database, serving
from tests.support import add_event

SEATS_LEFT = 10
ALREADY = 20
CALLERS = 50


def _prepare(app) -> str:
    """An event with 30 on-site seats of which 20 are taken."""
    with app.app_context():
        event = add_event("last-seats", "Last seats", onsite_capacity=ALREADY + SEATS_LEFT)
        for i in range(ALREADY):
            services.register(event, person(1000 + i))
        return event.slug


def _fire(base: str, slug: str) -> list[requests.Response]:
    url = f"{base}/api/v1/events/{slug}/registrations"

    def one(i: int) -> requests.Response:
        with requests.Session() as session:
            return session.post(url, json=person(i), timeout=60)

    with ThreadPoolExecutor(max_workers=CALLERS) as pool:
        return list(pool.map(one, range(CALLERS)))


def _check(app, slug: str, responses: list[requests.Response]) -> None:
    assert [r.status_code for r in responses] == [201] * CALLERS, [r.text for r in responses]
    statuses = [r.json()["status"] for r in responses]
    assert statuses.count("confirmed") == SEATS_LEFT
    assert statuses.count("waitlisted") == CALLERS - SEATS_LEFT
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        by_status = dict(
            db.session.execute(
                select(Registration.status, func.count(Registration.id))
                .where(Registration.event_id == event.id)
                .group_by(Registration.status)
            ).all()
        )
    assert by_status == {CONFIRMED: ALREADY + SEATS_LEFT, WAITLISTED: CALLERS - SEATS_LEFT}


def _run(url: str, tmp_path) -> None:
    app = migrated_app(url, tmp_path)
    slug = _prepare(app)
    with serving(url, 4, tmp_path / "gunicorn.log") as (_, base):
        responses = _fire(base, slug)
    try:
        _check(app, slug, responses)
    finally:
        with app.app_context():
            db.engine.dispose()


def test_never_oversell_on_sqlite(tmp_path):
    _run(scratch_database("sqlite", tmp_path, "oversell"), tmp_path)


@pytest.mark.postgres
def test_never_oversell_on_postgresql(tmp_path):
    _run(scratch_database("postgresql", tmp_path, "test_registration_oversell"), tmp_path)
