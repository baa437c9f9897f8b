"""The organiser's registration pages: list, add, edit, actions, history, CSV in and out."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from eventmgr.access import event_for_slug, roles_required
from eventmgr.core.csvfile import csv_response
from eventmgr.core.forms import CsvImportForm
from eventmgr.db import db
from eventmgr.jobs.services import enqueue
from eventmgr.registration import csvio, documents, queries, services
from eventmgr.registration.forms import ActionForm, OrganiserForm
from eventmgr.registration.jobs import IMPORT
from eventmgr.registration.models import CATEGORIES, MODES, STATUSES, Registration
from eventmgr.roles import Role

bp = Blueprint("registration_admin", __name__, url_prefix="/manage/events/<slug>/registrations")


def _event(slug: str):
    event = event_for_slug(slug)
    if event is None:
        abort(404)
    return event


def _registration(slug: str, registration_id: int) -> Registration:
    event = _event(slug)
    registration = db.session.scalar(
        select(Registration).where(
            Registration.id == registration_id, Registration.event_id == event.id
        )
    )
    if registration is None:
        abort(404)
    return registration


def _actor() -> str:
    return f"organiser {current_user.email}"


def _filters() -> dict:
    args = request.args
    return {
        "q": args.get("q", "")[:200],
        "mode": args.get("mode") if args.get("mode") in MODES else None,
        "status": args.get("status") if args.get("status") in STATUSES else None,
        "category": args.get("category") if args.get("category") in CATEGORIES else None,
        "checked_in": args.get("checked_in") if args.get("checked_in") in ("yes", "no") else None,
    }


@bp.route("")
@roles_required(Role.ORGANISER)
def index(slug: str):
    event = _event(slug)
    filters = _filters()
    sort = request.args.get("sort", "created")
    page_no = max(1, request.args.get("page", 1, type=int) or 1)
    page = queries.search(event, **filters, sort=sort, page=page_no, per_page=50)
    return render_template(
        "registration/admin_list.html",
        event=event,
        page=page,
        filters=filters,
        sort=sort,
        sorts=queries.SORTS,
        categories=CATEGORIES,
        action_form=ActionForm(),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def new(slug: str):
    event = _event(slug)
    form = OrganiserForm()
    if form.validate_on_submit():
        data = form.details() | {"mode": form.mode.data, "role": form.role.data}
        try:
            outcome = services.register(event, data, actor=_actor(), public=False)
        except services.AlreadyRegistered:
            form.email.errors = [_("This address is registered already; its link was re-sent.")]
        except services.RegistrationError as exc:
            db.session.rollback()
            for name, message in exc.fields.items():
                getattr(form, name).errors = [message]
        else:
            flash(_("Registered: %(status)s.", status=outcome.registration.status), "success")
            return redirect(url_for("registration_admin.index", slug=slug))
    return render_template(
        "registration/admin_form.html", event=event, form=form, registration=None
    ), (422 if form.is_submitted() else 200)


@bp.route("/<int:registration_id>", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def edit(slug: str, registration_id: int):
    registration = _registration(slug, registration_id)
    form = OrganiserForm(obj=registration)
    if form.validate_on_submit():
        data = form.details() | {"role": form.role.data}
        try:
            services.update_details(registration, data, _actor())
            if form.mode.data != registration.mode:
                services.switch_mode(registration, form.mode.data, _actor(), join_waitlist=True)
        except services.RegistrationError as exc:
            db.session.rollback()
            for name, message in exc.fields.items():
                getattr(form, name).errors = [message]
        else:
            flash(_("Saved."), "success")
            return redirect(
                url_for("registration_admin.edit", slug=slug, registration_id=registration_id)
            )
    return render_template(
        "registration/admin_form.html",
        event=registration.event,
        form=form,
        registration=registration,
        action_form=ActionForm(),
    ), (422 if form.errors else 200)


def _action(slug: str, registration_id: int, run) -> Response:
    registration = _registration(slug, registration_id)
    if ActionForm().validate_on_submit():
        try:
            run(registration)
        except services.RegistrationError as exc:
            db.session.rollback()
            for message in exc.fields.values():
                flash(message, "error")
    target = request.form.get("next") or ""
    if not target.startswith("/manage/"):
        target = url_for("registration_admin.edit", slug=slug, registration_id=registration_id)
    return redirect(target)


@bp.route("/<int:registration_id>/cancel", methods=["POST"])
@roles_required(Role.ORGANISER)
def cancel(slug: str, registration_id: int):
    def run(registration):
        services.cancel(registration, _actor())
        flash(_("Cancelled."), "success")

    return _action(slug, registration_id, run)


@bp.route("/<int:registration_id>/promote", methods=["POST"])
@roles_required(Role.ORGANISER)
def promote(slug: str, registration_id: int):
    def run(registration):
        services.promote(registration, _actor())
        flash(_("Promoted from the waiting list."), "success")

    return _action(slug, registration_id, run)


@bp.route("/<int:registration_id>/resend", methods=["POST"])
@roles_required(Role.ORGANISER)
def resend(slug: str, registration_id: int):
    def run(registration):
        services.resend(registration, _actor())
        flash(_("The confirmation is sent again with a new link."), "success")

    return _action(slug, registration_id, run)


@bp.route("/<int:registration_id>/erase", methods=["POST"])
@roles_required(Role.ORGANISER)
def erase(slug: str, registration_id: int):
    def run(registration):
        services.erase(registration, _actor())
        flash(_("Personal data erased."), "success")

    return _action(slug, registration_id, run)


@bp.route("/<int:registration_id>/reissue-badge", methods=["POST"])
@roles_required(Role.ORGANISER)
def reissue_badge(slug: str, registration_id: int):
    def run(registration):
        services.reissue_badge(registration, _actor())
        flash(_("New badge issued; the old badge is refused at the door as revoked."), "success")

    return _action(slug, registration_id, run)


@bp.route("/<int:registration_id>/badge.pdf")
@roles_required(Role.ORGANISER)
def badge(slug: str, registration_id: int):
    registration = _registration(slug, registration_id)
    return Response(
        documents.badge_pdf(registration),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="badge-{registration.id}.pdf"'},
    )


@bp.route("/<int:registration_id>/data.json")
@roles_required(Role.ORGANISER)
def data(slug: str, registration_id: int):
    registration = _registration(slug, registration_id)
    return Response(
        json.dumps(registration.personal_data(), ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="registration-{registration.id}.json"'
        },
    )


@bp.route("/export.csv")
@roles_required(Role.ORGANISER)
def export(slug: str):
    event = _event(slug)
    rows = list(queries.all_rows(event, **_filters()))
    return csv_response(f"{slug}-registrations.csv", csvio.COLUMNS, csvio.export_rows(rows))


@bp.route("/import", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def import_csv(slug: str):
    event = _event(slug)
    form = CsvImportForm()
    check = None
    if raw := form.posted_csv():
        check = csvio.check_import(event, raw)
        if check.clean and request.form.get("commit") == "1":
            job = enqueue(
                IMPORT,
                {
                    "rows": check.rows,
                    "actor": _actor() + " (CSV import)",
                    "locale": str(get_locale()),
                    "back": url_for("registration_admin.index", slug=slug),
                },
                owner=current_user,
                event=event,
                total=len(check.rows),
            )
            return redirect(url_for("jobs.show", job_id=job.id))
    return render_template("registration/admin_import.html", event=event, form=form, check=check), (
        422 if check and not check.clean else 200
    )
