"""The organiser's message page (write, choose the audience, count, preview, test, send) and
the public unsubscribe link of news (RFC 8058 one-click POST, or a page with a button)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from eventmgr.events.web import event_or_404
from eventmgr.messages import reminders, services
from eventmgr.messages.audience import MessageError
from eventmgr.messages.forms import MessageForm, SettingsForm, form_field
from eventmgr.networking.models import Delegation
from eventmgr.platform.access import public, roles_required
from eventmgr.platform.db import db, rollback
from eventmgr.platform.extensions import csrf
from eventmgr.platform.roles import Role
from eventmgr.platform.web import run_rule
from eventmgr.programme.models import ProgrammeItem

bp = Blueprint("messages", __name__)


def _form(event) -> MessageForm:
    delegations = db.session.scalars(
        select(Delegation).where(Delegation.event_id == event.id).order_by(Delegation.name)
    ).all()
    items = db.session.execute(
        select(ProgrammeItem.id, ProgrammeItem.title)
        .where(ProgrammeItem.event_id == event.id)
        .order_by(ProgrammeItem.starts_at, ProgrammeItem.id)
    ).all()
    return MessageForm().for_event(event, list(delegations), [(i, t) for i, t in items])


def _show_errors(exc: MessageError, form: MessageForm) -> None:
    rollback()
    for name, message in exc.fields.items():
        target = form_field(name)
        if target in form:
            form[target].errors = [*form[target].errors, message]
        else:
            flash(message, "error")


@bp.route("/manage/events/<slug>/messages", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def index(slug: str):
    event = event_or_404(slug)
    form = _form(event)
    shown = None
    status = 200
    if form.validate_on_submit():
        data = form.message(event)
        try:
            if form.send.data:
                message = services.create(event, data, f"organiser {current_user.email}")
            else:
                draft = services.check(event, data)
        except MessageError as exc:
            _show_errors(exc, form)
            status = 422
        else:
            if form.send.data:
                if message.status == "scheduled":
                    flash(_("The message is scheduled."), "success")
                else:
                    flash(
                        _("The message is on its way to %(n)d people.", n=message.recipients),
                        "success",
                    )
                return redirect(url_for("messages.show", slug=slug, message_id=message.id))
            if form.test.data:
                services.send_test(
                    event, draft, current_user.name or current_user.email, current_user.email
                )
                flash(_("A test is on its way to %(email)s.", email=current_user.email), "success")
            shown = {
                "count": services.count(event, draft),
                "matching": services.in_audience(event, draft),
                "preview": services.preview(event, draft),
                "news": draft.kind == "news",
            }
    elif form.is_submitted():
        status = 422
    return render_template(
        "messages/index.html",
        event=event,
        form=form,
        shown=shown,
        messages=[(m, services.progress(m)) for m in services.messages_of(event)],
        placeholders=", ".join(f"{{{name}}}" for name in services.PLACEHOLDERS),
    ), status


@bp.route("/manage/events/<slug>/messages/<int:message_id>", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def show(slug: str, message_id: int):
    event = event_or_404(slug)
    message = services.message_of(event, message_id)
    if message is None:
        abort(404)
    if request.method == "POST":
        cancelled, _result = run_rule(
            lambda: services.cancel(message), _("The message is cancelled.")
        )
        if cancelled:
            return redirect(url_for("messages.index", slug=slug))
        return redirect(url_for("messages.show", slug=slug, message_id=message_id))
    return render_template(
        "messages/show.html",
        event=event,
        message=message,
        progress=services.progress(message),
        failures=services.failures(message),
    )


@bp.route("/news/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail program posts without a session
@public
def unsubscribe(token: str):
    registration = services.registration_to_unsubscribe(token)
    if registration is None:
        abort(404)
    if request.method == "POST":
        services.unsubscribe(registration)
        return render_template("messages/unsubscribed.html", event=registration.event, done=True)
    return render_template(
        "messages/unsubscribed.html", event=registration.event, done=False, token=token
    )


@bp.route("/manage/events/<slug>/messages/settings", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def settings(slug: str):
    event = event_or_404(slug)
    current = reminders.settings_of(event)
    form = SettingsForm(obj=current)
    if form.validate_on_submit():
        reminders.save_settings(event, {name: form[name].data for name in reminders.SETTINGS})
        flash(_("The settings are saved."), "success")
        return redirect(url_for("messages.settings", slug=slug))
    return render_template(
        "messages/settings.html",
        event=event,
        form=form,
        due=reminders.due_times(event, current),
    )
