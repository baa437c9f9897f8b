"""The registration import runs as a background job, so a large file shows its progress."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import force_locale
from flask_babel import gettext as _

from eventmgr.events.models import Event
from eventmgr.jobs.models import Job
from eventmgr.jobs.services import JobFailed, Result, handler
from eventmgr.platform.db import db, rollback
from eventmgr.registration import services
from eventmgr.registration.models import WAITLISTED

IMPORT = "registration.import"
PROGRESS_EVERY = 20


@handler(IMPORT)
def run_import(job: Job, progress: Callable[[int, int], None]) -> Result:
    """Register each checked row; one that registered meanwhile is skipped, not doubled."""
    event = db.session.get(Event, job.event_id)
    if event is None:
        raise JobFailed("The event no longer exists.")
    rows, actor = job.params["rows"], job.params["actor"]
    added = waiting = skipped = 0
    for number, row in enumerate(rows, 1):
        try:
            outcome = services.register(event, row, actor=actor, public=False)
        except services.AlreadyRegistered:
            rollback()
            skipped += 1
        else:
            added += 1
            waiting += outcome.registration.status == WAITLISTED
        if number % PROGRESS_EVERY == 0 or number == len(rows):
            progress(number, len(rows))
    with force_locale(job.params.get("locale", "en")):
        message = _("%(n)d registrations imported (%(w)d on the waiting list).", n=added, w=waiting)
        if skipped:
            message += " " + _("%(n)d skipped: registered meanwhile.", n=skipped)
    return Result(message=message)


@handler(services.PROOF_DUE)
def run_proof_due(job: Job, progress: Callable[[int, int], None]) -> Result:
    """The time to prove an address is up (scheduled at registration)."""
    services.proof_due(job.params["registration_id"])
    return Result()
