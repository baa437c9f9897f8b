"""/api/v1/events/<slug>/checkins: the door's scans, its offline copy and upload, the figures."""

from __future__ import annotations

from functools import wraps

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import ValidationError
from sqlalchemy import and_, bindparam, or_, select

from eventmgr.accounts.models import ApiToken, RoleAssignment, User
from eventmgr.accounts.services import TOKEN_PREFIX, note_token_use
from eventmgr.api.auth import BEARER, api_roles
from eventmgr.checkin import services
from eventmgr.checkin.models import Checkin
from eventmgr.checkin.schemas import (
    AnswerOut,
    BatchIn,
    BatchOut,
    ManualIn,
    ScanIn,
    SearchArgs,
    SearchOut,
    SnapshotOut,
    StatsOut,
    plain_scan,
    scan_kwargs,
)
from eventmgr.events.models import Event
from eventmgr.events.web import event_or_404
from eventmgr.platform.access import ROLES, Access
from eventmgr.platform.roles import Role
from eventmgr.platform.tokens import hash_secret
from eventmgr.registration.models import Registration

blp = Blueprint("checkins_api", __name__, description="Check-in at the door")

DOOR = (Role.DOOR_STAFF, Role.ORGANISER)


def _event_id(slug: str) -> int:
    return event_or_404(slug).id


_RA = RoleAssignment.__table__.c
_R = Registration.__table__.c
_DOOR_ACCESS = (
    select(
        Event.__table__.c.id.label("access_event_id"),
        ApiToken.__table__.c.id.label("token_id"),
        ApiToken.__table__.c.last_used_at.label("token_used_at"),
        *services.PERSON_COLUMNS,
    )
    .select_from(
        ApiToken.__table__.join(User.__table__, User.__table__.c.id == ApiToken.__table__.c.user_id)
        .join(RoleAssignment.__table__, _RA.user_id == User.__table__.c.id)
        .join(Event.__table__, Event.__table__.c.slug == bindparam("slug"))
        .outerjoin(Registration.__table__, _R.badge_code == bindparam("code"))
        .outerjoin(Checkin.__table__, Checkin.__table__.c.registration_id == _R.id)
    )
    .where(
        ApiToken.__table__.c.token_hash == bindparam("token_hash"),
        User.__table__.c.active.is_(True),
        or_(
            _RA.role == Role.ADMIN.value,
            and_(
                or_(*(_RA.role == r.value for r in DOOR)),  # no expanding IN: prepared
                or_(_RA.event_id.is_(None), _RA.event_id == Event.__table__.c.id),
            ),
        ),
    )
    .limit(1)
)


_SCAN_IN = ScanIn()


def fast_scan(view):
    """The scan path, lean: one query checks access (the token's user holds a door role for
    the URL's event) and fetches the badge's registration with its check-in, and the body is
    loaded by the same schema without webargs' machinery. Anything else (no token, a bad one,
    a wrong role, no such event, a body the schema refuses) goes the general way, which
    answers 401, 403, 404 or 422 exactly as every other endpoint does."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        token = token.strip()
        payload = request.get_json(silent=True) if request.is_json else None
        if (
            isinstance(payload, dict)
            and scheme.lower() == "bearer"
            and token.startswith(TOKEN_PREFIX)
            and len(token) <= 200
        ):
            data = plain_scan(payload)
            if data is None:
                try:
                    data = _SCAN_IN.load(payload)
                except ValidationError:
                    data = None
            if data is not None:
                with services.scan_connection() as conn:
                    params = {
                        "slug": kwargs.get("slug"),
                        "token_hash": hash_secret(token),
                        "code": services.normalise(data["code"]),
                    }
                    found = conn.first(_DOOR_ACCESS, params)
                    if found is not None:
                        note_token_use(found.token_id, found.token_used_at)
                        answer = services.scan(
                            found.access_event_id,
                            data["code"],
                            connection=conn,
                            row=found,
                            **scan_kwargs(data),
                        )
                        return answer.as_dict()
        return api_roles(*DOOR)(view)(*args, **kwargs)

    wrapper.access = Access(ROLES, frozenset(r.value for r in DOOR))  # type: ignore[attr-defined]
    return wrapper


@blp.route("/events/<slug>/checkins")
class Checkins(MethodView):
    @fast_scan
    @blp.doc(security=BEARER)
    @blp.arguments(ScanIn)
    @blp.alt_response(200, schema=AnswerOut, description="The decision (every scan is 200).")
    def post(self, data: dict, slug: str):
        """Decide one scan: `accepted`, or `refused` with the reason. Every scan is stored;
        a nonce seen before gets the first answer again and stores nothing new."""
        return services.scan(_event_id(slug), data["code"], **scan_kwargs(data)).as_dict()


@blp.route("/events/<slug>/checkins/stats")
class CheckinStats(MethodView):
    @api_roles(*DOOR)
    @blp.doc(security=BEARER)
    @blp.response(200, StatsOut)
    def get(self, slug: str):
        """Checked in, expected (confirmed on site), refused scans by reason, per door,
        arrivals per 5 minutes, people who got in twice through offline doors."""
        return services.stats(_event_id(slug))


@blp.route("/events/<slug>/checkins/snapshot")
class CheckinSnapshot(MethodView):
    @api_roles(*DOOR)
    @blp.doc(security=BEARER)
    @blp.response(200, SnapshotOut)
    def get(self, slug: str):
        """The offline copy: codes as SHA-256 hex with the name to show and their state,
        check-ins so far, revoked code hashes."""
        return services.snapshot(_event_id(slug))


@blp.route("/events/<slug>/checkins/batch")
class CheckinBatch(MethodView):
    @api_roles(*DOOR)
    @blp.doc(security=BEARER)
    @blp.arguments(BatchIn)
    @blp.response(200, BatchOut)
    def post(self, data: dict, slug: str):
        """Upload scans queued offline (each with its nonce and time, oldest first). Answers
        each, counts duplicates and lists people who got in twice."""
        return services.upload(_event_id(slug), data["scans"]).as_dict()


@blp.route("/events/<slug>/checkins/search")
class CheckinSearch(MethodView):
    @api_roles(*DOOR)
    @blp.doc(security=BEARER)
    @blp.arguments(SearchArgs, location="query")
    @blp.response(200, SearchOut)
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
