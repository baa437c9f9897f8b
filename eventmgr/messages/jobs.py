"""A message with a time to go out: the job at `send_at` expands it into the outbox."""

from __future__ import annotations

from collections.abc import Callable

from eventmgr.jobs.models import Job
from eventmgr.jobs.services import Result, handler
from eventmgr.messages import reminders, services


@handler(services.SEND_JOB)
def send_scheduled(job: Job, _progress: Callable[[int, int], None]) -> Result:
    return Result(message=services.run_scheduled(int(job.params["message"])))


@handler(reminders.REMINDER_JOB)
def send_reminder(job: Job, _progress: Callable[[int, int], None]) -> Result:
    params = job.params
    return Result(message=reminders.run(int(params["event"]), params["which"], params.get("due")))
