"""Kill -9 a worker in the middle of a registration surge (gunicorn starts a new one) and keep
going. Afterwards every registration that was answered 201 is in the database as answered,
on-site confirmations never exceed the capacity, nobody waits while a place is free, and no
registration is half-written (each has its history row and its confirmation in the outbox)."""

from __future__ import annotations

import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import func, select

from eventmgr.mail.models import OutboxMessage
from eventmgr.platform.db import db
from eventmgr.registration.models import (
    CONFIRMED,
    ON_SITE,
    WAITLISTED,
    Registration,
    RegistrationHistory,
)
from tests.registration.conftest import person
from tests.servers import migrated_app, serving, wait_for_workers, workers
from tests.support import add_event

CAPACITY = 40
CALLS = 160
KILL_AFTER = 50


def _surge(base: str, slug: str, master: int) -> tuple[list[dict], list[int], int]:
    """Fire the registrations; after KILL_AFTER answers, SIGKILL one worker. Returns the 201
    bodies (with the email sent), the other status codes, and the killed pid."""
    url = f"{base}/api/v1/events/{slug}/registrations"
    answered = threading.Semaphore(0)
    killed: list[int] = []

    def one(i: int):
        try:
            response = requests.post(url, json=person(i), timeout=60)
        except requests.RequestException:
            return None  # the worker died under this request: no answer, no promise
        finally:
            answered.release()
        if response.status_code == 201:
            return response.json() | {"email": person(i)["email"]}
        return response.status_code

    def killer() -> None:
        for _ in range(KILL_AFTER):
            answered.acquire()
        victim = workers(master)[0]
        os.kill(victim, signal.SIGKILL)
        killed.append(victim)

    thread = threading.Thread(target=killer)
    thread.start()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one, range(CALLS)))
    thread.join()
    created = [r for r in results if isinstance(r, dict)]
    others = [r for r in results if isinstance(r, int)]
    return created, others, killed[0]


def test_kill_a_worker_during_a_registration_surge(scratch_url, tmp_path):
    app = migrated_app(scratch_url, tmp_path)
    with app.app_context():
        event_id = add_event("surge", "Surge", onsite_capacity=CAPACITY).id
    with serving(scratch_url, 2, tmp_path / "gunicorn.log") as (process, base):
        created, others, victim = _surge(base, "surge", process.pid)
        alive = wait_for_workers(process.pid, 2)
        assert victim not in alive and len(alive) == 2
        after = requests.post(
            f"{base}/api/v1/events/surge/registrations", json=person(9999), timeout=60
        )
        assert after.status_code == 201, after.text  # the surge goes on after the restart
    assert set(others) <= {503}, others  # no 500: a dead worker is no server error
    assert len(created) > KILL_AFTER
    with app.app_context():
        rows = {
            r.id: r
            for r in db.session.scalars(
                select(Registration).where(Registration.event_id == event_id)
            )
        }
        for body in created:
            stored = rows.get(body["id"])
            assert stored is not None, f"answered 201 but missing: {body}"
            assert stored.email == body["email"] and stored.status == body["status"]
        on_site = [r for r in rows.values() if r.mode == ON_SITE]
        confirmed = sum(r.status == CONFIRMED for r in on_site)
        assert confirmed <= CAPACITY
        if any(r.status == WAITLISTED for r in on_site):
            assert confirmed == CAPACITY, "someone waits while a place is free"
        with_history = set(db.session.scalars(select(RegistrationHistory.registration_id)))
        assert set(rows) <= with_history, "a registration without its history row"
        mailed = set(db.session.scalars(select(OutboxMessage.recipient)))
        assert {r.email for r in rows.values()} <= mailed, "a registration without its mail"
        assert db.session.scalar(select(func.count(Registration.id))) == len(rows)
        db.engine.dispose()
