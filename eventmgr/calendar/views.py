"""Calendar files and feeds, starring items into "my programme", and the agenda's secret URL."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _

from eventmgr.calendar import services, visitor
from eventmgr.calendar.http import calendar_response, not_modified_response
from eventmgr.calendar.links import google_link, outlook_link
from eventmgr.events.models import Event
from eventmgr.events.web import event_or_404, may_see
from eventmgr.platform.access import public
from eventmgr.platform.db import db
from eventmgr.platform.forms import ActionForm
from eventmgr.platform.web import run_rule
from eventmgr.registration.links import find_by_token
from eventmgr.registration.models import CONFIRMED, DIGITAL, Registration

bp = Blueprint("calendar", __name__)


@bp.after_request
def _private(response: Response) -> Response:
    """Secret URLs (manage link, agenda feed) are never sent on as a referrer."""
    if request.path.startswith(("/r/", "/agenda/")):
        response.headers["Referrer-Policy"] = "no-referrer"
    if request.path.startswith("/r/"):
        response.headers["Cache-Control"] = "no-store"
    return response


def _respond(feed: services.Feed | None) -> Response:
    if feed is None:
        abort(404)
    return calendar_response(
        feed.build, filename=feed.filename, etag=feed.etag, last_modified=feed.last_modified
    )


# ---------------------------------------------------------------- public feeds


@bp.route("/events/<slug>/programme.ics")
@public
def programme_ics(slug: str):
    filters = [request.args.get(name, "") for name in ("theme", "kind", "delivery")]
    cheap = services.programme_validators(slug, *filters)
    if cheap is not None:  # a polling subscription: one query, nothing built
        not_modified = not_modified_response(*cheap)
        if not_modified is not None:
            return not_modified
    return _respond(services.programme_feed(event_or_404(slug), *filters))


@bp.route("/events/<slug>/items/<int:item_id>.ics")
@public
def item_ics(slug: str, item_id: int):
    return _respond(services.item_feed(event_or_404(slug), item_id))


@bp.route("/events/<slug>/speakers/<int:person_id>.ics")
@public
def person_ics(slug: str, person_id: int):
    return _respond(services.person_feed(event_or_404(slug), person_id))


@bp.route("/agenda/<token>.ics")
@public
def agenda_ics(token: str):
    """The personal agenda; the URL's token is its only key."""
    agenda = services.agenda_by_feed_token(token)
    if agenda is None:
        abort(404)
    owner = agenda.registration or agenda.user
    if agenda.registration is None and not may_see(db.session.get(Event, agenda.event_id), owner):
        abort(404)  # stars kept from when the event was public: a draft's name stays unknown
    code = getattr(owner, "language", None) or getattr(owner, "locale", None)
    with force_locale(code if code in current_app.config["LANGUAGES"] else "en"):
        return _respond(services.agenda_feed(agenda))


# ---------------------------------------------------------------- starring


def _safe_next(target: str | None, fallback: str) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return fallback


def _star(agenda, item_id: int) -> None:
    wanted = request.form.get("starred") == "1"
    done, changed = run_rule(lambda: services.set_starred(agenda, item_id, wanted))
    if done and changed:
        flash(_("Added to my programme.") if wanted else _("Removed from my programme."), "success")


@bp.route("/events/<slug>/items/<int:item_id>/star", methods=["POST"])
@public
def star(slug: str, item_id: int):
    """Star or unstar (`starred=1|0`) for whoever this browser is (see visitor.py)."""
    event = event_or_404(slug)
    who = visitor.visitor_for(event)
    if who is None:
        flash(_("Log in, or open the personal link from your registration email, first."), "info")
        return redirect(url_for("calendar.my_programme", slug=slug))
    _star(who.agenda(), item_id)
    fallback = url_for("programme.item", slug=slug, item_id=item_id)
    return redirect(_safe_next(request.form.get("next"), fallback))


def _panel(event, agenda, star_url, reset_action: str, next_url: str) -> dict:
    """What the "my programme" box shows: the starred items (each with the URL that unstars
    it) and the subscription URL."""
    https = services.feed_url(agenda)
    return {
        "agenda": agenda,
        "items": [(s, star_url(s.item.id)) for s in services.agenda_items(agenda)],
        "feed_url": https,
        "webcal_url": "webcal://" + https.split("://", 1)[1],
        "reset_action": reset_action,
        "next_url": next_url,
        "streams": services.streams_for(agenda),
    }


@bp.route("/events/<slug>/my-programme")
@public
def my_programme(slug: str):
    event = event_or_404(slug)
    who = visitor.visitor_for(event)
    panel = None
    if who is not None:
        agenda = who.agenda()
        here = url_for("calendar.my_programme", slug=slug)
        panel = _panel(
            event,
            agenda,
            lambda item_id: url_for("calendar.star", slug=slug, item_id=item_id),
            url_for("calendar.reset", slug=slug),
            here,
        )
    response = Response(render_template("calendar/my_programme.html", event=event, panel=panel))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/events/<slug>/my-programme/reset", methods=["POST"])
@public
def reset(slug: str):
    event = event_or_404(slug)
    who = visitor.visitor_for(event)
    if who is None:
        abort(404)
    services.reset_feed(who.agenda())
    flash(_("Your subscription address is new; the old one no longer works."), "success")
    return redirect(url_for("calendar.my_programme", slug=slug) + "#subscribe")


# ---------------------------------------------------------------- through the manage link


def _by_token(token: str) -> Registration:
    registration = find_by_token(token)
    if registration is None:
        abort(404)
    return registration


@bp.route("/r/<token>/programme", methods=["GET", "POST"])
@public
def choose(token: str):
    """From the manage page to the programme, where this browser now stars for the registrant.
    Only a posted form binds the browser: opening a link (a GET) changes nothing."""
    registration = _by_token(token)
    form = ActionForm()
    if form.validate_on_submit():
        visitor.remember(registration)
        return redirect(url_for("programme.programme", slug=registration.event.slug))
    page = render_template("calendar/choose.html", event=registration.event, form=form, token=token)
    return page, (400 if form.is_submitted() else 200)


@bp.route("/r/<token>/star/<int:item_id>", methods=["POST"])
@public
def manage_star(token: str, item_id: int):
    registration = _by_token(token)
    _star(services.agenda_for_registration(registration), item_id)
    return redirect(url_for("registration.manage", token=token) + "#my-programme")


@bp.route("/r/<token>/agenda/reset", methods=["POST"])
@public
def manage_reset(token: str):
    registration = _by_token(token)
    services.reset_feed(services.agenda_for_registration(registration))
    flash(_("Your subscription address is new; the old one no longer works."), "success")
    return redirect(url_for("registration.manage", token=token) + "#my-programme")


# ---------------------------------------------------------------- for other domains' templates


@bp.app_template_global()
def agenda_panel(registration: Registration, token: str) -> dict:
    """The "my programme" box of the manage page (the agenda is made on first view)."""
    agenda = services.agenda_for_registration(registration)
    return _panel(
        registration.event,
        agenda,
        lambda item_id: url_for("calendar.manage_star", token=token, item_id=item_id),
        url_for("calendar.manage_reset", token=token),
        url_for("registration.manage", token=token),
    ) | {"choose_url": url_for("calendar.choose", token=token), "manage": True}


@bp.app_template_global()
def event_calendar_links(event, registration: Registration | None = None, mode: str = "") -> dict:
    """Google and Outlook links for the whole event; the stream for confirmed digital people."""
    mode = registration.mode if registration is not None else mode
    entry = services.event_entry(event, on_site=mode != "digital")
    digital = registration is not None and (registration.mode, registration.status) == (
        DIGITAL,
        CONFIRMED,
    )
    if digital and event.stream_url:
        entry = replace(entry, location=event.stream_url)
    return {"google": google_link(entry), "outlook": outlook_link(entry)}
