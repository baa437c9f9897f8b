"""The organiser's registration pages: list, add, edit, actions, history, CSV in and out."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from eventmgr.events.models import Event
from eventmgr.events.web import event_or_404
from eventmgr.jobs.services import enqueue
from eventmgr.platform.access import roles_required
from eventmgr.platform.csvfile import csv_response
from eventmgr.platform.forms import CsvImportForm
from eventmgr.platform.roles import Role
from eventmgr.platform.web import page_arg, run_rule
from eventmgr.registration import csvio, queries, services
from eventmgr.registration.forms import (
    ActionForm,
    OrganiserForm,
    answers_on_form,
    category_choices,
    question_choices,
    with_questions,
)
from eventmgr.registration.jobs import IMPORT
from eventmgr.registration.models import MODES, STATUSES, Registration

bp = Blueprint("registration_admin", __name__, url_prefix="/manage/events/<slug>/registrations")


def _registration(slug: str, registration_id: int) -> Registration:
    registration = services.registration_of(event_or_404(slug), registration_id)
    if registration is None:
        abort(404)
    return registration


def _actor() -> str:
    return f"organiser {current_user.email}"


def _filters(event: Event) -> dict:
    """The list's filters as the URL gives them; an answer to a question is `a.<key>`."""
    args = request.args
    found = {
        "q": args.get("q", "")[:200],
        "mode": args.get("mode") if args.get("mode") in MODES else None,
        "status": args.get("status") if args.get("status") in STATUSES else None,
        "category": args.get("category") if args.get("category") in event.category_keys else None,
        "checked_in": args.get("checked_in") if args.get("checked_in") in ("yes", "no") else None,
    }
    for question in event.questions or ():
        if value := args.get(f"a.{question['key']}", "")[:200]:
            found[f"a.{question['key']}"] = value
    return found


def _query(filters: dict) -> dict:
    """The filters as the queries take them: answers as {key: value}."""
    answers = {k[2:]: v for k, v in filters.items() if k.startswith("a.")}
    rest = {k: v for k, v in filters.items() if not k.startswith("a.")}
    return rest | ({"answers": answers} if answers else {})


@bp.route("")
@roles_required(Role.ORGANISER)
def index(slug: str):
    event = event_or_404(slug)
    filters = _filters(event)
    sort = request.args.get("sort", "created")
    page = queries.search(event, **_query(filters), sort=sort, page=page_arg(), per_page=50)
    return render_template(
        "registration/admin_list.html",
        event=event,
        page=page,
        filters=filters,
        sort=sort,
        sorts=queries.SORTS,
        categories=category_choices(event),
        question_choices=question_choices,
        action_form=ActionForm(),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def new(slug: str):
    event = event_or_404(slug)
    form = with_questions(OrganiserForm, event, mark_required=False)().for_event(event)
    if form.validate_on_submit():
        data = form.details() | {"mode": form.mode.data, "role": form.role.data}
        try:
            done, outcome = run_rule(
                answers_on_form(
                    lambda: services.register(event, data, actor=_actor(), public=False)
                ),
                lambda outcome: _("Registered: %(status)s.", status=outcome.registration.status),
                form,
            )
        except services.AlreadyRegistered:
            form.email.errors = [_("This address is registered already; its link was re-sent.")]
        else:
            if done:
                return redirect(url_for("registration_admin.index", slug=slug))
    return render_template(
        "registration/admin_form.html", event=event, form=form, registration=None
    ), (422 if form.is_submitted() else 200)


@bp.route("/<int:registration_id>", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def edit(slug: str, registration_id: int):
    registration = _registration(slug, registration_id)
    event = registration.event
    form = with_questions(OrganiserForm, event, mark_required=False)(obj=registration)
    form.for_event(event, registration.category, registration.answers)
    if form.validate_on_submit():
        data = form.details() | {"role": form.role.data}

        def save() -> None:
            services.update_details(registration, data, _actor())
            if form.mode.data != registration.mode:
                services.switch_mode(registration, form.mode.data, _actor(), join_waitlist=True)

        if run_rule(answers_on_form(save), _("Saved."), form)[0]:
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


def _action(slug: str, registration_id: int, action, done: str) -> Response:
    registration = _registration(slug, registration_id)
    if ActionForm().validate_on_submit():
        run_rule(lambda: action(registration, _actor()), done)
    target = request.form.get("next") or ""
    if not target.startswith("/manage/"):
        target = url_for("registration_admin.edit", slug=slug, registration_id=registration_id)
    return redirect(target)


@bp.route("/<int:registration_id>/cancel", methods=["POST"])
@roles_required(Role.ORGANISER)
def cancel(slug: str, registration_id: int):
    return _action(slug, registration_id, services.cancel, _("Cancelled."))


@bp.route("/<int:registration_id>/promote", methods=["POST"])
@roles_required(Role.ORGANISER)
def promote(slug: str, registration_id: int):
    return _action(slug, registration_id, services.promote, _("Promoted from the waiting list."))


@bp.route("/<int:registration_id>/resend", methods=["POST"])
@roles_required(Role.ORGANISER)
def resend(slug: str, registration_id: int):
    done = _("The confirmation is sent again with a new link.")
    return _action(slug, registration_id, services.resend, done)


@bp.route("/<int:registration_id>/erase", methods=["POST"])
@roles_required(Role.ORGANISER)
def erase(slug: str, registration_id: int):
    return _action(slug, registration_id, services.erase, _("Personal data erased."))


@bp.route("/<int:registration_id>/reissue-badge", methods=["POST"])
@roles_required(Role.ORGANISER)
def reissue_badge(slug: str, registration_id: int):
    done = _("New badge issued; the old badge is refused at the door as revoked.")
    return _action(slug, registration_id, services.reissue_badge, done)


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
    event = event_or_404(slug)
    rows = list(queries.all_rows(event, **_query(_filters(event))))
    return csv_response(
        f"{slug}-registrations.csv", csvio.columns(event), csvio.export_rows(event, rows)
    )


@bp.route("/import", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def import_csv(slug: str):
    event = event_or_404(slug)
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
