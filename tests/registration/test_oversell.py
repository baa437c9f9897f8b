"""Never oversell: 50 simultaneous registrations for the last 10 seats, against gunicorn with
4 worker processes, on SQLite and on PostgreSQL: exactly 10 confirmed, 40 on the waiting list."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import func, select

from eventmgr import create_app
from eventmgr.db import db
from eventmgr.events.models import Event
from eventmgr.registration import services
from eventmgr.registration.models import CONFIRMED, WAITLISTED, Registration
from tests.registration.conftest import person
from tests.servers import start_gunicorn
from tests.support import need_postgres, postgres_database

SEATS_LEFT = 10
ALREADY = 20
CALLERS = 50


def _prepare(app) -> str:
    """An event with 30 on-site seats of which 20 are taken."""
    with app.app_context():
        event = Event(
            slug="last-seats",
            name="Last seats",
            starts_at=datetime(2030, 1, 26, 9, tzinfo=UTC),
            ends_at=datetime(2030, 1, 26, 17, tzinfo=UTC),
            timezone="Europe/Oslo",
            onsite_capacity=ALREADY + SEATS_LEFT,
            published=True,
        )
        db.session.add(event)
        db.session.commit()
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


def _run(app, database_url: str, tmp_path) -> None:
    slug = _prepare(app)
    process, base = start_gunicorn(database_url, 4, tmp_path / "gunicorn.log")
    try:
        responses = _fire(base, slug)
    finally:
        process.terminate()
        process.wait(timeout=20)
    _check(app, slug, responses)


def test_never_oversell_on_sqlite(tmp_path):
    from flask_migrate import upgrade

    url = f"sqlite:///{tmp_path / 'oversell.sqlite3'}"
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "x",
            "MAIL_SERVER": "",
        }
    )
    with app.app_context():
        upgrade()
    _run(app, url, tmp_path)


@pytest.mark.postgres
def test_never_oversell_on_postgresql(tmp_path):
    from flask_migrate import upgrade

    url = postgres_database(need_postgres(), "test_registration_oversell")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "x",
            "MAIL_SERVER": "",
        }
    )
    with app.app_context():
        upgrade()
    try:
        _run(app, url, tmp_path)
    finally:
        with app.app_context():
            db.engine.dispose()
