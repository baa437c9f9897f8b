"""/api/v1/events/<slug>/checkins: the door's scans, its offline copy and upload, the figures."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from eventmgr.access import event_for_slug
from eventmgr.api.auth import BEARER, api_roles
from eventmgr.checkin import services
from eventmgr.checkin.schemas import AnswerOut, BatchIn, ManualIn, ScanIn, SearchArgs, scan_kwargs
from eventmgr.roles import Role

blp = Blueprint("checkins_api", __name__, description="Check-in at the door")

DOOR = (Role.DOOR_STAFF, Role.ORGANISER)


def _event_id(slug: str) -> int:
    event = event_for_slug(slug)
    if event is None:
        abort(404, message=f"No event {slug!r}.")
    return event.id


@blp.route("/events/<slug>/checkins")
class Checkins(MethodView):
    @api_roles(*DOOR)
    @blp.doc(security=BEARER)
    @blp.arguments(ScanIn)
    @blp.response(200, AnswerOut)
    def post(self, data: dict, slug: str):
        """Decide one scan: `accepted`, or `refused` with the reason. Every scan is stored;
        a nonce seen before gets the first answer again and stores nothing new."""
        answer = services.scan(_event_id(slug), data["code"], **scan_kwargs(data))
        return answer.as_dict()


@blp.route("/events/<slug>/checkins/stats")
class CheckinStats(MethodView):
    @api_roles(*DOOR)
    @blp.doc(security=BEARER)
    def get(self, slug: str):
        """Checked in, expected (confirmed on site), refused scans by reason, per door,
        arrivals per 5 minutes, people who got in twice through offline doors."""
        return services.stats(_event_id(slug))


@blp.route("/events/<slug>/checkins/snapshot")
class CheckinSnapshot(MethodView):
    @api_roles(*DOOR)
    @blp.doc(security=BEARER)
    def get(self, slug: str):
        """The offline copy: codes as SHA-256 hex with the name to show and their state,
        check-ins so far, revoked code hashes."""
        return services.snapshot(_event_id(slug))


@blp.route("/events/<slug>/checkins/batch")
class CheckinBatch(MethodView):
    @api_roles(*DOOR)
    @blp.doc(security=BEARER)
    @blp.arguments(BatchIn)
    def post(self, data: dict, slug: str):
        """Upload scans queued offline (each with its nonce and time, oldest first). Answers
        each, counts duplicates and lists people who got in twice."""
        return services.upload(_event_id(slug), data["scans"]).as_dict()


@blp.route("/events/<slug>/checkins/search")
class CheckinSearch(MethodView):
    @api_roles(*DOOR)
    @blp.doc(security=BEARER)
    @blp.arguments(SearchArgs, location="query")
    def get(self, args: dict, slug: str):
        """People by name, email or organisation (at least 2 letters), with their state."""
        return {"items": services.search(_event_id(slug), args["q"])}


@blp.route("/events/<slug>/checkins/manual")
class CheckinManual(MethodView):
    @api_roles(*DOOR)
    @blp.doc(security=BEARER)
    @blp.arguments(ManualIn)
    @blp.response(200, AnswerOut)
    def post(self, data: dict, slug: str):
        """Check someone in by hand (the badge is at home); the same rules as a scan."""
        kwargs = scan_kwargs(data)
        kwargs.pop("scanned_at")
        answer = services.scan(_event_id(slug), registration_id=data["registration_id"], **kwargs)
        return answer.as_dict()
