"""Four doors scanning the same badge at the same moment, against gunicorn with 4 worker
processes: exactly one acceptance per badge, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
import requests
from sqlalchemy import func, select

from eventmgr.accounts.services import get_or_create_user, grant_role, issue_api_token
from eventmgr.checkin.models import Checkin, Scan
from eventmgr.platform.db import db
from eventmgr.registration import services
from tests.registration.conftest import person
from tests.servers import migrated_app, scratch_database, serving
from tests.support import add_event

DOORS = 4
BADGES = 10


def _prepare(app) -> tuple[str, str, list[str]]:
    with app.app_context():
        event = add_event("four-doors", "Four doors")
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


def _run(url: str, tmp_path) -> None:
    app = migrated_app(url, tmp_path)
    slug, token, codes = _prepare(app)
    with serving(url, 4, tmp_path / "gunicorn.log") as (_, base):
        rounds = _fire(base, slug, token, codes)
    for answers in rounds:
        assert all(code == 200 for code, _ in answers), answers
        outcomes = sorted((a["status"], a["reason"] or "") for _, a in answers)
        assert outcomes == [("accepted", "")] + [("refused", "already_checked_in")] * (DOORS - 1)
    with app.app_context():
        assert db.session.scalar(select(func.count(Checkin.id))) == BADGES
        assert db.session.scalar(select(func.count(Scan.id))) == BADGES * DOORS
        db.engine.dispose()


def test_four_doors_one_acceptance_on_sqlite(tmp_path):
    _run(scratch_database("sqlite", tmp_path, "doors"), tmp_path)


@pytest.mark.postgres
def test_four_doors_one_acceptance_on_postgresql(tmp_path):
    _run(scratch_database("postgresql", tmp_path, "test_checkin_doors"), tmp_path)
