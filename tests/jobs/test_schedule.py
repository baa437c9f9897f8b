"""Scheduled work (reminders, messages sent later) is a job with a due time in the one queue:
a worker runs it once it is due, once per key, and scheduling again moves it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from eventmgr.jobs import services as jobs
from eventmgr.jobs.models import DONE, QUEUED, Job
from eventmgr.platform.db import commit, db, utcnow

RAN: list[str] = []


@jobs.handler("test.remind")
def _remind(job, progress):
    RAN.append(job.params["who"])
    return jobs.Result(message="reminded")


def _work(app) -> str:
    return app.test_cli_runner().invoke(args=["jobs", "work"]).output


def _job(app, key: str) -> Job:
    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.key == key))
        db.session.expunge(job)
        return job


def test_a_job_waits_until_it_is_due_and_runs_once(app):
    RAN.clear()
    with app.app_context():
        jobs.schedule("test.remind", {"who": "kari"}, utcnow() + timedelta(hours=1), key="r:1")
        commit()
    assert "job(s) run" not in _work(app)
    assert (_job(app, "r:1").status, RAN) == (QUEUED, [])
    with app.app_context():  # the day has come
        jobs.schedule("test.remind", {"who": "kari"}, utcnow() - timedelta(seconds=1), key="r:1")
        commit()
    assert "1 job(s) run" in _work(app)
    assert (_job(app, "r:1").status, RAN) == (DONE, ["kari"])
    assert "job(s) run" not in _work(app)  # never twice
    assert RAN == ["kari"]


def test_scheduling_a_key_again_moves_the_job_and_a_ran_one_stays(app):
    RAN.clear()
    later = utcnow() + timedelta(days=1)
    with app.app_context():
        job = jobs.schedule("test.remind", {"who": "ola"}, later, key="r:2")
        commit()
        first = job.id
        again = jobs.schedule("test.remind", {"who": "ola"}, later + timedelta(hours=2), key="r:2")
        commit()
        assert again.id == first
        assert again.due_at == later + timedelta(hours=2)
        assert db.session.scalar(select(Job.id).where(Job.key == "r:2")) == first
        jobs.unschedule("r:2")
        commit()
        assert db.session.scalar(select(Job.id).where(Job.key == "r:2")) is None
        jobs.schedule("test.remind", {"who": "ola"}, utcnow(), key="r:3")
        commit()
    _work(app)
    with app.app_context():
        done = jobs.schedule("test.remind", {"who": "ola"}, later, key="r:3")
        commit()
        assert (done.status, RAN) == (DONE, ["ola"])
