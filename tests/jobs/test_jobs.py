"""Background jobs: progress, results for their owner only, one runner, resumed after a crash."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventmgr.accounts.services import find_user
from eventmgr.jobs import services as jobs
from eventmgr.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job
from eventmgr.platform.db import db, utcnow


@jobs.handler("test.count")
def _count(job, progress):
    for n in range(1, job.params["n"] + 1):
        progress(n, job.params["n"])
    return jobs.Result(message=f"counted {job.params['n']}", content=b"a,b\n", filename="x.csv")


@jobs.handler("test.refuse")
def _refuse(job, progress):
    raise jobs.JobFailed("The file is empty.")


def _wait(app, job_id: int, timeout: float = 10) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            job = db.session.get(Job, job_id)
            if job.status in (DONE, FAILED):
                return job
        time.sleep(0.05)
    raise AssertionError("the job did not end")


def _owner(app, world, role="organiser"):
    with app.app_context():
        return find_user(world["logins"][role][0])


def test_a_job_runs_in_the_background_and_its_owner_downloads_the_result(app, login, world):
    client = login("organiser")
    with app.test_request_context():
        job_id = jobs.enqueue("test.count", {"n": 3}, owner=_owner(app, world)).id
    done = _wait(app, job_id)
    assert (done.status, done.done, done.total, done.message) == (DONE, 3, 3, "counted 3")
    assert client.get(f"/jobs/{job_id}.json").get_json()["percent"] == 100
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "counted 3" in page and 'value="100"' in page
    download = client.get(f"/jobs/{job_id}/result")
    assert download.data == b"a,b\n" and "x.csv" in download.headers["Content-Disposition"]


def test_nobody_else_sees_a_job(app, client, world):
    with app.test_request_context():
        job_id = jobs.enqueue("test.count", {"n": 1}, owner=_owner(app, world)).id
    _wait(app, job_id)
    email, password = world["logins"]["attendee"]
    client.post("/login", data={"email": email, "password": password})
    for url in (f"/jobs/{job_id}", f"/jobs/{job_id}.json", f"/jobs/{job_id}/result"):
        assert client.get(url).status_code == 404


def test_a_refused_job_ends_with_its_message(app, world):
    with app.test_request_context():
        job_id = jobs.enqueue("test.refuse", {}, owner=_owner(app, world)).id
    assert (_wait(app, job_id).status, _wait(app, job_id).message) == (
        FAILED,
        "The file is empty.",
    )


def test_only_one_runner_claims_a_job(app):
    app.config["JOBS_IN_PROCESS"] = False
    try:
        with app.test_request_context():
            jobs.enqueue("test.count", {"n": 1})
            first, second = jobs.claim_next(), jobs.claim_next()
        assert first is not None and second is None
    finally:
        app.config["JOBS_IN_PROCESS"] = True


@pytest.mark.parametrize("status", [QUEUED, RUNNING])
def test_the_worker_command_resumes_what_a_dead_process_left(app, status):
    """A job queued while no worker ran, or cut off mid-way (stale heartbeat), is run by
    `flask jobs work` after a restart."""
    with app.app_context():
        job = Job(kind="test.count", params={"n": 2}, status=status)
        if status == RUNNING:
            job.heartbeat_at = utcnow() - timedelta(minutes=5)
        db.session.add(job)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["jobs", "work"])
    assert result.exit_code == 0, result.output
    assert "1 job(s) run" in result.output
    with app.app_context():
        job = db.session.scalars(select(Job)).one()
        assert (job.status, job.message) == (DONE, "counted 2")


def test_a_running_job_with_a_fresh_heartbeat_is_left_alone(app):
    with app.app_context():
        db.session.add(
            Job(kind="test.count", params={"n": 1}, status=RUNNING, heartbeat_at=utcnow())
        )
        db.session.commit()
        assert jobs.claim_next() is None
