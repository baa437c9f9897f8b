"""Home, the event's public page, the signed-in user's page, the language switch, health."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
)
from flask_login import current_user
from sqlalchemy import select, text

from eventmgr.accounts.services import set_locale
from eventmgr.events.models import Event
from eventmgr.events.services import visible_events
from eventmgr.events.web import event_or_404
from eventmgr.platform.access import login_required, public
from eventmgr.platform.db import db, rollback
from eventmgr.platform.roles import EVENT_ROLES
from eventmgr.programme.services import public_programme

bp = Blueprint("pages", __name__)


@bp.route("/")
@public
def home():
    return render_template("pages/home.html", events=visible_events(current_user))


@bp.route("/favicon.ico")
@public
def favicon():
    """Browsers ask for /favicon.ico whatever the page says: the same icon, cached a day."""
    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/x-icon", max_age=86400
    )


@bp.route("/events/<slug>")
@public
def event_home(slug: str):
    event = event_or_404(slug)
    return render_template("pages/event.html", event=event, programme=public_programme(event))


@bp.route("/dashboard")
@login_required
def dashboard():
    """What the signed-in user can do, role by role, with the events each role is for."""
    event_roles = [a for a in current_user.roles if a.role in EVENT_ROLES]
    ids = {a.event_id for a in event_roles}
    events = {e.id: e for e in db.session.scalars(select(Event).where(Event.id.in_(ids)))}
    return render_template("pages/dashboard.html", event_roles=event_roles, events=events)


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """Remember the chosen language in the session (and on the account when signed in)."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            set_locale(current_user, lang)
    target = request.form.get("next", "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    return redirect(target)


@bp.route("/healthz")
@public
def healthz():
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        rollback()
        return jsonify(status="unavailable", database=False), 503
    return jsonify(status="ok", database=True)
