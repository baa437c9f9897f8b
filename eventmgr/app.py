"""The application factory: configuration, extensions, error handlers, then every domain.

The only module that knows every domain: it registers their blueprints, job handlers and
signal listeners, so that every process (web, `flask jobs work`, a command) has them all.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from flask_babel import get_locale

from eventmgr.platform.config import ROOT, from_environment


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; `config` overrides the environment (tests use it)."""
    instance_path = Path((config or {}).get("INSTANCE_PATH", ROOT / "instance"))
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(from_environment(instance_path))
    if config:
        app.config.update(config)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING").upper())
    _init_platform(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_jobs()
    _register_listeners()
    return app


def _init_platform(app: Flask) -> None:
    """Extensions, then the error handlers and id converter, before any blueprint."""
    from eventmgr import models  # noqa: F401 - every table is known to metadata
    from eventmgr.platform.db import create_private_sqlite_file
    from eventmgr.platform.delivery import init_delivery
    from eventmgr.platform.errors import init_errors
    from eventmgr.platform.extensions import babel, csrf, db, limiter, login_manager, migrate
    from eventmgr.platform.i18n import register_filters, select_locale
    from eventmgr.platform.nav import inject_menu
    from eventmgr.platform.security import init_security

    create_private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    login_manager.user_loader(_load_user)
    init_errors(app)
    register_filters(app)
    init_security(app)
    init_delivery(app)
    app.context_processor(inject_menu)
    app.context_processor(_template_globals)


def _load_user(user_id: str):
    from eventmgr.accounts.services import user_for_session

    return user_for_session(user_id)


def _template_globals() -> dict[str, Any]:
    return {"languages": current_app.config["LANGUAGES"], "current_locale": str(get_locale())}


def _register_blueprints(app: Flask) -> None:
    from eventmgr.accounts.views import bp as accounts_bp
    from eventmgr.admin.views import bp as admin_bp
    from eventmgr.api import init_api
    from eventmgr.badges.views import bp as badges_bp
    from eventmgr.calendar.views import bp as calendar_bp
    from eventmgr.checkin.views import bp as checkin_bp
    from eventmgr.digital.views import bp as digital_bp
    from eventmgr.events.views import bp as events_bp
    from eventmgr.jobs.views import bp as jobs_bp
    from eventmgr.mail.views import bp as mail_bp
    from eventmgr.messages.views import bp as messages_bp
    from eventmgr.networking.views import bp as networking_bp
    from eventmgr.pages.views import bp as pages_bp
    from eventmgr.programme.views import bp as programme_bp
    from eventmgr.registration.admin_views import bp as registration_admin_bp
    from eventmgr.registration.views import bp as registration_bp
    from eventmgr.sponsors.views import bp as sponsors_bp

    for blueprint in (
        pages_bp,
        accounts_bp,
        admin_bp,
        events_bp,
        mail_bp,
        checkin_bp,
        networking_bp,
        programme_bp,
        registration_bp,
        registration_admin_bp,
        jobs_bp,
        badges_bp,
        calendar_bp,
        digital_bp,
        sponsors_bp,
        messages_bp,
    ):
        app.register_blueprint(blueprint)
    init_api(app)
    if os.environ.get("EVENTMGR_BENCH_HELLO") == "1":
        _register_bench_hello(app)


def _register_bench_hello(app: Flask) -> None:
    """A bare "hello" for bench/bench_checkin.py to compare with, on the same server and app
    (same hooks and headers); present only when the benchmark sets EVENTMGR_BENCH_HELLO=1."""
    from eventmgr.platform.access import public

    app.add_url_rule("/bench/hello", "bench_hello", public(lambda: "hello"))


def _register_jobs() -> None:
    """Each domain's job handlers, so that any process (web or `flask jobs work`) can run them."""
    from eventmgr.badges import jobs as badge_jobs  # noqa: F401
    from eventmgr.messages import jobs as message_jobs  # noqa: F401
    from eventmgr.networking import jobs as networking_jobs  # noqa: F401
    from eventmgr.registration import jobs  # noqa: F401


def _register_listeners() -> None:
    """Each domain's reactions to the others' signals (platform/signals.py)."""
    from eventmgr.calendar import listeners as calendar  # noqa: F401
    from eventmgr.checkin import listeners as checkin  # noqa: F401
    from eventmgr.digital import listeners as digital  # noqa: F401
    from eventmgr.messages import listeners as messages  # noqa: F401
    from eventmgr.networking import listeners as networking  # noqa: F401
    from eventmgr.programme import listeners as programme  # noqa: F401
    from eventmgr.registration import listeners as registration  # noqa: F401
    from eventmgr.sponsors import listeners as sponsors  # noqa: F401


def _register_cli(app: Flask) -> None:
    from eventmgr.cli import register

    register(app)
