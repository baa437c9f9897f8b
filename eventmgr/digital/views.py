"""Pages of the digital audience: the watch page, questions from the room and from home, the
moderators' queue and projector view, certificates and their verification, feedback; and the
organiser's settings, attendance and feedback results.

The JSON the pages poll is cheap to ask again: an unchanged board answers 304 from one small
query (qa.py). Answers that are not the expected JSON are errors for the pages' scripts.
"""

from __future__ import annotations

from typing import Any

import zxingcpp
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from eventmgr.digital import attendance, audience, certificates, feedback, qa, streams
from eventmgr.digital.forms import ActionForm, LinkForm, SettingsForm
from eventmgr.digital.settings import settings_for, update_settings
from eventmgr.events.models import Event
from eventmgr.events.web import event_or_404
from eventmgr.platform.access import public, roles_required
from eventmgr.platform.csvfile import csv_response
from eventmgr.platform.db import db, rollback, utcnow
from eventmgr.platform.errors import ERROR_CODES, RuleError
from eventmgr.platform.extensions import limiter
from eventmgr.platform.i18n import local_time
from eventmgr.platform.roles import Role
from eventmgr.platform.security import CONTENT_SECURITY_POLICY
from eventmgr.platform.urls import external_url
from eventmgr.platform.web import run_rule
from eventmgr.programme.services import PublicItem, public_programme, room_of, rooms_of
from eventmgr.registration.links import find_by_token
from eventmgr.registration.models import Registration

bp = Blueprint("digital", __name__)


@bp.after_request
def _private(response: Response) -> Response:
    """Moderator links are secret: never sent on as a referrer, never cached by proxies."""
    if request.path.startswith("/m/"):
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- helpers


def ask_limit() -> str:
    return current_app.config.get("QA_ASK_RATE_LIMIT") or "5 per minute"


def vote_limit() -> str:
    return current_app.config.get("QA_VOTE_RATE_LIMIT") or "60 per minute"


def _person_key() -> str:
    """Rate limits count per person (their manage link or account), else per address."""
    return audience.person_key() or "ip:" + (request.remote_addr or "")


def _error(status: int, message: str, fields: dict | None = None, code: str | None = None):
    body = {
        "error": {
            "code": code or ERROR_CODES.get(status, "error"),
            "message": message,
            "fields": fields or {},
        }
    }
    return jsonify(body), status


def _answer(action, status: int = 200):
    """Run a rule for a page's script: its JSON, or the error shape with the rule's status."""
    try:
        return jsonify(action()), status
    except RuleError as exc:
        rollback()
        return _error(exc.status, exc.message, exc.fields, exc.code)


def _not_modified(tag: str) -> Response:
    response = Response(status=304)
    response.set_etag(tag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _polled(body: bytes, tag: str) -> Response:
    response = Response(body, mimetype="application/json")
    response.set_etag(tag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _item_json(event: Event, item: PublicItem | None) -> dict | None:
    if item is None:
        return None
    tz = event.tz
    return {
        "id": item.id,
        "title": item.title,
        "kind": item.kind,
        "starts_at": item.starts_at.astimezone(tz).isoformat(),
        "ends_at": item.ends_at.astimezone(tz).isoformat(),
        "time": f"{local_time(item.starts_at, tz)}–{local_time(item.ends_at, tz)}",
        "speakers": [p["name"] for p in item.speakers],
        "streamed": item.streamed,
    }


def _qa_item_id(session: PublicItem | None) -> int | None:
    return session.id if session is not None and session.kind not in qa.NO_QUESTIONS else None


def _qa_urls(event: Event) -> dict[str, str]:
    """URL templates for the audience script (0 stands for the item or question id)."""
    return {
        "board": url_for("digital.board", slug=event.slug, item_id=0),
        "mine": url_for("digital.mine", slug=event.slug, item_id=0),
        "ask": url_for("digital.ask", slug=event.slug, item_id=0),
        "vote": url_for("digital.vote", slug=event.slug, item_id=0, question_id=0),
        "csrf": url_for("digital.csrf", slug=event.slug),
    }


def _texts() -> dict[str, str]:
    """What the scripts say, in the page's language."""
    return {
        "anonymous": _("Anonymous"),
        "votes": _("votes"),
        "upvote": _("Upvote"),
        "upvoted": _("Upvoted"),
        "answered": _("Answered"),
        "pending": _("waiting for the moderators"),
        "approved": _("shown"),
        "hidden": _("not shown"),
        "sent": _("Thank you: the moderators will see your question."),
        "too_many": _("Too many at once: wait a minute and try again."),
        "failed": _("That did not work; try again."),
        "no_questions": _("No questions yet."),
        "nothing_now": _("Nothing on now."),
        "next": _("Next"),
        "now": _("Now"),
        "not_streamed": _("This item is not streamed."),
        "open_stream": _("Open the stream in a new tab"),
        "player": _("Stream"),
        "approve": _("Approve"),
        "hide": _("Hide"),
        "answer": _("Answered"),
        "reopen": _("Reopen"),
        "pin": _("Pin"),
        "unpin": _("Unpin"),
        "from_room": _("in the room"),
        "from_home": _("online"),
        "pinned": _("Now discussed"),
        "offline": _("No answer from the server; trying again."),
    }


# ---------------------------------------------------------------- the watch page


def _watch_csp(hosts: list[str]) -> str:
    """The site's policy, opened for the organiser's video hosts only (players, HLS)."""
    if not hosts:
        return CONTENT_SECURITY_POLICY
    extra = " ".join(hosts)
    policy = CONTENT_SECURITY_POLICY.replace(
        "media-src 'self' blob:", f"media-src 'self' blob: {extra}"
    ).replace("connect-src 'self'", f"connect-src 'self' {extra}")
    return f"{policy}; frame-src {extra}"


@bp.route("/r/<token>/watch")
@public
def watch_from_link(token: str):
    """From the manage page: this browser watches for the registrant from now on."""
    registration = find_by_token(token)
    if registration is None:
        abort(404)
    audience.remember(registration)
    return redirect(url_for("digital.watch", slug=registration.event.slug))


@bp.route("/events/<slug>/watch")
@public
def watch(slug: str):
    """The player, what is on now and next, and the questions: confirmed digital registrants."""
    event = event_or_404(slug)
    registration = audience.person(event)
    if not attendance.may_watch(registration, event):
        return render_template("digital/watch_refused.html", event=event), 403
    page = render_template(
        "digital/watch.html",
        event=event,
        registration=registration,
        urls=_qa_urls(event)
        | {
            "now": url_for("digital.watch_now", slug=slug),
            "beat": url_for("digital.watch_beat", slug=slug),
        },
        texts=_texts(),
        beat_seconds=attendance.BEAT_SECONDS,
    )
    response = Response(page)
    response.headers["Content-Security-Policy"] = _watch_csp(settings_for(event).player_hosts)
    response.headers["Referrer-Policy"] = "no-referrer"  # the player never learns the page
    return response


@bp.route("/events/<slug>/watch/now")
@public
def watch_now(slug: str):
    """Every streamed room: what is on now and next, its stream, whose questions."""
    event = event_or_404(slug)
    if not attendance.may_watch(audience.person(event), event):
        return _error(403, _("The stream is for digital registrants."))
    now = utcnow()
    rooms = [
        {
            "id": r.room_id,
            "name": r.name,
            "now": _item_json(event, r.current),
            "next": _item_json(event, r.next),
            "stream": {"url": r.stream.url, "kind": r.stream.kind} if r.stream else None,
            "qa_item_id": _qa_item_id(r.session),
            "qa_title": r.session.title if r.session else None,
        }
        for r in streams.rooms_now(event, now)
    ]
    response = jsonify({"rooms": rooms, "at": now.isoformat()})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/events/<slug>/watch/beat", methods=["POST"])
@public
def watch_beat(slug: str):
    """The watch page says it is showing a room's stream (every minute, while visible)."""
    event = event_or_404(slug)
    data = request.get_json(silent=True) or {}
    room_id = data.get("room_id")
    if not isinstance(room_id, int) or isinstance(room_id, bool) or room_id < 0:
        return _error(422, _("Say which room: room_id."), {"room_id": _("A room id.")})

    def act() -> dict:
        beat = attendance.beat(event, audience.person(event), room_id, utcnow())
        return {"credited": beat.credited, "item_id": beat.item_id}

    return _answer(act)


@bp.route("/events/<slug>/digital/csrf")
@public
def csrf(slug: str):
    """A fresh form token for a page that stays open for hours."""
    event_or_404(slug)
    response = jsonify({"csrf_token": generate_csrf()})
    response.headers["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- questions from the room


@bp.route("/r/<token>/ask")
@public
def ask_from_link(token: str):
    """From the manage page, on the phone: this browser asks for the registrant from now on."""
    registration = find_by_token(token)
    if registration is None:
        abort(404)
    audience.remember(registration)
    return redirect(url_for("digital.rooms_ask", slug=registration.event.slug))


@bp.route("/events/<slug>/ask")
@public
def rooms_ask(slug: str):
    """Which room to ask in: the rooms with a session on now (straight there if only one)."""
    event = event_or_404(slug)
    now = utcnow()
    rooms = []
    for room in rooms_of(event):
        session = streams.current_session(event, room.id, now)
        if _qa_item_id(session) is not None:
            rooms.append((room, session))
    if len(rooms) == 1:
        return redirect(url_for("digital.room_ask", slug=slug, room_id=rooms[0][0].id))
    return render_template("digital/rooms_ask.html", event=event, rooms=rooms)


@bp.route("/events/<slug>/rooms/<int:room_id>/ask")
@public
def room_ask(slug: str, room_id: int):
    """The page behind the QR code on a room's screen: the questions of what is on there now."""
    event = event_or_404(slug)
    room = room_of(event, room_id)
    if room is None:
        abort(404)
    now = utcnow()
    session = streams.current_session(event, room_id, now)
    if _qa_item_id(session) is None:
        session = None
    upcoming = streams.next_session(event, room_id, now)
    registration = audience.person(event)
    reload_at = session.ends_at if session else (upcoming.starts_at if upcoming else None)
    return render_template(
        "digital/room_ask.html",
        event=event,
        room=room,
        session=session,
        upcoming=upcoming,
        may_ask=qa.may_ask(registration, event),
        registration=registration,
        urls=_qa_urls(event),
        texts=_texts(),
        reload_at=reload_at,
    )


@bp.route("/events/<slug>/rooms/<int:room_id>/qr.svg")
@public
def room_qr(slug: str, room_id: int):
    """The QR code for a room's screen: it opens the room's questions page."""
    event = event_or_404(slug)
    if room_of(event, room_id) is None:
        abort(404)
    url = external_url("digital.room_ask", slug=slug, room_id=room_id)
    svg = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_svg()
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _may_read_board(event: Event) -> bool:
    return qa.may_ask(audience.person(event), event) or audience.is_organiser(event)


@bp.route("/events/<slug>/qa/<int:item_id>")
@limiter.exempt
@public
def board(slug: str, item_id: int):
    """The approved questions of an item, for the audience; polled with If-None-Match.

    The entity tag is signed for the reader and carries when their access was checked: while
    that is recent, an unchanged board answers 304 and a changed one its cached JSON, each
    after one small query; identity and item are checked again every few minutes."""
    counters = qa.versions(slug, item_id)
    person = audience.person_key(counters.event_id) if counters.event_id else ""
    grant = qa.grant_of(request.if_none_match, "board", item_id, person) if person else None
    if grant is not None:
        tag = qa.etag("board", item_id, counters.version, person, grant.granted)
        if grant.version == counters.version:
            return _not_modified(tag)
        return _polled(qa.board_body(item_id, counters.version), tag)
    event = event_or_404(slug)
    if not _may_read_board(event):
        return _error(403, _("Questions are for confirmed registrants of this event."))
    try:
        qa.qa_item(event, item_id)
    except RuleError as exc:
        return _error(exc.status, exc.message, exc.fields)
    tag = qa.etag("board", item_id, counters.version, audience.person_key(event.id))
    return _polled(qa.board_body(item_id, counters.version), tag)


@bp.route("/events/<slug>/qa/<int:item_id>/mine")
@public
def mine(slug: str, item_id: int):
    """The person's own votes and questions (with their status) on an item."""
    event = event_or_404(slug)
    registration = audience.person(event)
    if not qa.may_ask(registration, event):
        return _error(403, _("Questions are for confirmed registrants of this event."))
    response = jsonify(qa.mine(item_id, registration))
    response.headers["Cache-Control"] = "no-store"
    return response


def _question_json(question) -> dict[str, Any]:
    return {
        "id": question.id,
        "text": question.text,
        "anonymous": question.anonymous,
        "status": question.status,
        "votes": question.votes,
    }


@bp.route("/events/<slug>/qa/<int:item_id>/questions", methods=["POST"])
@limiter.limit(ask_limit, key_func=_person_key, methods=["POST"])
@public
def ask(slug: str, item_id: int):
    """Ask a question (text, anonymous): it waits for the moderators."""
    event = event_or_404(slug)
    data = request.get_json(silent=True) or {}
    return _answer(
        lambda: _question_json(
            qa.ask(event, item_id, audience.person(event), data.get("text"), data.get("anonymous"))
        ),
        201,
    )


@bp.route("/events/<slug>/qa/<int:item_id>/questions/<int:question_id>/vote", methods=["POST"])
@limiter.limit(vote_limit, key_func=_person_key, methods=["POST"])
@public
def vote(slug: str, item_id: int, question_id: int):
    """Upvote ({"up": true}) or take the vote back ({"up": false})."""
    event = event_or_404(slug)
    data = request.get_json(silent=True) or {}
    up = data.get("up", True) is not False
    return _answer(
        lambda: _question_json(qa.vote(event, item_id, audience.person(event), question_id, up))
    )


# ---------------------------------------------------------------- moderators


def _moderation_page(event: Event, item: PublicItem, urls: dict[str, str], projector: bool):
    template = "digital/projector.html" if projector else "digital/moderate.html"
    room = room_of(event, item.room_id) if item.room_id is not None else None
    return render_template(
        template,
        event=event,
        item=item,
        room=room,
        urls=urls,
        texts=_texts(),
        ask_url=external_url("digital.room_ask", slug=event.slug, room_id=room.id) if room else "",
    )


def _by_link(token: str):
    link = qa.find_link(token)
    if link is None:
        abort(404)
    event = db.session.get(Event, link.event_id)
    try:
        item = qa.qa_item(event, link.item_id)
    except RuleError:
        abort(404)
    return link, event, item


def _link_urls(token: str) -> dict[str, str]:
    return {
        "queue": url_for("digital.link_queue", token=token),
        "board": url_for("digital.link_board", token=token),
        "moderate": url_for("digital.link_moderate", token=token, question_id=0),
        "projector": url_for("digital.link_projector", token=token),
        "csrf": url_for("digital.link_csrf", token=token),
    }


@bp.route("/m/<token>")
@public
def link_page(token: str):
    """The moderators' queue of one session, from the link the organiser shared."""
    _link, event, item = _by_link(token)
    return _moderation_page(event, item, _link_urls(token), projector=False)


@bp.route("/m/<token>/projector")
@public
def link_projector(token: str):
    _link, event, item = _by_link(token)
    return _moderation_page(event, item, _link_urls(token), projector=True)


@bp.route("/m/<token>/csrf")
@public
def link_csrf(token: str):
    _by_link(token)
    return jsonify({"csrf_token": generate_csrf()})


def _poll_board(kind: str, event: Event, item_id: int) -> Response:
    """A moderator's poll (access checked by the caller on every request)."""
    counters = qa.versions(event.slug, item_id)
    number = counters.version if kind == "board" else counters.queue_version
    grant = qa.grant_of(request.if_none_match, kind, item_id, "moderator")
    tag = qa.etag(kind, item_id, number, "moderator")
    if grant is not None and grant.version == number:
        return _not_modified(tag)
    body = (qa.board_body if kind == "board" else qa.queue_body)(item_id, number)
    return _polled(body, tag)


@bp.route("/m/<token>/queue")
@public
def link_queue(token: str):
    _link, event, item = _by_link(token)
    return _poll_board("queue", event, item.id)


@bp.route("/m/<token>/board")
@public
def link_board(token: str):
    _link, event, item = _by_link(token)
    return _poll_board("board", event, item.id)


def _moderate(event: Event, item_id: int, question_id: int):
    data = request.get_json(silent=True) or {}
    action = data.get("action")
    return _answer(
        lambda: _question_json(qa.moderate(event, item_id, question_id, str(action or "")))
    )


@bp.route("/m/<token>/questions/<int:question_id>", methods=["POST"])
@public
def link_moderate(token: str, question_id: int):
    """approve, hide, answer, reopen, pin or unpin a question ({"action": ...})."""
    _link, event, item = _by_link(token)
    return _moderate(event, item.id, question_id)


def _organiser_item(slug: str, item_id: int) -> tuple[Event, PublicItem]:
    event = event_or_404(slug)
    try:
        return event, qa.qa_item(event, item_id)
    except RuleError:
        abort(404)


def _organiser_urls(slug: str, item_id: int) -> dict[str, str]:
    return {
        "queue": url_for("digital.organiser_queue", slug=slug, item_id=item_id),
        "board": url_for("digital.organiser_board", slug=slug, item_id=item_id),
        "moderate": url_for(
            "digital.organiser_moderate", slug=slug, item_id=item_id, question_id=0
        ),
        "projector": url_for("digital.organiser_projector", slug=slug, item_id=item_id),
        "csrf": url_for("digital.csrf", slug=slug),
    }


@bp.route("/manage/events/<slug>/qa/<int:item_id>")
@roles_required(Role.ORGANISER)
def organiser_page(slug: str, item_id: int):
    event, item = _organiser_item(slug, item_id)
    return _moderation_page(event, item, _organiser_urls(slug, item_id), projector=False)


@bp.route("/manage/events/<slug>/qa/<int:item_id>/projector")
@roles_required(Role.ORGANISER)
def organiser_projector(slug: str, item_id: int):
    event, item = _organiser_item(slug, item_id)
    return _moderation_page(event, item, _organiser_urls(slug, item_id), projector=True)


@bp.route("/manage/events/<slug>/qa/<int:item_id>/queue")
@roles_required(Role.ORGANISER)
def organiser_queue(slug: str, item_id: int):
    event, item = _organiser_item(slug, item_id)
    return _poll_board("queue", event, item.id)


@bp.route("/manage/events/<slug>/qa/<int:item_id>/board")
@roles_required(Role.ORGANISER)
def organiser_board(slug: str, item_id: int):
    event, item = _organiser_item(slug, item_id)
    return _poll_board("board", event, item.id)


@bp.route("/manage/events/<slug>/qa/<int:item_id>/questions/<int:question_id>", methods=["POST"])
@roles_required(Role.ORGANISER)
def organiser_moderate(slug: str, item_id: int, question_id: int):
    event, item = _organiser_item(slug, item_id)
    return _moderate(event, item.id, question_id)


# ---------------------------------------------------------------- the organiser's pages


def _qa_items(event: Event) -> list[PublicItem]:
    return [i for i in public_programme(event).top_level if i.kind not in qa.NO_QUESTIONS]


@bp.route("/manage/events/<slug>/digital", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def settings(slug: str):
    """Video hosts, certificates, feedback; the sessions' questions and moderator links; the
    rooms' QR codes."""
    event = event_or_404(slug)
    current = settings_for(event)
    form = SettingsForm()
    if form.validate_on_submit():
        saved, _result = run_rule(
            lambda: update_settings(event, form.values(event.tz)), _("Saved."), form
        )
        if saved:
            return redirect(url_for("digital.settings", slug=slug))
    elif not form.is_submitted():
        form.fill(current, event.tz)
    links: dict[int, list] = {}
    for link in qa.links_of(event):
        links.setdefault(link.item_id, []).append(link)
    return render_template(
        "digital/settings.html",
        event=event,
        form=form,
        items=_qa_items(event),
        links=links,
        link_form=LinkForm(),
        action_form=ActionForm(),
        rooms=rooms_of(event),
        viewers_now=attendance.viewers_now(event),
    ), (422 if form.errors else 200)


@bp.route("/manage/events/<slug>/qa/<int:item_id>/links", methods=["POST"])
@roles_required(Role.ORGANISER)
def create_link(slug: str, item_id: int):
    """A new moderator link, shown once (only its hash is stored)."""
    event, item = _organiser_item(slug, item_id)
    form = LinkForm()
    if not form.validate_on_submit():
        flash(_("The label is too long."), "error")
        return redirect(url_for("digital.settings", slug=slug))
    _link, token = qa.create_link(event, item.id, form.label.data or "")
    return render_template(
        "digital/link_created.html",
        event=event,
        item=item,
        url=external_url("digital.link_page", token=token),
    )


@bp.route("/manage/events/<slug>/qa/links/<int:link_id>/revoke", methods=["POST"])
@roles_required(Role.ORGANISER)
def revoke_link(slug: str, link_id: int):
    event = event_or_404(slug)
    if ActionForm().validate_on_submit():
        run_rule(lambda: qa.revoke_link(event, link_id), _("The link no longer works."))
    return redirect(url_for("digital.settings", slug=slug) + "#qa")


@bp.route("/manage/events/<slug>/attendance")
@roles_required(Role.ORGANISER)
def attendance_page(slug: str):
    event = event_or_404(slug)
    return render_template("digital/attendance.html", event=event, rows=attendance.per_item(event))


ATTENDANCE_COLUMNS = (
    "item_id",
    "title",
    "kind",
    "starts_at",
    "on_site",
    "online",
    "online_minutes",
)


@bp.route("/manage/events/<slug>/attendance.csv")
@roles_required(Role.ORGANISER)
def attendance_csv(slug: str):
    event = event_or_404(slug)
    rows = [
        (
            r.item.id,
            r.item.title,
            r.item.kind,
            event.local(r.item.starts_at).isoformat(),
            r.on_site,
            r.online,
            r.online_minutes,
        )
        for r in attendance.per_item(event)
    ]
    return csv_response(f"{slug}-attendance.csv", ATTENDANCE_COLUMNS, rows)


@bp.route("/manage/events/<slug>/feedback")
@roles_required(Role.ORGANISER)
def feedback_page(slug: str):
    event = event_or_404(slug)
    return render_template(
        "digital/feedback_results.html", event=event, results=feedback.results(event)
    )


@bp.route("/manage/events/<slug>/feedback.csv")
@roles_required(Role.ORGANISER)
def feedback_csv(slug: str):
    event = event_or_404(slug)
    return csv_response(f"{slug}-feedback.csv", feedback.CSV_COLUMNS, feedback.csv_rows(event))


@bp.route("/manage/events/<slug>/certificates/announce", methods=["POST"])
@roles_required(Role.ORGANISER)
def announce(slug: str):
    """Mail everyone eligible that their certificate is ready (once per person)."""
    event = event_or_404(slug)
    if ActionForm().validate_on_submit():
        run_rule(
            lambda: certificates.announce(event, utcnow()),
            lambda sent: _("%(n)d people were mailed.", n=sent),
        )
    return redirect(url_for("digital.settings", slug=slug) + "#certificates")


# ---------------------------------------------------------------- the registrant's own


def _by_token(token: str) -> Registration:
    registration = find_by_token(token)
    if registration is None:
        abort(404)
    return registration


@bp.app_template_global()
def digital_panel(registration: Registration, token: str) -> dict[str, Any]:
    """What the manage page offers of the digital pages."""
    event = registration.event
    now = utcnow()
    standing = certificates.standing(event, registration, now)
    return {
        "watch": attendance.may_watch(registration, event),
        "ask": qa.may_ask(registration, event),
        "certificate": standing if standing.available else None,
        "feedback": feedback.is_open(event, now) and qa.may_ask(registration, event),
        "token": token,
    }


@bp.route("/r/<token>/certificate.pdf")
@public
def certificate_pdf(token: str):
    registration = _by_token(token)
    event = registration.event
    done, certificate = run_rule(lambda: certificates.issue(event, registration, utcnow()))
    if not done:
        return redirect(url_for("registration.manage", token=token) + "#certificate")
    body = certificates.certificate_pdf(event, certificate, registration.language or "en")
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="certificate.pdf"'},
    )


@bp.route("/certificates/<code>")
@public
def verify(code: str):
    """Anyone with the code sees that the certificate is genuine, and what it says."""
    certificate = certificates.by_code(code)
    if certificate is None:
        return render_template("digital/verify.html", certificate=None, event=None), 404
    event = db.session.get(Event, certificate.event_id)
    return render_template(
        "digital/verify.html",
        certificate=certificate,
        event=event,
        hours=certificates.hours_text(certificate.minutes),
        how=certificates.attendance_label(certificate.attendance),
    )


def _feedback_data() -> dict[str, Any]:
    items: dict[str, dict] = {}
    for key, value in request.form.items():
        for prefix, name in (("rating-", "rating"), ("comment-", "comment")):
            if key.startswith(prefix) and key[len(prefix) :].isdigit():
                items.setdefault(key[len(prefix) :], {})[name] = value
    return {
        "rating": request.form.get("rating"),
        "liked": request.form.get("liked", ""),
        "improve": request.form.get("improve", ""),
        "items": items,
    }


@bp.route("/r/<token>/feedback", methods=["GET", "POST"])
@public
def give_feedback(token: str):
    registration = _by_token(token)
    event = registration.event
    now = utcnow()
    if not feedback.is_open(event, now) or not qa.may_ask(registration, event):
        flash(_("Feedback is not open."), "info")
        return redirect(url_for("registration.manage", token=token))
    form = ActionForm()
    errors: dict[str, str] = {}
    answers = feedback.mine(event, registration)
    if form.validate_on_submit():
        data = _feedback_data()
        try:
            feedback.save(event, registration, data, now)
        except RuleError as exc:
            rollback()
            errors = exc.fields
            answers = {
                "rating": data["rating"],
                "liked": data["liked"],
                "improve": data["improve"],
                "items": {int(k): v for k, v in data["items"].items()},
            }
        else:
            flash(_("Thank you for your feedback."), "success")
            return redirect(url_for("registration.manage", token=token))
    return render_template(
        "digital/feedback.html",
        event=event,
        registration=registration,
        token=token,
        form=form,
        items=feedback.rated_items(event),
        answers=answers,
        errors=errors,
    ), (422 if errors else 200)
