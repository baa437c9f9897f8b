"""Errors: the rule error every domain raises, the API's one JSON error shape, the error pages,
and the handlers that make sure no traceback ever leaves the server.

`init_errors` runs before any blueprint is registered, so every route (pages and API) has the
same id converter and the same answers.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, render_template, request
from marshmallow import Schema, fields
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from eventmgr.platform.db import db

log = logging.getLogger(__name__)

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}
# Codes of rules that say more than their status (RuleError.code), as the API answers them.
RULE_CODES = (
    "already_staff",
    "invitation_closed",
    "last_organiser",
    "registration_closed",
)


class RuleError(ValueError):
    """Input or an action that breaks a domain rule: `fields` says what is wrong with each
    named field, `status` how HTTP answers it (422 bad input, 409 against the current state,
    404 names nothing), `code` the API's error code when it is more precise than the status's.
    Each domain raises its own subclass; pages and the API answer every one the same way
    (platform/web.py)."""

    status = 422

    def __init__(self, fields: dict[str, str], status: int | None = None, code: str | None = None):
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields
        if status is not None:
            self.status = status
        self.code = code

    @property
    def message(self) -> str:
        """The first thing wrong, for a page that shows one line."""
        return next(iter(self.fields.values()), "")


def is_api_request() -> bool:
    """The API, or a page's script asking for JSON (the door scanner): both get the JSON error
    shape, so that a script tells a refusal (an expired CSRF token, a 403) from no network."""
    if request.path.startswith("/api/"):
        return True
    return request.is_json or request.accept_mimetypes.best == "application/json"


def api_error(status: int, message: str, fields: dict | None = None, code: str | None = None):
    """The one error shape of the API: {"error": {"code", "message", "fields"}}."""
    body = {
        "error": {
            "code": code or ERROR_CODES.get(status, "error"),
            "message": message,
            "fields": fields or {},
        }
    }
    response = jsonify(body)
    response.status_code = status
    return response


def render_error_page(status: int, description: str | None = None, explanation: str = ""):
    """The error page; `explanation` is a translated sentence shown to the reader (werkzeug's
    English `description` is not)."""
    return render_template(
        "errors/error.html", status=status, description=description, explanation=explanation
    ), status


class ErrorDetail(Schema):
    code = fields.String(
        required=True, metadata={"enum": sorted({*ERROR_CODES.values(), *RULE_CODES})}
    )
    message = fields.String(required=True)
    field_messages = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        data_key="fields",
        metadata={"description": "What is wrong with each named field"},
    )


class Error(Schema):
    """The one error shape, documented for every API operation."""

    error = fields.Nested(ErrorDetail, required=True)


def field_messages(messages: dict) -> dict[str, str]:
    """Flatten webargs' {"json": {"field": ["msg"]}} into {"field": "msg"}."""
    found: dict[str, str] = {}
    for location_errors in messages.values():
        if not isinstance(location_errors, dict):
            found["_body"] = " ".join(map(str, location_errors))
            continue
        for name, errors in location_errors.items():
            found[str(name)] = _flatten(errors)
    return found


def _flatten(errors) -> str:
    if isinstance(errors, dict):
        return "; ".join(f"{k}: {_flatten(v)}" for k, v in errors.items())
    if isinstance(errors, list | tuple):
        return " ".join(_flatten(e) for e in errors)
    return str(errors)


def http_error(error: HTTPException):
    """An HTTP error: the JSON shape under /api/, the error page elsewhere."""
    status = error.code or 500
    if not is_api_request():
        return render_error_page(status, error.description)
    data = getattr(error, "data", None) or {}
    named = field_messages(data.get("messages", {})) if "messages" in data else {}
    message = data.get("message") or error.description or error.name
    if status == 413:  # say what the bound is, so the client can send less
        mb = (current_app.config["MAX_CONTENT_LENGTH"] or 0) // 1048576
        message = f"The request is larger than {mb} MB; send a smaller body or file."
    if status == 422 and named and not data.get("message"):
        message = "Some fields are invalid."
    return api_error(status, message, named, data.get("code"))


MAX_ID = 2**63 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every path: a number beyond what the database stores names nothing (404),
    instead of failing in the database driver."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits, min, max, signed)


def _unexpected_error(error: Exception):
    """No traceback ever leaves the server; the log keeps it."""
    db.session.rollback()
    if isinstance(error, DataError | OverflowError):
        # A number or date the database cannot hold (an id beyond 64 bits in a body or a query
        # string, a year 10000): bad input, not a server fault.
        log.info("value out of range on %s: %s", request.path, error)
        if is_api_request():
            return api_error(422, "A value is out of the range this server can store.")
        return render_error_page(400)
    if isinstance(error, OperationalError):
        log.warning("database unavailable: %s", error)
        if is_api_request():
            return api_error(503, "The database is unavailable; try again in a moment.")
        return render_error_page(503)
    log.exception("unhandled error on %s", request.path)
    if is_api_request():
        return api_error(500, "Something went wrong on our side.")
    return render_error_page(500)


def init_errors(app: Flask) -> None:
    """The id converter and the error handlers, for every route registered after this."""
    app.url_map.converters["int"] = IdConverter
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, _unexpected_error)
