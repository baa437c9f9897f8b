"""The organiser's event pages: the list of their events, a new event, an event's settings."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventmgr.events import services
from eventmgr.events.forms import EventForm
from eventmgr.events.web import event_or_404
from eventmgr.platform.access import roles_required
from eventmgr.platform.roles import Role
from eventmgr.platform.web import run_rule

bp = Blueprint("events", __name__)


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
    event = event_or_404(slug)
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
    if event is None:
        saved, _event = run_rule(
            lambda: services.create_event(data, current_user), _("The event is saved."), form
        )
    else:
        saved, _event = run_rule(
            lambda: services.update_event(event, data), _("The event is saved."), form
        )
    if not saved:
        return render_template("manage/event_form.html", form=form, event=event), 422
    return redirect(url_for("events.manage_list"))
