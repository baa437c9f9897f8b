"""Two app instances (gunicorn on two ports, as behind a load balancer) on one PostgreSQL
database, registrations through both at once: the capacity holds exactly."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import func, select

from eventmgr.app import create_app
from eventmgr.events.models import Event
from eventmgr.platform.db import db
from eventmgr.registration.models import CONFIRMED, WAITLISTED, Registration
from tests.registration.conftest import person
from tests.servers import start_gunicorn
from tests.support import CATEGORIES, need_postgres, postgres_database

CAPACITY = 25
CALLS = 90


@pytest.mark.postgres
def test_two_instances_share_the_capacity_exactly(tmp_path):
    from flask_migrate import upgrade

    url = postgres_database(need_postgres(), "hardening_two_instances")
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"}
    )
    with app.app_context():
        upgrade()
        db.session.add(
            Event(
                slug="shared",
                name="Shared",
                starts_at=datetime(2030, 1, 26, 9, tzinfo=UTC),
                ends_at=datetime(2030, 1, 26, 17, tzinfo=UTC),
                timezone="Europe/Oslo",
                onsite_capacity=CAPACITY,
                published=True,
                categories=CATEGORIES,
            )
        )
        db.session.commit()
    first, first_base = start_gunicorn(url, 2, tmp_path / "first.log")
    try:
        second, second_base = start_gunicorn(url, 2, tmp_path / "second.log")
    except Exception:
        first.terminate()
        raise
    bases = (first_base, second_base)

    def one(i: int) -> requests.Response:
        base = bases[i % 2]
        return requests.post(
            f"{base}/api/v1/events/shared/registrations", json=person(i), timeout=60
        )

    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            responses = list(pool.map(one, range(CALLS)))
    finally:
        for process in (first, second):
            process.terminate()
            process.wait(timeout=30)
    assert [r.status_code for r in responses] == [201] * CALLS, [r.text for r in responses]
    statuses = [r.json()["status"] for r in responses]
    assert statuses.count(CONFIRMED) == CAPACITY
    by_instance = {
        base: sum(1 for i, s in enumerate(statuses) if bases[i % 2] == base and s == CONFIRMED)
        for base in bases
    }
    assert all(n > 0 for n in by_instance.values()), by_instance  # both really booked
    with app.app_context():
        stored = dict(
            db.session.execute(
                select(Registration.status, func.count(Registration.id)).group_by(
                    Registration.status
                )
            ).all()
        )
        db.engine.dispose()
    assert stored == {CONFIRMED: CAPACITY, WAITLISTED: CALLS - CAPACITY}
