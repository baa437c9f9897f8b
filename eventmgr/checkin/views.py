"""The door staff's pages: their events, the scanner (with its own JSON endpoints, which take
the session cookie and the CSRF header; /api/v1 takes only tokens), and the organiser's live
check-in figures."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
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
    )


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
        "door_needed": _("Name this door first."),
        "camera_on": _("Camera on: hold the badge's QR code in view."),
        "camera_failed": _("The camera could not be started: %(error)s", error="{error}"),
        "manual": _("Checked in by hand"),
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
