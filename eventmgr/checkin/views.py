"""The door staff's pages: their events, the scanner (with its own JSON endpoints, which take
the session cookie and the CSRF header; /api/v1 takes only tokens), and the organiser's live
check-in figures."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from marshmallow import ValidationError

from eventmgr.checkin import services
from eventmgr.checkin.schemas import BatchIn, ManualIn, ScanIn, scan_kwargs
from eventmgr.events.services import events_with_role
from eventmgr.events.web import event_or_404
from eventmgr.platform.access import roles_required, user_may
from eventmgr.platform.csvfile import csv_response
from eventmgr.platform.errors import api_error
from eventmgr.platform.roles import Role

bp = Blueprint("checkin", __name__)

DOOR = (Role.DOOR_STAFF, Role.ORGANISER)


def _body(schema):
    """The JSON body checked by the API's schema; (data, None) or (None, error response)."""
    payload = request.get_json(silent=True)
    if payload is None:
        return None, api_error(400, "Send a JSON object.")
    try:
        return schema().load(payload), None
    except ValidationError as exc:
        fields = {
            k: " ".join(map(str, v)) if isinstance(v, list) else str(v)
            for k, v in exc.messages.items()
        }
        return None, api_error(422, "Some fields are invalid.", fields)


@bp.route("/door")
@roles_required(Role.DOOR_STAFF)
def door():
    return render_template(
        "checkin/door.html", events=events_with_role(current_user, Role.DOOR_STAFF)
    )


@bp.route("/door/<slug>")
@roles_required(*DOOR)
def scanner(slug: str):
    event = event_or_404(slug)
    return render_template(
        "checkin/scanner.html",
        event=event,
        organiser=user_may(current_user, (Role.ORGANISER,), slug),
        texts=_scanner_texts(),
        csrf_max_age=_csrf_max_age(),
    )


def _csrf_max_age() -> int:
    """Seconds a CSRF token is accepted (Flask-WTF's WTF_CSRF_TIME_LIMIT; none: a day, the
    scanner still renews it now and then)."""
    return int(current_app.config.get("WTF_CSRF_TIME_LIMIT") or 86400)


@bp.route("/door/<slug>/csrf")
@roles_required(*DOOR)
def csrf_token(slug: str):
    """A fresh CSRF token for the scanner page, which stays open all day while a token is
    accepted for an hour: the script renews it at half its age and after a refused token.
    Only the same origin can read it (no CORS), and it works only with this session."""
    event_or_404(slug)
    response = jsonify({"csrf_token": generate_csrf(), "max_age": _csrf_max_age()})
    response.headers["Cache-Control"] = "no-store"
    return response


def _scanner_texts() -> dict[str, str]:
    """Every word the scanner's script shows, in the page's language."""
    return {
        "accepted": _("Welcome"),
        "already_checked_in": _("Already checked in"),
        "already_detail": _("First check-in at %(time)s, %(door)s", time="{time}", door="{door}"),
        "digital_registration": _("Digital registration: no place on site"),
        "waitlisted": _("On the waiting list: no place yet"),
        "cancelled": _("Registration cancelled"),
        "revoked": _("Revoked badge: a new badge was issued"),
        "wrong_event": _("Badge for another event"),
        "unknown": _("Unknown code"),
        "online": _("Online"),
        "offline": _("Offline: deciding from the local copy"),
        "offline_decision": _("(offline decision, will be uploaded)"),
        "uploaded": _("Uploaded %(n)s scans.", n="{n}"),
        "twice": _("Got in twice: %(names)s", names="{names}"),
        "check_in": _("Check in"),
        "new_badge": _("New badge"),
        "no_match": _("Nobody found."),
        "device": _("Device: %(id)s", id="{id}"),
        "door_needed": _("Name this door first: type its name under “Door name” and save."),
        "door_is": _("This door: %(door)s", door="{door}"),
        "door_unnamed": _("This door has no name yet."),
        "door_is_code": _("That is a badge code, not a door name: type the door's name."),
        "camera_on": _("Camera on: hold the badge's QR code in view."),
        "camera_denied": _(
            "The camera may not be used: allow it in the browser's settings for this site."
        ),
        "camera_missing": _("No camera was found on this device."),
        "camera_busy": _("The camera is in use by another app, or could not be read."),
        "camera_insecure": _("The camera works only over a secure (https) connection."),
        "camera_other": _("The camera could not be started: type or scan the badge code."),
        "manual": _("Checked in by hand"),
        "manual_offline": _("No network: checking in by hand needs the server."),
        "error_title": _("Not checked in"),
        "no_network": _("No network."),
        "server_error": _(
            "The server answered with an error (HTTP %(status)s): try again, and reload the "
            "page if it happens again.",
            status="{status}",
        ),
        "signed_out": _("You are signed out: reload the page and sign in again."),
        "upload_failed": _(
            "Upload failed: %(problem)s The scans stay on this device.", problem="{problem}"
        ),
        "not_kept": _(
            "NOT SAVED: this device is full, the scan will not be uploaded. Note the name."
        ),
        "storage_full": _(
            "This device cannot store more offline scans: free space, or use another device."
        ),
        "storage_unavailable": _(
            "This browser cannot store offline scans (private mode or storage blocked)."
        ),
        "snapshot_not_kept": _(
            "The local copy could not be stored on this device: offline scans work only until "
            "the page is reloaded."
        ),
        "searching": _("Searching…"),
        "found": _("%(n)s found.", n="{n}"),
        "search_failed": _("The search failed: %(problem)s", problem="{problem}"),
    }


@bp.route("/door/<slug>/scan", methods=["POST"])
@roles_required(*DOOR)
def scan(slug: str):
    event = event_or_404(slug)
    data, error = _body(ScanIn)
    if error:
        return error
    return jsonify(services.scan(event.id, data["code"], **scan_kwargs(data)).as_dict())


@bp.route("/door/<slug>/manual", methods=["POST"])
@roles_required(*DOOR)
def manual(slug: str):
    event = event_or_404(slug)
    data, error = _body(ManualIn)
    if error:
        return error
    kwargs = scan_kwargs(data)
    kwargs.pop("scanned_at")
    answer = services.scan(event.id, registration_id=data["registration_id"], **kwargs)
    return jsonify(answer.as_dict())


@bp.route("/door/<slug>/batch", methods=["POST"])
@roles_required(*DOOR)
def batch(slug: str):
    event = event_or_404(slug)
    data, error = _body(BatchIn)
    if error:
        return error
    return jsonify(services.upload(event.id, data["scans"]).as_dict())


@bp.route("/door/<slug>/snapshot")
@roles_required(*DOOR)
def snapshot(slug: str):
    response = jsonify(services.snapshot(event_or_404(slug).id))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/door/<slug>/search")
@roles_required(*DOOR)
def search(slug: str):
    q = request.args.get("q", "")[:200]
    return jsonify({"items": services.search(event_or_404(slug).id, q)})


@bp.route("/manage/events/<slug>/checkin")
@roles_required(Role.ORGANISER)
def live(slug: str):
    event = event_or_404(slug)
    return render_template("checkin/live.html", event=event, reasons=services.REASON_ORDER)


@bp.route("/manage/events/<slug>/checkin/stats.json")
@roles_required(Role.ORGANISER)
def live_stats(slug: str):
    event = event_or_404(slug)
    figures = services.stats(event.id)
    missing = [
        {"id": r.id, "name": r.name, "organisation": r.organisation, "role": r.role}
        for r in services.not_arrived(event.id)
    ]
    figures["not_arrived"] = missing[:500]
    figures["not_arrived_total"] = len(missing)
    return jsonify(figures)


@bp.route("/manage/events/<slug>/checkin/not-arrived.csv")
@roles_required(Role.ORGANISER)
def not_arrived_csv(slug: str):
    event = event_or_404(slug)
    return csv_response(
        f"{slug}-not-arrived.csv", services.MISSING_COLUMNS, services.not_arrived_rows(event.id)
    )
