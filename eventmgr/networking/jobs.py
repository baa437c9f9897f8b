"""Networking's background work: the digest of mails held back from a flooded inbox."""

from __future__ import annotations

from collections.abc import Callable

from eventmgr.jobs.models import Job
from eventmgr.jobs.services import Result, handler
from eventmgr.networking.mails import DIGEST, send_digest
from eventmgr.platform.db import db
from eventmgr.registration.models import Registration


@handler(DIGEST)
def run_digest(job: Job, progress: Callable[[int, int], None]) -> Result:
    """One mail with everything held for the recipient (scheduled when the first was held)."""
    registration = db.session.get(Registration, job.params.get("registration_id"))
    send_digest(job.params["recipient"], registration)
    return Result()
