"""The JSON API under /api/v1: bearer tokens, one error shape, OpenAPI from the schemas."""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, render_template, request
from flask_smorest import Api
from marshmallow import Schema, fields
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from eventmgr.db import db
from eventmgr.extensions import csrf

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


def is_api_request() -> bool:
    return request.path.startswith("/api/")


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


def _field_messages(messages: dict) -> dict[str, str]:
    """Flatten webargs' {"json": {"field": ["msg"]}} into {"field": "msg"}."""
    fields: dict[str, str] = {}
    for location_errors in messages.values():
        if not isinstance(location_errors, dict):
            fields["_body"] = " ".join(map(str, location_errors))
            continue
        for name, errors in location_errors.items():
            fields[str(name)] = _flatten(errors)
    return fields


def _flatten(errors) -> str:
    if isinstance(errors, dict):
        return "; ".join(f"{k}: {_flatten(v)}" for k, v in errors.items())
    if isinstance(errors, list | tuple):
        return " ".join(_flatten(e) for e in errors)
    return str(errors)


class ErrorDetail(Schema):
    code = fields.String(required=True, metadata={"enum": sorted(set(ERROR_CODES.values()))})
    message = fields.String(required=True)
    field_messages = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        data_key="fields",
        metadata={"description": "What is wrong with each named field"},
    )


class Error(Schema):
    """The one error shape, documented for every operation (flask-smorest's default error)."""

    error = fields.Nested(ErrorDetail, required=True)


class EventApi(Api):
    """flask-smorest's Api, answering with our error shape, and HTML outside /api/."""

    ERROR_SCHEMA = Error

    def handle_http_exception(self, error: HTTPException):
        status = error.code or 500
        if not is_api_request():
            return render_error_page(status, error.description)
        data = getattr(error, "data", None) or {}
        fields = _field_messages(data.get("messages", {})) if "messages" in data else {}
        message = data.get("message") or error.description or error.name
        if status == 413:  # say what the bound is, so the client can send less
            mb = (current_app.config["MAX_CONTENT_LENGTH"] or 0) // 1048576
            message = f"The request is larger than {mb} MB; send a smaller body or file."
        if status == 422 and fields and not data.get("message"):
            message = "Some fields are invalid."
        return api_error(status, message, fields)


def render_error_page(status: int, description: str | None = None):
    return render_template("errors/error.html", status=status, description=description), status


MAX_ID = 2**63 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in API paths: a number beyond what the database stores names nothing (404),
    instead of failing in the database driver."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits, min, max, signed)


def _id_parameter(converter: IdConverter) -> dict:
    return {"type": "integer", "minimum": converter.min or 0, "maximum": converter.max}


def _unexpected_error(error: Exception):
    """No traceback ever leaves the server; the log keeps it."""
    db.session.rollback()
    if isinstance(error, DataError | OverflowError) and is_api_request():
        # A number or date the database cannot hold (an id beyond 64 bits in a body, a year
        # 10000): bad input, not a server fault.
        log.info("value out of range on %s: %s", request.path, error)
        return api_error(422, "A value is out of the range this server can store.")
    if isinstance(error, OperationalError):
        log.warning("database unavailable: %s", error)
        if is_api_request():
            return api_error(503, "The database is unavailable; try again in a moment.")
        return render_error_page(503)
    log.exception("unhandled error on %s", request.path)
    if is_api_request():
        return api_error(500, "Something went wrong on our side.")
    return render_error_page(500)


def init_api(app: Flask) -> None:
    """One Api per application, so that tests may build several apps in one process."""
    from eventmgr.api import checkins, events, networking, programme, registrations

    app.url_map.converters["int"] = IdConverter  # for the API routes registered below
    api = EventApi(app)
    api.register_converter(IdConverter, _id_parameter)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "flask users token"}
    )
    for module in (events, programme, registrations, networking, checkins):
        api.register_blueprint(module.blp, url_prefix="/api/v1")
        csrf.exempt(module.blp)  # bearer tokens, never cookies: no CSRF to guard against
    app.register_error_handler(Exception, _unexpected_error)
