"""The one way pages and the API run a domain rule and answer its refusal.

A rule is a service call. It commits its own work (platform/db.py); when it refuses, it raises
a RuleError, and these helpers roll back and show what is wrong: on the form's fields (or as a
flash message) for a page, as the JSON error shape for the API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from flask import abort, flash, request
from flask_smorest import abort as api_abort
from flask_wtf import FlaskForm

from eventmgr.platform.db import rollback
from eventmgr.platform.errors import MAX_ID, RuleError

T = TypeVar("T")


def show_on_form(exc: RuleError, form: FlaskForm | None = None) -> None:
    """Roll back; a rule's 404 stays a 404; each message goes to its form field when the form
    has one, else to the page as a flash message."""
    rollback()
    if exc.status == 404:
        abort(404)
    for name, message in exc.fields.items():
        if form is not None and name in form:
            form[name].errors = [message]
        else:
            flash(message, "error")


def run_rule(
    action: Callable[[], T],
    done: str | Callable[[T], str] = "",
    form: FlaskForm | None = None,
) -> tuple[bool, T | None]:
    """Run a rule for a posted page: (True, result) with `done` flashed (a message, or one made
    from the result), or (False, None) with what is wrong shown on the form or the page."""
    try:
        result = action()
    except RuleError as exc:
        show_on_form(exc, form)
        return False, None
    message = done(result) if callable(done) else done
    if message:
        flash(message, "success")
    return True, result


def refuse(exc: RuleError) -> NoReturn:
    """The API's answer to a refused rule: its status, code and the message of each field."""
    rollback()
    message = "Some fields are invalid." if exc.status == 422 else exc.message
    api_abort(exc.status, message=message, messages={"json": exc.fields}, code=exc.code)


def api_rule(action: Callable[[], T]) -> T:
    """Run a rule for an API request: its result, or the error answer when it refuses."""
    try:
        return action()
    except RuleError as exc:
        refuse(exc)


def int_arg(name: str, default: int = 0, *, minimum: int = 0, maximum: int = MAX_ID) -> int:
    """A whole number from the query string or form, within bounds; anything else (text,
    "1e20", a number past 64 bits) is the default, never a server error."""
    raw = request.values.get(name, "")
    try:
        value = int(raw)
    except ValueError:
        return default
    return value if minimum <= value <= maximum else default


def page_arg(name: str = "page") -> int:
    """A page number of a paged list: 1 when absent or absurd."""
    return int_arg(name, 1, minimum=1, maximum=1_000_000)


def is_ajax() -> Any:
    return request.accept_mimetypes.best == "application/json"
