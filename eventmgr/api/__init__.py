"""The JSON API under /api/v1: bearer tokens, one error shape, OpenAPI from the schemas."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from eventmgr.accounts.services import record_token_use
from eventmgr.platform.errors import Error, IdConverter, http_error
from eventmgr.platform.extensions import csrf


class EventApi(Api):
    """flask-smorest's Api, answering with the platform's error shape (HTML outside /api/)."""

    ERROR_SCHEMA = Error

    def handle_http_exception(self, error):
        return http_error(error)


def _id_parameter(converter: IdConverter) -> dict:
    return {"type": "integer", "minimum": converter.min or 0, "maximum": converter.max}


def init_api(app: Flask) -> None:
    """One Api per application, so that tests may build several apps in one process."""
    from eventmgr.api import (
        checkins,
        digital,
        events,
        messages,
        networking,
        programme,
        registrations,
        sponsors,
        staff,
    )

    api = EventApi(app)
    api.register_converter(IdConverter, _id_parameter)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "flask users token"}
    )
    for module in (
        events,
        staff,
        sponsors,
        programme,
        registrations,
        messages,
        networking,
        checkins,
        digital,
    ):
        api.register_blueprint(module.blp, url_prefix="/api/v1")
        csrf.exempt(module.blp)  # bearer tokens, never cookies: no CSRF to guard against
    app.teardown_request(_record_token_use)


def _record_token_use(_error: BaseException | None) -> None:
    """A token's "last used", written once the request's own work is over."""
    record_token_use()
