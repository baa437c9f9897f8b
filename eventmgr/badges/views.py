"""The organiser's badge page (choose a format and who, then the PDF is made as a job) and a
registrant's own badge, from their manage link."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from wtforms import SelectChoice

from eventmgr.badges import services
from eventmgr.badges.forms import LAST_RUN, SINCE, ExportForm
from eventmgr.badges.jobs import params_for
from eventmgr.badges.qr import qr_svg
from eventmgr.badges.services import EXPORT_JOB, BadgeError, BadgeFilter
from eventmgr.events.web import event_or_404
from eventmgr.jobs.models import Job
from eventmgr.jobs.services import enqueue
from eventmgr.platform.access import public, roles_required
from eventmgr.platform.db import db
from eventmgr.platform.roles import Role
from eventmgr.registration.links import find_by_token
from eventmgr.registration.services import registration_of

bp = Blueprint("badges", __name__)


@bp.app_context_processor
def _badge_formats() -> dict:
    """The attendee's own page offers the same formats as the organiser's."""

    def badge_format_choices() -> list[SelectChoice]:
        return [SelectChoice(fmt, str(label)) for fmt, label in services.FORMAT_LABELS.items()]

    def badge_qr(registration) -> Markup | None:
        """The badge's QR code to show at the door from a phone (confirmed on-site only)."""
        if not registration.confirmed_on_site:
            return None
        label = _("QR code of the badge of %(name)s", name=registration.name)
        return Markup(qr_svg(registration.badge_code, label))

    return {"badge_format_choices": badge_format_choices, "badge_qr": badge_qr}


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


@bp.route("/manage/events/<slug>/badges", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def index(slug: str):
    event = event_or_404(slug)
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


@bp.route("/r/<token>/badge.pdf")
@public
def registrant_badge(token: str):
    """A confirmed on-site registrant's own badge, from their manage link."""
    registration = find_by_token(token)
    if registration is None or not registration.confirmed_on_site:
        abort(404)
    try:
        fmt = services.check_format(request.args.get("format"))
    except BadgeError as exc:
        return render_template("badges/format_error.html", token=token, message=str(exc)), 400
    return Response(
        services.badge_pdf(registration, fmt),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="badge-{fmt}.pdf"'},
    )


@bp.route("/manage/events/<slug>/registrations/<int:registration_id>/badge.pdf")
@roles_required(Role.ORGANISER)
def registration_badge(slug: str, registration_id: int):
    """One registration's badge, for the organiser (a reprint at the desk)."""
    registration = registration_of(event_or_404(slug), registration_id)
    if registration is None or not registration.confirmed_on_site:
        abort(404)
    return Response(
        services.badge_pdf(registration),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="badge-{registration.id}.pdf"'},
    )
