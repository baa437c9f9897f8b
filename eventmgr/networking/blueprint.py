"""The one networking blueprint; views.py and admin_views.py add their routes to it, and share
the few steps every networking page takes: find the event, run a rule, say how it went."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash
from flask_wtf import FlaskForm

from eventmgr.access import event_for_slug
from eventmgr.db import db
from eventmgr.events.models import Event
from eventmgr.mail.services import deliver_pending
from eventmgr.networking.forms import ActionForm
from eventmgr.networking.services import NetworkingError

bp = Blueprint("networking", __name__)


def event_or_404(slug: str) -> Event:
    event = event_for_slug(slug)
    if event is None:
        abort(404)
    return event


def commit() -> None:
    """Commit, then send the mail the change queued (never mail for a rolled-back change)."""
    db.session.commit()
    deliver_pending()


def flash_errors(exc: NetworkingError, form: FlaskForm | None = None) -> None:
    """Roll back; a 404 stays a 404; each message goes to its form field, else to the page."""
    db.session.rollback()
    if exc.status == 404:
        abort(404)
    for name, message in exc.fields.items():
        if form is not None and name in form:
            form[name].errors = [message]
        else:
            flash(message, "error")


def run(
    action: Callable[[], Any], done: str | Callable[[Any], str], form: FlaskForm | None = None
) -> bool:
    """Run a networking rule for a posted form: committed with `done` (a message, or one made
    from the rule's result) flashed, or rolled back with what is wrong shown. True when done."""
    try:
        result = action()
    except NetworkingError as exc:
        flash_errors(exc, form)
        return False
    commit()
    flash(done(result) if callable(done) else done, "success")
    return True


def act(
    action: Callable[[], Any], done: str | Callable[[Any], str], form: FlaskForm | None = None
) -> bool:
    """A button (ActionForm, or the small form given) posted from another page, which the
    caller redirects to: `run` once the form is valid, with any errors flashed there."""
    posted = ActionForm() if form is None else form
    return posted.validate_on_submit() and run(action, done)
