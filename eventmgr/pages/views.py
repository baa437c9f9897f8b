"""Home, the event's public page and privacy notice, the event's registration settings (the
event's own and networking's interest tags, on one page), the signed-in user's page, the
language switch, health."""

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
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select, text

from eventmgr.accounts.services import set_locale
from eventmgr.events import services as events
from eventmgr.events.models import Event
from eventmgr.events.services import visible_events
from eventmgr.events.web import event_or_404
from eventmgr.networking import services as networking
from eventmgr.pages.forms import SettingsForm
from eventmgr.platform.access import login_required, public, roles_required
from eventmgr.platform.db import db, rollback
from eventmgr.platform.roles import EVENT_ROLES, Role
from eventmgr.platform.web import run_rule
from eventmgr.programme.services import public_programme
from eventmgr.registration import services as registration
from eventmgr.registration.models import DIGITAL, ON_SITE
from eventmgr.sponsors import services as sponsors
from eventmgr.sponsors.models import LEVEL_LABELS

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
    return render_template(
        "pages/event.html",
        event=event,
        programme=public_programme(event),
        full={mode: not registration.has_room(event, mode) for mode in (ON_SITE, DIGITAL)},
        window=registration.window_message(event),
        registration_closes=registration.readable(event, event.registration_closes),
        groups=sponsors.by_level(sponsors.sponsors_of(event)),
        level_labels=LEVEL_LABELS,
    )


@bp.route("/events/<slug>/privacy")
@public
def privacy(slug: str):
    """The event's privacy notice: the organiser's own text, else the default one."""
    event = event_or_404(slug)
    own = event.privacy_text()
    paragraphs = [p.strip() for p in (own or "").split("\n\n") if p.strip()]
    return render_template("pages/privacy.html", event=event, paragraphs=paragraphs)


@bp.route("/manage/events/<slug>/settings", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def event_settings(slug: str):
    """Registration window, categories, questions, privacy and interest tags on one page. The
    tags belong to networking: they are checked first, so a wrong one changes nothing."""
    event = event_or_404(slug)
    form = SettingsForm()
    if not form.is_submitted():
        form.fill(event, networking.interest_tags_of(event))
    if form.validate_on_submit():
        data, tags = form.event_data(event), {"interest_tags": form.tags()}

        def save() -> None:
            networking.clean_settings(tags)
            events.update_event(event, data)
            networking.update_settings(event, tags)

        if run_rule(save, _("The settings are saved."), form)[0]:
            return redirect(url_for("pages.event_settings", slug=slug))
    return render_template("pages/settings.html", event=event, form=form), (
        422 if form.errors else 200
    )


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
