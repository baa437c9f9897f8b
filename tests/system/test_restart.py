"""Background work outlives the process that started it: a job whose process was killed is
finished by `flask jobs work`, and mail queued by a web process that is gone is delivered by
`flask mail send` to a real SMTP server. Through the command line, on SQLite and PostgreSQL."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import timedelta

import requests
from sqlalchemy import func, select, update

from eventmgr.app import create_app
from eventmgr.badges.jobs import params_for
from eventmgr.badges.services import EXPORT_JOB, BadgeFilter
from eventmgr.events.models import Event
from eventmgr.jobs.models import DONE, RUNNING, Job
from eventmgr.mail.models import OutboxMessage
from eventmgr.platform.config import ROOT
from eventmgr.platform.db import db, utcnow
from eventmgr.registration.jobs import IMPORT
from eventmgr.registration.models import CONFIRMED, ON_SITE, Registration
from tests.registration.conftest import person
from tests.servers import flask_command, flask_env, serving
from tests.support import smtp_server

ROWS = 400


def _app(url: str, tmp_path):
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"}
    )


def _demo(url: str, tmp_path):
    """The app on the test's copy of the seeded demo (`flask db upgrade`, `flask seed-demo`)."""
    app = _app(url, tmp_path)
    with app.app_context():
        event_id = db.session.scalar(select(Event.id))
    return app, event_id


def _cut_off(app, job_id: int) -> None:
    """Make the job look like its process died a while ago (the heartbeat stopped)."""
    with app.app_context():
        db.session.execute(
            update(Job).where(Job.id == job_id).values(heartbeat_at=utcnow() - timedelta(minutes=5))
        )
        db.session.commit()


def test_a_badge_export_cut_off_by_a_dead_process_is_finished(seeded_url, tmp_path):
    app, event_id = _demo(seeded_url, tmp_path)
    with app.app_context():
        job = Job(
            kind=EXPORT_JOB,
            params=params_for("a4-8xa7", BadgeFilter(), locale="en"),
            event_id=event_id,
            status=RUNNING,  # claimed by a process that then died
            attempts=1,
            done=3,
            total=10,
        )
        db.session.add(job)
        db.session.commit()
        job_id = job.id
        badges = db.session.scalar(
            select(func.count(Registration.id)).where(
                Registration.event_id == event_id,
                Registration.mode == ON_SITE,
                Registration.status == CONFIRMED,
            )
        )
    _cut_off(app, job_id)
    assert "1 job(s) run" in flask_command(seeded_url, "jobs", "work")
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert (job.status, job.message, job.attempts) == (DONE, f"{badges} badges.", 2)
        assert job.result.startswith(b"%PDF") and job.result_name.endswith(".pdf")
        db.engine.dispose()
    assert badges > 0
    assert "job(s) run" not in flask_command(seeded_url, "jobs", "work")  # nothing runs twice


def test_a_csv_import_killed_midway_is_finished_without_doubles(seeded_url, tmp_path):
    app, event_id = _demo(seeded_url, tmp_path)
    rows = [
        {k: v for k, v in person(i).items() if k != "consent"} | {"role": "attendee"}
        for i in range(ROWS)
    ]
    with app.app_context():
        before = db.session.scalar(select(func.count(Registration.id)))
        job = Job(kind=IMPORT, params={"rows": rows, "actor": "test (CSV import)"}, total=ROWS)
        job.event_id = event_id
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "jobs", "work"],
        cwd=ROOT,
        env=flask_env(seeded_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        done = 0
        while done == 0 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.05)
            with app.app_context():
                done = db.session.get(Job, job_id).done
                db.session.remove()
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    with app.app_context():
        killed = db.session.get(Job, job_id)
        imported = db.session.scalar(select(func.count(Registration.id))) - before
        assert killed.status == RUNNING and 0 < imported < ROWS, (killed.status, imported)
    _cut_off(app, job_id)
    assert "1 job(s) run" in flask_command(seeded_url, "jobs", "work")
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job.status == DONE and job.done == ROWS
        assert f"{imported} skipped: registered meanwhile" in job.message, job.message
        emails = list(
            db.session.scalars(
                select(Registration.email).where(Registration.email.like("person%@example.org"))
            )
        )
        assert sorted(emails) == sorted(r["email"] for r in rows)  # each row once
        db.engine.dispose()


def test_mail_queued_by_a_dead_web_process_is_delivered(seeded_url, tmp_path):
    app, _ = _demo(seeded_url, tmp_path)
    with app.app_context():
        slug = db.session.scalar(select(Event.slug))
        queued_before = db.session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.sent_at.is_(None))
        )
    with serving(seeded_url, 2, tmp_path / "gunicorn.log") as (_, base):
        for i in range(3):
            answer = requests.post(
                f"{base}/api/v1/events/{slug}/registrations", json=person(i), timeout=60
            )
            assert answer.status_code == 201, answer.text
    # gunicorn is gone; no SMTP server was configured: the mail waits in the outbox
    with smtp_server() as (port, received):
        smtp = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port)}
        out = flask_command(seeded_url, "mail", "send", **smtp)
        again = flask_command(seeded_url, "mail", "send", **smtp)
    assert f"sent {queued_before + 3} message(s)" in out
    assert "sent 0 message(s)" in again  # delivered once
    recipients = [m["To"] for m in received]
    assert {person(i)["email"] for i in range(3)} <= set(recipients)
    assert len(recipients) == queued_before + 3
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count(OutboxMessage.id)).where(OutboxMessage.sent_at.is_(None))
            )
            == 0
        )
        db.engine.dispose()
