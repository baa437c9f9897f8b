"""The one networking blueprint; views.py and admin_views.py add their routes to it, and share
the two ways a networking page runs a rule (platform.web.run_rule): for the page's own form,
or for a button posted from another page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint
from flask_wtf import FlaskForm

from eventmgr.networking.forms import ActionForm
from eventmgr.platform.web import run_rule

bp = Blueprint("networking", __name__)


def run(
    action: Callable[[], Any], done: str | Callable[[Any], str], form: FlaskForm | None = None
) -> bool:
    """Run a networking rule (it commits) for a posted form: True with `done` (a message, or
    one made from the rule's result) flashed, or False, rolled back, with what is wrong shown
    on the form or the page."""
    ok, _result = run_rule(action, done, form)
    return ok


def act(
    action: Callable[[], Any], done: str | Callable[[Any], str], form: FlaskForm | None = None
) -> bool:
    """A button (ActionForm, or the small form given) posted from another page, which the
    caller redirects to: `run` once the form is valid, with any errors flashed there."""
    posted = ActionForm() if form is None else form
    return posted.validate_on_submit() and run(action, done)
