"""The public event page and the organiser's event pages."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventmgr.access import event_for_slug, public, roles_required
from eventmgr.db import db
from eventmgr.events import services
from eventmgr.events.forms import EventForm
from eventmgr.mail.services import deliver_pending
from eventmgr.roles import Role

bp = Blueprint("events", __name__)


@bp.route("/events/<slug>")
@public
def event_home(slug: str):
    event = event_for_slug(slug)
    if not services.may_see(event, current_user):
        abort(404)
    from eventmgr.programme.services import public_programme

    return render_template("events/home.html", event=event, programme=public_programme(event))


@bp.route("/manage/events")
@roles_required(Role.ORGANISER)
def manage_list():
    events = services.events_with_role(current_user, Role.ORGANISER)
    return render_template("manage/events.html", events=events)


@bp.route("/manage/events/new", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def manage_new():
    form = EventForm()
    if form.validate_on_submit():
        return _save(form, None)
    return render_template("manage/event_form.html", form=form, event=None)


@bp.route("/manage/events/<slug>/edit", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def manage_edit(slug: str):
    event = event_for_slug(slug)
    if event is None:
        abort(404)
    form = EventForm(obj=event)
    if not form.is_submitted():
        form.starts_at.data = event.local(event.starts_at).replace(tzinfo=None)
        form.ends_at.data = event.local(event.ends_at).replace(tzinfo=None)
    if form.validate_on_submit():
        return _save(form, event)
    return render_template("manage/event_form.html", form=form, event=event)


def _save(form: EventForm, event):
    """Create or update through the service; its errors land on the form's fields."""
    data = form.event_data()
    try:
        if event is None:
            event = services.create_event(data, current_user)
        else:
            services.update_event(event, data)
    except services.EventError as exc:
        db.session.rollback()
        for name, message in exc.fields.items():
            getattr(form, name).errors.append(message)
        return render_template("manage/event_form.html", form=form, event=event), 422
    db.session.commit()
    deliver_pending()
    flash(_("The event is saved."), "success")
    return redirect(url_for("events.manage_list"))
