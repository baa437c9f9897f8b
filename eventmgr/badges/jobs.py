"""The bulk badge export runs as a background job, so the organiser sees it progress."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from eventmgr.badges import services
from eventmgr.badges.services import EXPORT_JOB, BadgeError, BadgeFilter
from eventmgr.events.models import Event
from eventmgr.jobs.models import Job
from eventmgr.jobs.services import JobFailed, Result, handler
from eventmgr.platform.db import db


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def params_for(fmt: str, flt: BadgeFilter, **extra) -> dict:
    """What the job needs to make the same PDF in any process (JSON-serialisable)."""
    return {
        "format": fmt,
        "role": flt.role,
        "since": flt.since.isoformat() if flt.since else None,
        "changed_since": flt.changed_since.isoformat() if flt.changed_since else None,
        **extra,
    }


@handler(EXPORT_JOB)
def run_export(job: Job, progress: Callable[[int, int], None]) -> Result:
    """Render every matching badge into one PDF, reporting progress as the cards go by."""
    event = db.session.get(Event, job.event_id)
    if event is None:
        raise JobFailed("The event no longer exists.")
    params = job.params
    flt = BadgeFilter(
        role=params.get("role"),
        since=_moment(params.get("since")),
        changed_since=_moment(params.get("changed_since")),
    )
    with force_locale(params.get("locale", "en")):
        try:
            count, pdf = services.export(event, params["format"], flt, progress=progress)
        except BadgeError as exc:
            raise JobFailed(str(exc)) from None
        message = _("%(n)d badges.", n=count)
    return Result(
        message=message,
        content=pdf,
        filename=services.filename(event, params["format"]),
        mimetype="application/pdf",
    )
