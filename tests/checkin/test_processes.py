"""Check-ins across processes: two gunicorn instances on one database scanning the same badges
at once, and a worker killed with kill -9 in the middle of a check-in burst. On SQLite (one
file, several processes) and on PostgreSQL."""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import select

from eventmgr.accounts.services import get_or_create_user, grant_role, issue_api_token
from eventmgr.checkin.models import Checkin, Scan
from eventmgr.platform.db import db
from eventmgr.registration import services
from tests.registration.conftest import person
from tests.servers import migrated_app, serving, wait_for_workers, workers
from tests.support import add_event

BADGES = 40
KILL_AFTER = 30
MORE_PLACES = 10  # free on-site places while the doors scan
NEWCOMERS = 30


def _prepare(url: str, tmp_path):
    """The schema, an event with BADGES confirmed registrations and a door token."""
    app = migrated_app(url, tmp_path)
    with app.app_context():
        event = add_event("doors", "Doors", onsite_capacity=BADGES + MORE_PLACES)
        codes = {
            (r := services.register(event, person(i)).registration).badge_code: r.id
            for i in range(BADGES)
        }
        user = get_or_create_user("door@example.org", "Door", "door-password-1")
        grant_role(user, "door_staff", event.id)
        db.session.commit()
        token = issue_api_token(user)
        db.session.commit()
    return app, token, codes


def _scan(base: str, token: str, code: str, nonce: str, door: str) -> requests.Response:
    return requests.post(
        f"{base}/api/v1/events/doors/checkins",
        json={"code": code, "door": door, "nonce": nonce},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )


def _stored(app) -> tuple[list[Checkin], list[Scan]]:
    with app.app_context():
        checkins = list(db.session.scalars(select(Checkin)))
        scans = list(db.session.scalars(select(Scan)))
        db.session.expunge_all()
        db.engine.dispose()
    return checkins, scans


def _each_checkin_has_its_scan(checkins: list[Checkin], scans: list[Scan]) -> None:
    accepted = {(s.registration_id, s.door) for s in scans if s.status == "accepted"}
    for checkin in checkins:
        assert (checkin.registration_id, checkin.door) in accepted, "a check-in without its scan"
    assert Counter(s.registration_id for s in scans if s.status == "accepted") == Counter(
        c.registration_id for c in checkins
    ), "accepted scans and check-ins disagree"


def test_two_instances_accept_each_badge_once_while_registering(scratch_url, tmp_path):
    """Scans and late registrations through both instances at once: each badge accepted
    once, every scan stored, and the capacity holds exactly."""
    app, token, codes = _prepare(scratch_url, tmp_path)
    # both sides of a badge adjacent, each instance first for every other badge
    jobs = [(code, side) for n, code in enumerate(codes) for side in ((0, 1), (1, 0))[n % 2]]
    barriers = {code: threading.Barrier(2) for code in codes}

    def one(job: tuple[str, int]) -> tuple[str, int, int, dict]:
        code, side = job
        barriers[code].wait()  # the two instances get the badge at the same moment
        response = _scan(bases[side], token, code, f"{code}-{side}", f"door {side}")
        return code, side, response.status_code, response.json()

    def register(i: int) -> requests.Response:
        url = f"{bases[i % 2]}/api/v1/events/doors/registrations"
        return requests.post(url, json=person(1000 + i), timeout=60)

    with (
        serving(scratch_url, 2, tmp_path / "first.log") as (_, first),
        serving(scratch_url, 2, tmp_path / "second.log") as (_, second),
    ):
        bases = (first, second)
        with ThreadPoolExecutor(max_workers=8) as pool, ThreadPoolExecutor(4) as desk:
            registered = desk.map(register, range(NEWCOMERS))
            answers = list(pool.map(one, jobs))
            registered = list(registered)
    assert [r.status_code for r in registered] == [201] * NEWCOMERS, [r.text for r in registered]
    statuses = Counter(r.json()["status"] for r in registered)
    assert statuses == {"confirmed": MORE_PLACES, "waitlisted": NEWCOMERS - MORE_PLACES}
    assert all(status == 200 for _, _, status, _ in answers), answers
    accepted = Counter(code for code, _, _, body in answers if body["status"] == "accepted")
    assert accepted == Counter(dict.fromkeys(codes, 1)), "a badge accepted twice or never"
    refused = [body["reason"] for _, _, _, body in answers if body["status"] != "accepted"]
    assert refused == ["already_checked_in"] * BADGES
    checkins, scans = _stored(app)
    assert sorted(c.registration_id for c in checkins) == sorted(codes.values())
    assert sorted(s.nonce for s in scans) == sorted(f"{c}-{s}" for c, s in jobs)
    _each_checkin_has_its_scan(checkins, scans)


def test_kill_a_worker_during_a_checkin_burst(scratch_url, tmp_path):
    app, token, codes = _prepare(scratch_url, tmp_path)
    scans = [(code, n) for n in (0, 1) for code in codes]  # every badge twice, at two doors
    answered = threading.Semaphore(0)
    killed: list[int] = []

    def one(job: tuple[str, int]):
        code, n = job
        try:
            response = _scan(base, token, code, f"{code}-{n}", f"door {n}")
        except requests.RequestException:
            return job, None  # the worker died under this scan: no answer, no promise
        finally:
            answered.release()
        return job, (response.status_code, response.json() if response.ok else None)

    def killer() -> None:
        for _ in range(KILL_AFTER):
            answered.acquire()
        victim = workers(process.pid)[0]
        os.kill(victim, signal.SIGKILL)
        killed.append(victim)

    with serving(scratch_url, 2, tmp_path / "gunicorn.log") as (process, base):
        thread = threading.Thread(target=killer)
        thread.start()
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(one, scans))
        thread.join()
        alive = wait_for_workers(process.pid, 2)
        assert killed[0] not in alive and len(alive) == 2
        # the doors keep going: scans without an answer are sent again with their nonce
        retried = {
            job: _scan(base, token, job[0], f"{job[0]}-{job[1]}", f"door {job[1]}")
            for job, outcome in results
            if outcome is None
        }
    others = [outcome[0] for _, outcome in results if outcome and outcome[0] != 200]
    assert set(others) <= {503}, others  # no 500: a dead worker is no server error
    assert all(r.status_code == 200 for r in retried.values()), [r.text for r in retried.values()]
    answers = {job: outcome[1] for job, outcome in results if outcome and outcome[0] == 200}
    answers |= {job: r.json() for job, r in retried.items()}
    assert len(answers) == len(scans)
    checkins, stored_scans = _stored(app)
    by_registration = {c.registration_id: c for c in checkins}
    by_nonce = {s.nonce: s for s in stored_scans}
    accepted = Counter(codes[code] for (code, _), a in answers.items() if a["status"] == "accepted")
    assert accepted == Counter(dict.fromkeys(codes.values(), 1)), "checked in twice or never"
    for (code, n), answer in answers.items():
        stored = by_nonce[f"{code}-{n}"]  # every answered scan is stored, as answered
        assert (stored.status, stored.reason) == (answer["status"], answer["reason"])
        if answer["status"] == "accepted":
            assert by_registration[codes[code]].door == f"door {n}"
    assert len(checkins) == len(by_registration) == BADGES  # nobody twice
    assert len(stored_scans) == len(scans)  # no half-written scan, none stored twice
    _each_checkin_has_its_scan(checkins, stored_scans)
