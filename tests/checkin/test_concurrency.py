"""Four doors scanning the same badge at the same moment, against gunicorn with 4 worker
processes: exactly one acceptance per badge, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import func, select

from eventmgr import create_app
from eventmgr.accounts.services import get_or_create_user, grant_role, issue_api_token
from eventmgr.checkin.models import Checkin, Scan
from eventmgr.db import db
from eventmgr.events.models import Event
from eventmgr.registration import services
from tests.registration.conftest import person
from tests.servers import start_gunicorn
from tests.support import need_postgres, postgres_database

DOORS = 4
BADGES = 10


def _prepare(app) -> tuple[str, str, list[str]]:
    with app.app_context():
        event = Event(
            slug="four-doors",
            name="Four doors",
            starts_at=datetime(2030, 1, 26, 9, tzinfo=UTC),
            ends_at=datetime(2030, 1, 26, 17, tzinfo=UTC),
            timezone="Europe/Oslo",
            published=True,
        )
        db.session.add(event)
        db.session.commit()
        codes = [services.register(event, person(i)).registration.badge_code for i in range(BADGES)]
        user = get_or_create_user("door-4@example.org", "Door", "door-password-4")
        grant_role(user, "door_staff", event.id)
        db.session.commit()
        token = issue_api_token(user)
        db.session.commit()
        return event.slug, token, codes


def _fire(base: str, slug: str, token: str, codes: list[str]) -> list[list[dict]]:
    url = f"{base}/api/v1/events/{slug}/checkins"
    rounds = []
    for code in codes:
        barrier = threading.Barrier(DOORS)
        answers: list = [None] * DOORS
        sessions = [requests.Session() for _ in range(DOORS)]
        for s in sessions:  # connect first, so that the requests leave together
            s.get(base + "/healthz", timeout=30)

        def door(i: int, code=code, barrier=barrier, answers=answers, sessions=sessions) -> None:
            barrier.wait()
            response = sessions[i].post(
                url,
                json={"code": code, "door": f"door {i}"},
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            )
            answers[i] = (response.status_code, response.json())

        threads = [threading.Thread(target=door, args=(i,)) for i in range(DOORS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        rounds.append(answers)
    return rounds


def _run(app, url: str, tmp_path) -> None:
    slug, token, codes = _prepare(app)
    process, base = start_gunicorn(url, 4, tmp_path / "gunicorn.log")
    try:
        rounds = _fire(base, slug, token, codes)
    finally:
        process.terminate()
        process.wait(timeout=20)
    for answers in rounds:
        assert all(code == 200 for code, _ in answers), answers
        outcomes = sorted((a["status"], a["reason"] or "") for _, a in answers)
        assert outcomes == [("accepted", "")] + [("refused", "already_checked_in")] * (DOORS - 1)
    with app.app_context():
        assert db.session.scalar(select(func.count(Checkin.id))) == BADGES
        assert db.session.scalar(select(func.count(Scan.id))) == BADGES * DOORS
        db.engine.dispose()


def _app(url: str, tmp_path):
    from flask_migrate import upgrade

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
    return app


def test_four_doors_one_acceptance_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'doors.sqlite3'}"
    _run(_app(url, tmp_path), url, tmp_path)


@pytest.mark.postgres
def test_four_doors_one_acceptance_on_postgresql(tmp_path):
    url = postgres_database(need_postgres(), "test_checkin_doors")
    _run(_app(url, tmp_path), url, tmp_path)
