"""The organiser's badge page: choose a format and who, then the PDF is made as a job."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from eventmgr.access import event_for_slug, roles_required
from eventmgr.badges import services
from eventmgr.badges.forms import LAST_RUN, SINCE, ExportForm
from eventmgr.badges.jobs import params_for
from eventmgr.badges.services import EXPORT_JOB, BadgeError, BadgeFilter
from eventmgr.db import db
from eventmgr.jobs.models import Job
from eventmgr.jobs.services import enqueue
from eventmgr.roles import Role

bp = Blueprint("badges", __name__, url_prefix="/manage/events/<slug>/badges")


@bp.app_context_processor
def _badge_formats() -> dict:
    """The attendee's own page offers the same formats as the organiser's."""

    def badge_format_choices() -> list[SelectChoice]:
        return [SelectChoice(fmt, str(label)) for fmt, label in services.FORMAT_LABELS.items()]

    return {"badge_format_choices": badge_format_choices}


def _event(slug: str):
    event = event_for_slug(slug)
    if event is None:
        abort(404)
    return event


def _filter(form: ExportForm, event, last_run: Job | None) -> BadgeFilter:
    """The form's choice as a filter; a wrong value is put on its field and raised."""
    role = form.role.data or None
    if form.which.data == SINCE:
        if not (form.since.data or "").strip():
            form.since.errors = [_("Give the date to print from.")]
            raise BadgeError(form.since.errors[0])
        try:
            since = services.parse_since(form.since.data, event)
        except BadgeError as exc:
            form.since.errors = [str(exc)]
            raise
        return BadgeFilter(role=role, since=since)
    if form.which.data == LAST_RUN:
        if last_run is None:
            form.which.errors = [_("There has been no print run yet; choose everyone.")]
            raise BadgeError(form.which.errors[0])
        return BadgeFilter(role=role, changed_since=last_run.created_at)
    return BadgeFilter(role=role)


@bp.route("", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def index(slug: str):
    event = _event(slug)
    form = ExportForm()
    last_run = services.last_print_run(event)
    status = 200
    if form.validate_on_submit():
        try:
            flt = _filter(form, event, last_run)
            matching = services.count(event, flt)
            if matching == 0:
                form.which.errors = [_("Nobody matches: no badges to print.")]
                raise BadgeError(form.which.errors[0])
        except BadgeError:
            status = 422
        else:
            job = enqueue(
                EXPORT_JOB,
                params_for(
                    form.format.data,
                    flt,
                    locale=str(get_locale()),
                    back=url_for("badges.index", slug=slug),
                ),
                owner=current_user,
                event=event,
                total=matching,
            )
            return redirect(url_for("jobs.show", job_id=job.id))
    elif form.is_submitted():
        status = 422
    runs = db.session.scalars(
        select(Job)
        .where(Job.event_id == event.id, Job.kind == EXPORT_JOB)
        .order_by(Job.id.desc())
        .limit(10)
    ).all()
    return render_template(
        "badges/index.html",
        event=event,
        form=form,
        everyone=services.count(event),
        last_run=last_run,
        runs=runs,
        format_labels=services.FORMAT_LABELS,
    ), status
