"""The public registration page and the registrant's own page behind the manage link."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from eventmgr.events.web import event_or_404
from eventmgr.platform.access import public
from eventmgr.platform.errors import render_error_page
from eventmgr.platform.extensions import limiter
from eventmgr.platform.web import run_rule, show_on_form
from eventmgr.registration import documents, labels, services
from eventmgr.registration.forms import (
    ConfirmForm,
    DetailsForm,
    ModeForm,
    RegisterForm,
    answers_on_form,
    with_questions,
)
from eventmgr.registration.links import find_by_token
from eventmgr.registration.models import CANCELLED, DIGITAL, ON_SITE, Registration

bp = Blueprint("registration", __name__)
bp.add_app_template_global(labels.label, "registration_label")


def registration_rate_limit() -> str:
    return current_app.config.get("REGISTRATION_RATE_LIMIT") or "30 per minute"


def _registration_limit_exempt() -> bool:
    return not current_app.config.get("REGISTRATION_RATE_LIMIT")


@bp.after_request
def _private(response: Response) -> Response:
    """Manage links are secret: never sent on as a referrer, never cached by proxies."""
    if request.path.startswith("/r/"):
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
    return response


def _open_event(slug: str):
    event = event_or_404(slug)
    if not services.open_for_registration(event):
        abort(404)
    return event


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@limiter.limit(registration_rate_limit, methods=["POST"], exempt_when=_registration_limit_exempt)
@public
def register(slug: str):
    event = _open_event(slug)
    closed = services.window_message(event)
    if closed is not None:  # before or after the registration window: say when
        page = render_template("registration/register.html", event=event, closed=closed)
        return page, (409 if request.method == "POST" else 200)
    form = with_questions(RegisterForm, event)().for_event(event)
    onsite_full = not services.has_room(event, ON_SITE)
    if form.validate_on_submit():
        data = form.details() | {"mode": form.mode.data, "consent": form.consent.data}
        try:
            outcome = answers_on_form(
                lambda: services.register(event, data, when_full=form.when_full.data or "waitlist")
            )()
        except services.AlreadyRegistered:
            session["registered"] = {"existing": True}
            return redirect(url_for("registration.registered", slug=slug))
        except services.RegistrationError as exc:
            show_on_form(exc, form)
        else:
            reg = outcome.registration
            session["registered"] = {
                "status": reg.status,
                "mode": reg.mode,
                "position": services.waiting_position(reg),
                "proven": reg.is_proven,
            }
            return redirect(url_for("registration.registered", slug=slug))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "registration/register.html",
        event=event,
        form=form,
        onsite_full=onsite_full,
        digital_full=not services.has_room(event, DIGITAL),
        closed=None,
    ), status


@bp.route("/events/<slug>/registered")
@public
def registered(slug: str):
    event = _open_event(slug)
    result = session.pop("registered", None)
    if result is None:
        return redirect(url_for("registration.register", slug=slug))
    return render_template("registration/registered.html", event=event, result=result)


def _by_token(token: str) -> Registration:
    registration = find_by_token(token)
    if registration is None:
        abort(404)
    return registration


def _actor() -> str:
    return services.ATTENDEE


@bp.route("/r/<token>", methods=["GET", "POST"])
@public
def manage(token: str):
    registration = find_by_token(token)
    if registration is None:
        # a link mailed later (a new address, a registration repeated) replaces the old one
        try:
            opened = services.open_pending(token)
        except services.AddressTaken:  # the link's holder controls that address: say why
            return render_error_page(
                409,
                explanation=_(
                    "This address was registered for the event by someone else before you "
                    "opened the link, so your registration keeps its former address. Use the "
                    "link you had before to choose another."
                ),
            )
        if opened is None:
            abort(404)
        flash(_("Your address is confirmed; this is now your personal link."), "success")
        return redirect(url_for("registration.manage", token=token))
    if not registration.is_proven:  # the link mailed to the address was opened
        registration = services.prove(registration)
    event = registration.event
    form = with_questions(DetailsForm, event)(obj=registration)
    form.for_event(event, registration.category, registration.answers)
    if registration.status != CANCELLED and form.validate_on_submit():
        moving = (form.email.data or "").strip().lower() != registration.email_key
        saved, _result = run_rule(
            answers_on_form(
                lambda: services.update_details(registration, form.details(), _actor())
            ),
            _("Your details are saved.")
            + (
                " "
                + _(
                    "We sent a link to the new address: the change takes effect when it is "
                    "opened. Until then your registration keeps its address."
                )
                if moving
                else ""
            ),
            form,
        )
        if saved:
            return redirect(url_for("registration.manage", token=token))
    mode_form = ModeForm(mode="digital" if registration.mode == ON_SITE else "on_site")
    status = 422 if form.errors else 200
    return render_template(
        "registration/manage.html",
        registration=registration,
        event=registration.event,
        form=form,
        mode_form=mode_form,
        token=token,
        onsite_full=not services.has_room(registration.event, ON_SITE),
        position=services.waiting_position(registration),
    ), status


@bp.route("/r/<token>/mode", methods=["POST"])
@public
def switch_mode(token: str):
    registration = _by_token(token)
    form = ModeForm()
    if form.validate_on_submit():
        switched, outcome = run_rule(
            lambda: services.switch_mode(
                registration, form.mode.data, _actor(), form.join_waitlist.data
            )
        )
        if switched and outcome.registration.status == "waitlisted":
            flash(_("You are now on the waiting list."), "info")
        elif switched:
            flash(_("Your participation is changed."), "success")
    return redirect(url_for("registration.manage", token=token))


def _confirmed_action(token: str, title: str, explanation: str, action) -> Response | str:
    """Run an irreversible action once the attendee ticked the confirmation box."""
    registration = _by_token(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        if form.confirm.data:
            return action(registration)
        form.confirm.errors = [_("Tick the box to confirm.")]
    page = render_template(
        "registration/confirm.html",
        registration=registration,
        form=form,
        token=token,
        title=title,
        explanation=explanation,
    )
    return page, (422 if form.is_submitted() else 200)


@bp.route("/r/<token>/cancel", methods=["GET", "POST"])
@public
def cancel(token: str):
    def do(registration):
        services.cancel(registration, _actor())
        flash(_("Your registration is cancelled."), "success")
        return redirect(url_for("registration.manage", token=token))

    if _by_token(token).status == CANCELLED:
        return redirect(url_for("registration.manage", token=token))
    return _confirmed_action(
        token,
        _("Cancel my registration"),
        _("Your place goes to the next person on the waiting list. This cannot be undone."),
        do,
    )


@bp.route("/r/<token>/erase", methods=["GET", "POST"])
@public
def erase(token: str):
    def do(registration):
        slug = registration.event.slug
        services.erase(registration, _actor())
        flash(_("Your registration is cancelled and your personal data erased."), "success")
        return redirect(url_for("pages.event_home", slug=slug))

    return _confirmed_action(
        token,
        _("Erase my data"),
        _(
            "Your registration is cancelled and your name, address and other details are "
            "removed. Only anonymous counts remain. This cannot be undone."
        ),
        do,
    )


@bp.route("/r/<token>/data.json")
@public
def data(token: str):
    registration = _by_token(token)
    body = json.dumps(registration.personal_data(), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-registration.json"'},
    )


@bp.route("/r/<token>/event.ics")
@public
def calendar(token: str):
    """The event for the registrant's calendar; a cancelled registration is no appointment, so
    there is nothing to add (410: the link worked once and will not again)."""
    registration = _by_token(token)
    if registration.status == CANCELLED:
        page = render_template(
            "registration/no_calendar.html", event=registration.event, token=token
        )
        return page, 410
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "eventmgr"
    return Response(
        documents.event_ics(registration, host),
        mimetype="text/calendar",
        headers={
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{registration.event.slug}.ics"',
        },
    )
