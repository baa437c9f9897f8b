"""Queue, claim and run jobs.

A job is claimed with one conditional UPDATE, so among several instances (or a web process and
`flask jobs work`) exactly one runs it. A running job beats a heartbeat; one whose heartbeat is
older than STALE_AFTER was cut off by a dying process and is claimed again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import delete, insert, or_, select, update

from eventmgr.accounts.models import User
from eventmgr.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job
from eventmgr.platform.db import begin_write, commit, db, rollback, utcnow
from eventmgr.platform.redact import Redactor

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(seconds=60)
MAX_ATTEMPTS = 3


@dataclass
class Result:
    """What a handler returns: a file to offer for download, and/or a message to show."""

    message: str = ""
    content: bytes | None = None
    filename: str = ""
    mimetype: str = "application/octet-stream"


class JobFailed(Exception):
    """Raised by a handler to end the job with a message for the user (not a crash)."""


Handler = Callable[[Job, Callable[[int, int], None]], Result]
HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that runs jobs of this kind: fn(job, progress) -> Result."""

    def decorate(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return decorate


def enqueue(kind: str, params: dict[str, Any], *, owner=None, event=None, total: int = 0) -> Job:
    """Store the job and commit; then start it in this process unless a worker is configured."""
    if kind not in HANDLERS:
        raise KeyError(f"no handler for job kind {kind!r}")
    job = Job(
        kind=kind,
        params=params,
        owner_id=getattr(owner, "id", None),
        event_id=getattr(event, "id", None),
        total=total,
    )
    db.session.add(job)
    commit()
    if current_app.config.get("JOBS_IN_PROCESS", True):
        start_thread(current_app._get_current_object())
    return job


def schedule(kind: str, params: dict[str, Any], due_at: datetime, *, key: str, event=None) -> Job:
    """A job that runs at `due_at`, once per `key`, in the caller's transaction: scheduling the
    same key again moves the waiting job (an event moved, a message's time changed). A job
    that already ran is left alone. Workers (`flask jobs work --loop`) pick it up when due."""
    if kind not in HANDLERS:
        raise KeyError(f"no handler for job kind {kind!r}")
    job = db.session.scalar(select(Job).where(Job.key == key))
    if job is None:
        job = Job(kind=kind, key=key, event_id=getattr(event, "id", None))
        db.session.add(job)
    elif job.status != QUEUED:
        return job
    job.params, job.due_at = params, due_at
    return job


def schedule_new(
    kind: str, params: dict[str, Any], due_at: datetime, *, key: str, event_id: int | None
) -> None:
    """`schedule` for a key nobody used yet (one of a row made in this transaction): one
    INSERT, no lookup, on the hot path of a registration surge. The unique key refuses a
    second one."""
    if kind not in HANDLERS:
        raise KeyError(f"no handler for job kind {kind!r}")
    db.session.execute(
        insert(Job.__table__).values(
            kind=kind, key=key, params=params, due_at=due_at, event_id=event_id
        )
    )


def unschedule(key: str) -> None:
    """Drop a waiting job (a reminder turned off); one that ran or runs stays."""
    db.session.execute(delete(Job).where(Job.key == key, Job.status == QUEUED))


def start_thread(app: Flask) -> threading.Thread:
    thread = threading.Thread(target=_work_in_thread, args=(app,), daemon=True)
    thread.start()
    return thread


def _work_in_thread(app: Flask) -> None:
    with app.app_context():
        try:
            work()
        finally:
            db.session.remove()


def work(limit: int = 100) -> int:
    """Run claimable jobs until none is left; returns how many ran (`flask jobs work`)."""
    ran = 0
    while ran < limit:
        job = claim_next()
        if job is None:
            break
        run(job)
        ran += 1
    return ran


def claim_next() -> Job | None:
    """Take the oldest queued job, or a running one whose process died."""
    now = utcnow()
    stale = now - STALE_AFTER
    due = Job.due_at.is_(None) | (Job.due_at <= now)
    died = (Job.status == RUNNING) & (Job.heartbeat_at < stale)
    claimable = or_((Job.status == QUEUED) & due, died)
    # A read, then a write: on SQLite the transaction takes the write lock first, or a writer
    # in between (another process, a request) makes the upgrade fail at once.
    begin_write(db.session)
    candidates = db.session.scalars(
        select(Job.id).where(claimable).order_by(Job.id).limit(10)
    ).all()
    for job_id in candidates:
        claimed = db.session.execute(
            update(Job)
            .where(Job.id == job_id)
            .where(claimable)
            .values(status=RUNNING, heartbeat_at=utcnow(), attempts=Job.attempts + 1)
        )
        if claimed.rowcount == 1:
            commit()
            return db.session.get(Job, job_id)
    commit()
    return None


def run(job: Job) -> None:
    """Run one claimed job to its end; a crash is recorded, never raised into the worker."""
    if job.attempts > MAX_ATTEMPTS:
        _finish(job, FAILED, "Stopped after repeated interruptions.")
        return
    fn = HANDLERS.get(job.kind)
    if fn is None:
        _finish(job, FAILED, f"Unknown job kind {job.kind}.")
        return
    g.acting_user = db.session.get(User, job.owner_id) if job.owner_id else None
    try:
        result = fn(job, lambda done, total: _progress(job.id, done, total))
    except JobFailed as exc:
        rollback()
        _finish(db.session.get(Job, job.id), FAILED, str(exc))
        return
    except Exception:
        log.exception("job %s (%s) failed", job.id, job.kind)
        rollback()
        _finish(db.session.get(Job, job.id), FAILED, "The job failed; the log has the details.")
        return
    commit()  # the handler's own work, before the job's end state
    _finish(db.session.get(Job, job.id), DONE, result.message, result)


def _progress(job_id: int, done: int, total: int) -> None:
    """Store progress and the heartbeat on a connection of its own, outside the handler's work."""
    with db.engine.begin() as conn:
        conn.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(done=done, total=total, heartbeat_at=utcnow())
        )


def _finish(job: Job, status: str, message: str, result: Result | None = None) -> None:
    """Write the end state in a write transaction of its own (progress wrote meanwhile)."""
    begin_write(db.session)
    if result is not None:
        job.result = result.content
        job.result_name = result.filename
        job.result_type = result.mimetype
    job.status = status
    job.message = message
    job.finished_at = utcnow()
    if status == DONE:
        job.done = job.total = max(job.total, job.done)
    commit()


def job_for(job_id: int, user) -> Job | None:
    """A job its owner (or an administrator) may see."""
    job = db.session.get(Job, job_id)
    if job is None or not (user.is_admin or job.owner_id == user.id):
        return None
    return job


def redact_finished(event_id: int | None, redactor: Redactor) -> int:
    """Erasure, in the caller's transaction: finished jobs of the event lose the person's values
    in their parameters (an import's rows), and their files (a badge PDF may show the person;
    the organiser makes a new one). Queued and running jobs still need theirs. Returns how
    many jobs changed."""
    query = select(Job).where(Job.status.in_((DONE, FAILED)))
    query = query.where(Job.event_id == event_id) if event_id is not None else query
    changed = 0
    for job in db.session.scalars(query):
        params = redactor(job.params or {})
        if params != job.params:
            job.params = params
            changed += 1
        if job.result_name:  # the page then offers no download
            job.result = None
            job.result_name = ""
            changed += 1
    return changed
