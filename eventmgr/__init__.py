"""Event manager: an open-source system for scientific and medical conferences."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; `config` overrides the environment (tests use it)."""
    instance_path = Path((config or {}).get("INSTANCE_PATH", ROOT / "instance"))
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from eventmgr.config import from_environment

    app.config.update(from_environment(instance_path))
    if config:
        app.config.update(config)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING").upper())
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_jobs()
    _register_hooks()
    return app


def _init_extensions(app: Flask) -> None:
    from eventmgr import models  # noqa: F401 - every table is known to metadata
    from eventmgr.core.nav import inject_menu
    from eventmgr.core.security import init_security
    from eventmgr.extensions import babel, csrf, db, limiter, login_manager, migrate
    from eventmgr.i18n import register_filters, select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    login_manager.user_loader(_load_user)
    register_filters(app)
    init_security(app)
    app.context_processor(inject_menu)
    app.context_processor(_template_globals)


def _load_user(user_id: str):
    from eventmgr.accounts.models import User
    from eventmgr.db import db

    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def _template_globals() -> dict[str, Any]:
    from flask import current_app
    from flask_babel import get_locale

    return {"languages": current_app.config["LANGUAGES"], "current_locale": str(get_locale())}


def _register_blueprints(app: Flask) -> None:
    from eventmgr.accounts.admin_views import bp as accounts_admin_bp
    from eventmgr.accounts.views import bp as accounts_bp
    from eventmgr.api import init_api
    from eventmgr.audit.views import bp as audit_bp
    from eventmgr.badges.views import bp as badges_bp
    from eventmgr.calendar.views import bp as calendar_bp
    from eventmgr.checkin.views import bp as checkin_bp
    from eventmgr.core.views import bp as core_bp
    from eventmgr.events.views import bp as events_bp
    from eventmgr.jobs.views import bp as jobs_bp
    from eventmgr.mail.views import bp as mail_bp
    from eventmgr.networking.views import bp as networking_bp
    from eventmgr.programme.views import bp as programme_bp
    from eventmgr.registration.admin_views import bp as registration_admin_bp
    from eventmgr.registration.views import bp as registration_bp

    for blueprint in (
        core_bp,
        accounts_bp,
        accounts_admin_bp,
        events_bp,
        mail_bp,
        checkin_bp,
        networking_bp,
        programme_bp,
        registration_bp,
        registration_admin_bp,
        audit_bp,
        jobs_bp,
        badges_bp,
        calendar_bp,
    ):
        app.register_blueprint(blueprint)
    init_api(app)
    if os.environ.get("EVENTMGR_BENCH_HELLO") == "1":
        _register_bench_hello(app)


def _register_bench_hello(app: Flask) -> None:
    """A bare "hello" for bench/bench_checkin.py to compare with, on the same server and app
    (same hooks and headers); present only when the benchmark sets EVENTMGR_BENCH_HELLO=1."""
    from eventmgr.access import public

    app.add_url_rule("/bench/hello", "bench_hello", public(lambda: "hello"))


def _register_jobs() -> None:
    """Each domain's job handlers, so that any process (web or `flask jobs work`) can run them."""
    from eventmgr.badges import jobs as badge_jobs  # noqa: F401
    from eventmgr.registration import jobs  # noqa: F401


def _register_hooks() -> None:
    """Each domain's hooks into another (agenda entries, erasure listeners, personal data
    sections): registered on import, so imported here for every process, not left to whichever
    blueprint happens to import them."""
    from eventmgr.calendar import privacy as calendar_privacy  # noqa: F401
    from eventmgr.checkin import privacy as checkin_privacy  # noqa: F401
    from eventmgr.networking import agenda, cancellation, privacy  # noqa: F401


def _register_cli(app: Flask) -> None:
    from eventmgr.cli import register

    register(app)
