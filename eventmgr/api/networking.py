"""/api/v1/events/<slug>/networking/...: profiles, suggestions, requests, my meetings, and the
organiser's settings, slots, tables and schedule.

A participant's token is a user token (`flask users token EMAIL`, or any account): the caller
is the event registration with the account's address, and must have opted in to networking.
The networking rules commit their own work; a refusal is answered by platform.web.api_rule.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE, Schema, fields

from eventmgr.api.auth import BEARER, api_roles, token_user
from eventmgr.events.models import Event
from eventmgr.events.web import event_or_404
from eventmgr.networking import bookings, schedule, services
from eventmgr.networking.suggest import suggestions
from eventmgr.platform.access import AUTHENTICATED, Access
from eventmgr.platform.roles import Role
from eventmgr.platform.web import api_rule
from eventmgr.registration.models import Registration

blp = Blueprint("networking_api", __name__, description="Networking")
BASE = "/events/<slug>/networking"


def api_login(view: Callable) -> Callable:
    """Any caller with a valid token; the view decides what that person may see."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        user = token_user()
        if user is None:
            abort(401, message="This needs a token: Authorization: Bearer <token>.")
        g.api_user = user
        return view(*args, **kwargs)

    wrapper.access = Access(AUTHENTICATED)  # type: ignore[attr-defined]
    return wrapper


def _me(slug: str) -> tuple[Event, Registration]:
    """The event and the caller's opted-in registration, or the API's refusal."""
    event = event_or_404(slug)
    return event, api_rule(lambda: services.participant_of(g.api_user, event))


# --------------------------------------------------------------------------- schemas


class ProfileOut(Schema):
    id = fields.Integer()
    registration_id = fields.Integer()
    name = fields.String()
    organisation = fields.String()
    role = fields.String()
    kind = fields.String()
    pitch = fields.String()
    offers = fields.String()
    seeks = fields.String()
    interests = fields.List(fields.String())
    company_stage = fields.String()
    investment_focus = fields.String()


class MyProfileOut(ProfileOut):
    unavailable_slots = fields.List(fields.Integer())
    auto_match = fields.Boolean()


class ProfileIn(Schema):
    class Meta:
        unknown = RAISE

    organisation = fields.Raw(metadata={"type": "string", "maxLength": 200})
    role = fields.Raw(metadata={"type": "string", "maxLength": 200})
    kind = fields.Raw(metadata={"type": "string"})
    pitch = fields.Raw(metadata={"type": "string", "maxLength": 1000})
    offers = fields.Raw(metadata={"type": "string", "maxLength": 500})
    seeks = fields.Raw(metadata={"type": "string", "maxLength": 500})
    interests = fields.Raw(metadata={"type": "array", "items": {"type": "string"}})
    company_stage = fields.Raw(metadata={"type": "string"})
    investment_focus = fields.Raw(metadata={"type": "string", "maxLength": 500})
    unavailable_slots = fields.Raw(metadata={"type": "array", "items": {"type": "integer"}})
    auto_match = fields.Raw(
        metadata={"type": "boolean", "description": "false: the auto-match proposes nothing"}
    )


class SuggestionOut(Schema):
    profile = fields.Nested(ProfileOut)
    score = fields.Integer()
    why = fields.String()


class RequestIn(Schema):
    class Meta:
        unknown = RAISE

    to = fields.Raw(
        required=True,
        metadata={"type": "integer", "description": "The other person's registration_id."},
    )
    message = fields.Raw(load_default="", metadata={"type": "string", "maxLength": 1000})
    with_ = fields.Raw(
        data_key="with",
        load_default=None,
        metadata={
            "type": "array",
            "items": {"type": "integer"},
            "description": "Colleagues who attend too (registration ids of the caller's "
            "organisation or delegation).",
        },
    )
    on_behalf_of = fields.Raw(
        load_default=None,
        metadata={
            "type": "integer",
            "description": "A delegation lead asks for this member (registration id).",
        },
    )


class AnswerQuery(Schema):
    class Meta:
        unknown = RAISE

    with_ = fields.List(
        fields.Integer(),
        data_key="with",
        load_default=None,
        metadata={"description": "Accept: colleagues who attend too (registration ids)."},
    )
    on_behalf_of = fields.Integer(
        load_default=None,
        metadata={"description": "A delegation lead answers for this member (registration id)."},
    )


class BookingIn(Schema):
    class Meta:
        unknown = RAISE

    from_ = fields.Raw(data_key="from", required=True, metadata={"type": "integer"})
    to = fields.Raw(required=True, metadata={"type": "integer"})
    from_with = fields.Raw(
        load_default=None, metadata={"type": "array", "items": {"type": "integer"}}
    )
    to_with = fields.Raw(
        load_default=None, metadata={"type": "array", "items": {"type": "integer"}}
    )
    note = fields.Raw(required=True, metadata={"type": "string", "maxLength": 1000})


class BookingOut(Schema):
    request_id = fields.Integer()
    booked_by = fields.String(allow_none=True)
    note = fields.String()
    status = fields.String()
    people = fields.List(fields.String())


class HostIO(Schema):
    class Meta:
        unknown = RAISE

    id = fields.Integer(dump_only=True)
    email = fields.Raw(required=True, metadata={"type": "string"})
    name = fields.Raw(load_default="", metadata={"type": "string"})


class RequestOut(Schema):
    id = fields.Integer()
    people = fields.List(fields.String(), metadata={"description": "Everyone who attends."})
    from_id = fields.Integer()
    to_id = fields.Integer()
    from_name = fields.String()
    to_name = fields.String()
    message = fields.String()
    status = fields.String()
    created_at = fields.DateTime()
    expires_at = fields.DateTime()


class BlockIn(Schema):
    class Meta:
        unknown = RAISE

    profile_id = fields.Integer(required=True)
    undo = fields.Boolean(load_default=False)


class PersonOut(Schema):
    registration_id = fields.Integer()
    name = fields.String()
    organisation = fields.String()


class MeetingOut(Schema):
    id = fields.Integer()
    starts_at = fields.String()
    ends_at = fields.String()
    table = fields.Integer()
    place = fields.String(metadata={"description": "The place's name, or 'Table 7'."})
    online = fields.Boolean(metadata={"description": "In a video room (anyone attends online)."})
    video_link = fields.String(metadata={"description": "The video room; empty until set."})
    origin = fields.String(
        metadata={"description": "request, auto (suggested by the organisers) or booked."}
    )
    booked_by = fields.String(allow_none=True)
    note = fields.String()
    with_name = fields.String()
    with_registration_id = fields.Integer()
    with_people = fields.List(fields.Nested(PersonOut))
    my_side = fields.List(fields.Nested(PersonOut))
    happened = fields.Boolean(allow_none=True)
    rating = fields.Integer(allow_none=True)


class CancelIn(Schema):
    class Meta:
        unknown = RAISE

    reason = fields.Raw(
        load_default="",
        metadata={
            "type": "string",
            "maxLength": 1000,
            "description": "Required but for declining an organisers' suggestion.",
        },
    )


class FeedbackIn(Schema):
    class Meta:
        unknown = RAISE

    happened = fields.Raw(required=True, metadata={"type": "boolean"})
    rating = fields.Raw(load_default=None, metadata={"type": "integer", "minimum": 1})


class SettingsIO(Schema):
    class Meta:
        unknown = RAISE

    request_expiry_hours = fields.Raw(metadata={"type": "integer"})
    max_open_requests = fields.Raw(metadata={"type": "integer"})
    max_meetings = fields.Raw(metadata={"type": "integer"})
    max_auto_meetings = fields.Raw(
        metadata={"type": "integer", "description": "Auto-match suggestions per person, at most."}
    )
    interest_tags = fields.Raw(metadata={"type": "array", "items": {"type": "string"}})
    video_base_url = fields.Raw(
        metadata={
            "type": "string",
            "description": "The video room service: each online meeting gets this address "
            "plus a random room name at publication (empty: the organiser pastes links).",
        }
    )


class SlotOut(Schema):
    id = fields.Integer()
    starts_at = fields.String()
    ends_at = fields.String()


class SlotsIn(Schema):
    class Meta:
        unknown = RAISE

    start = fields.AwareDateTime(required=True, metadata={"example": "2023-01-26T16:15:00+01:00"})
    end = fields.AwareDateTime(required=True, metadata={"example": "2023-01-26T18:15:00+01:00"})
    minutes = fields.Raw(load_default=15, metadata={"type": "integer"})


class TableIO(Schema):
    class Meta:
        unknown = RAISE

    id = fields.Integer(dump_only=True)
    number = fields.Raw(required=True, metadata={"type": "integer"})
    name = fields.Raw(
        load_default="",
        metadata={"type": "string", "description": "A named place; empty: 'Table <number>'."},
    )
    online = fields.Raw(
        load_default=False,
        metadata={"type": "boolean", "description": "A video room rather than a physical place."},
    )
    seats = fields.Raw(load_default=4, metadata={"type": "integer"})
    free_slots = fields.Raw(
        load_default=None,
        metadata={"type": "array", "items": {"type": "integer"}, "description": "null: all"},
    )


class ScheduleIn(Schema):
    class Meta:
        unknown = RAISE

    auto_match = fields.Boolean(load_default=False)
    time_limit = fields.Float(load_default=10.0, validate=lambda v: 0 < v <= 120)


class ScheduledMeeting(Schema):
    id = fields.Integer()
    request_id = fields.Integer()
    slot_id = fields.Integer(allow_none=True)
    table = fields.Integer(allow_none=True)
    place = fields.String(allow_none=True)
    online = fields.Boolean()
    video_link = fields.String()
    origin = fields.String()
    booked_by = fields.String(allow_none=True)
    people = fields.List(fields.String())
    published = fields.Boolean()
    locked = fields.Boolean()


class VideoLinkIn(Schema):
    class Meta:
        unknown = RAISE

    video_link = fields.Raw(required=True, metadata={"type": "string", "maxLength": 500})


class ScheduleOut(Schema):
    status = fields.String(allow_none=True)
    objective = fields.Integer(allow_none=True)
    bound = fields.Integer(allow_none=True)
    published_at = fields.DateTime(allow_none=True)
    meetings = fields.List(fields.Nested(ScheduledMeeting))
    unscheduled = fields.List(fields.Dict())
    requests = fields.Dict()


def _profile(p) -> dict:
    return p.as_dict() | {
        "registration_id": p.registration_id,
        "unavailable_slots": p.unavailable_slots,
        "auto_match": p.auto_match,
    }


def _booking(r) -> dict:
    booking = r.booking
    return {
        "request_id": r.id,
        "booked_by": (booking.booked_by.name or booking.booked_by.email)
        if booking.booked_by
        else None,
        "note": booking.note,
        "status": r.status,
        "people": [p.name for p in r.people],
    }


def _request(r) -> dict:
    return {
        "people": [p.name for p in r.people],
        "id": r.id,
        "from_id": r.from_id,
        "to_id": r.to_id,
        "from_name": r.sender.name,
        "to_name": r.recipient.name,
        "message": r.message,
        "status": r.status,
        "created_at": r.created_at,
        "expires_at": r.expires_at,
    }


# --------------------------------------------------------------------------- participants


@blp.route(BASE + "/profile")
class MyProfile(MethodView):
    @api_login
    @blp.doc(security=BEARER)
    @blp.response(200, MyProfileOut)
    def get(self, slug: str):
        """The caller's own profile."""
        _event_, me = _me(slug)
        return _profile(services.profile_of(me))

    @api_login
    @blp.doc(security=BEARER)
    @blp.arguments(ProfileIn)
    @blp.response(200, MyProfileOut)
    def patch(self, data: dict, slug: str):
        """Change one's profile; interest tags from the event's list, slots by id."""
        event, me = _me(slug)
        profile = services.profile_of(me)
        return _profile(api_rule(lambda: services.update_profile(profile, event, data)))


@blp.route(BASE + "/profiles")
class Profiles(MethodView):
    @api_login
    @blp.doc(security=BEARER)
    @blp.response(200, ProfileOut(many=True))
    def get(self, slug: str):
        """The other opted-in participants' profiles (only for opted-in callers)."""
        event, me = _me(slug)
        return [_profile(p) for p in services.visible_profiles(event, me)]


@blp.route(BASE + "/profiles/<int:profile_id>")
class ProfileItem(MethodView):
    @api_login
    @blp.doc(security=BEARER)
    @blp.response(200, ProfileOut)
    def get(self, slug: str, profile_id: int):
        """One opted-in participant's profile."""
        event, me = _me(slug)
        return _profile(api_rule(lambda: services.visible_profile(event, me, profile_id)))


@blp.route(BASE + "/suggestions")
class Suggestions(MethodView):
    @api_login
    @blp.doc(security=BEARER)
    @blp.response(200, SuggestionOut(many=True))
    def get(self, slug: str):
        """Ranked suggestions with the reason; never one's own organisation or delegation."""
        event, me = _me(slug)
        return [
            {"profile": _profile(s.profile), "score": s.score, "why": s.why}
            for s in suggestions(event, me)
        ]


@blp.route(BASE + "/requests")
class Requests(MethodView):
    @api_login
    @blp.doc(security=BEARER)
    @blp.response(200, RequestOut(many=True))
    def get(self, slug: str):
        """The caller's requests, sent and received (expired ones marked)."""
        event, me = _me(slug)
        return [_request(r) for r in services.requests_of(event, me)]

    @api_login
    @blp.doc(security=BEARER)
    @blp.arguments(RequestIn)
    @blp.response(201, RequestOut)
    def post(self, data: dict, slug: str):
        """Ask for a meeting (caps, blocks and one open request per pair apply), with
        colleagues who attend too; a delegation lead may ask for a member."""
        event = event_or_404(slug)
        if data.get("on_behalf_of") is not None:
            me = api_rule(lambda: bookings.member_for(g.api_user, event, data["on_behalf_of"]))
        else:
            event, me = _me(slug)
        return _request(
            api_rule(
                lambda: services.create_request(
                    event, me, data["to"], data.get("message"), data.get("with_")
                )
            )
        )


def _answer_route(answer: str, rule: Callable, summary: str) -> None:
    """POST .../requests/<id>/<answer>: accept, decline and cancel differ only in the rule
    applied, but each is its own operation in the OpenAPI document."""

    class Answer(MethodView):
        @api_login
        @blp.doc(security=BEARER)
        @blp.arguments(AnswerQuery, location="query")
        @blp.response(200, RequestOut)
        def post(self, args: dict, slug: str, request_id: int):
            event = event_or_404(slug)
            if args.get("on_behalf_of") is not None:
                me = api_rule(lambda: bookings.member_for(g.api_user, event, args["on_behalf_of"]))
            else:
                event, me = _me(slug)
            if answer == "accept":
                return _request(api_rule(lambda: rule(event, me, request_id, args.get("with_"))))
            return _request(api_rule(lambda: rule(event, me, request_id)))

    Answer.post.__doc__ = summary  # the operation's summary, as a docstring would give it
    endpoint = f"Request{answer.title()}"
    blp.route(BASE + f"/requests/<int:request_id>/{answer}", endpoint=endpoint)(Answer)


_answer_route(
    "accept",
    services.accept,
    "The person asked accepts (refused when either side reached the meeting cap).",
)
_answer_route("decline", services.decline, "The person asked declines.")
_answer_route(
    "cancel",
    services.cancel_request,
    "The sender withdraws a pending request; either side an accepted one.",
)


@blp.route(BASE + "/blocks")
class Blocks(MethodView):
    @api_login
    @blp.doc(security=BEARER)
    @blp.arguments(BlockIn)
    @blp.response(204)
    def post(self, data: dict, slug: str):
        """Block (or with `undo`, unblock) a participant by profile id."""
        event, me = _me(slug)

        def change() -> None:
            other = services.visible_profile(event, me, data["profile_id"])
            (services.unblock if data["undo"] else services.block)(me, other.registration)

        api_rule(change)


def _person(r) -> dict:
    return {"registration_id": r.id, "name": r.name, "organisation": r.organisation}


def _meeting(event, item) -> dict:
    booking = item.meeting.request.booking
    return {
        "id": item.meeting.id,
        "starts_at": schedule.local_iso(event, item.slot.starts_at),
        "ends_at": schedule.local_iso(event, item.slot.ends_at),
        "table": item.table.number,
        "place": item.table.label,
        "online": item.online,
        "video_link": item.link,
        "origin": item.origin,
        "booked_by": (booking.booked_by.name if booking.booked_by else None) if booking else None,
        "note": booking.note if booking else "",
        "with_name": item.other.name,
        "with_registration_id": item.other.id,
        "with_people": [_person(p) for p in item.others],
        "my_side": [_person(p) for p in item.mine],
        "happened": item.happened,
        "rating": item.rating,
    }


@blp.route(BASE + "/meetings")
class MyMeetings(MethodView):
    @api_login
    @blp.doc(security=BEARER)
    @blp.response(200, MeetingOut(many=True))
    def get(self, slug: str):
        """The caller's published meetings: time (event's zone), table, the other person."""
        event, me = _me(slug)
        return [_meeting(event, m) for m in schedule.meetings_of(event, me)]


@blp.route(BASE + "/meetings/<int:meeting_id>/cancel")
class MeetingCancel(MethodView):
    @api_login
    @blp.doc(security=BEARER)
    @blp.arguments(CancelIn)
    @blp.response(204)
    def post(self, data: dict, slug: str, meeting_id: int):
        """Decline an organisers' suggestion, or cancel a meeting with a reason: it leaves
        every agenda at once and the others are told."""
        event, me = _me(slug)
        api_rule(lambda: schedule.cancel_meeting(event, me, meeting_id, data["reason"]))


@blp.route(BASE + "/meetings/<int:meeting_id>/feedback")
class MeetingFeedback(MethodView):
    @api_login
    @blp.doc(security=BEARER)
    @blp.arguments(FeedbackIn)
    @blp.response(200, MeetingOut)
    def post(self, data: dict, slug: str, meeting_id: int):
        """After it began: did the meeting happen, and a rating from 1 to 5."""
        event, me = _me(slug)

        def record():
            schedule.record_feedback(event, me, meeting_id, data["happened"], data["rating"])
            return schedule.my_meeting(event, me, meeting_id)

        return _meeting(event, api_rule(record))


# --------------------------------------------------------------------------- organisers


@blp.route(BASE + "/settings")
class Settings(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200, SettingsIO)
    def get(self, slug: str):
        """Request expiry, caps, interest tags."""
        return services.settings_for(event_or_404(slug))

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(SettingsIO)
    @blp.response(200, SettingsIO)
    def patch(self, data: dict, slug: str):
        event = event_or_404(slug)
        return api_rule(lambda: services.update_settings(event, data))


def _slot(event, s) -> dict:
    return {
        "id": s.id,
        "starts_at": schedule.local_iso(event, s.starts_at),
        "ends_at": schedule.local_iso(event, s.ends_at),
    }


@blp.route(BASE + "/slots")
class Slots(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200, SlotOut(many=True))
    def get(self, slug: str):
        """The meeting slots, in time order (event's zone)."""
        event = event_or_404(slug)
        return [_slot(event, s) for s in schedule.slots_of(event)]

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(SlotsIn)
    @blp.response(201, SlotOut(many=True))
    def post(self, data: dict, slug: str):
        """Add back-to-back slots of `minutes` from `start` to `end`."""
        event = event_or_404(slug)
        api_rule(
            lambda: schedule.generate_slots(event, data["start"], data["end"], data["minutes"])
        )
        return [_slot(event, s) for s in schedule.slots_of(event)]


@blp.route(BASE + "/slots/<int:slot_id>")
class SlotItem(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(204)
    def delete(self, slug: str, slot_id: int):
        """Delete a slot; meetings in it go back to unscheduled."""
        event = event_or_404(slug)
        api_rule(lambda: schedule.delete_slot(event, schedule.slot_for(event, slot_id)))


@blp.route(BASE + "/tables")
class Tables(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200, TableIO(many=True))
    def get(self, slug: str):
        """Tables: number, seats, the slot ids they are free in (null: every slot)."""
        return schedule.tables_of(event_or_404(slug))

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(TableIO)
    @blp.response(201, TableIO)
    def post(self, data: dict, slug: str):
        event = event_or_404(slug)
        return api_rule(lambda: schedule.save_table(event, data))


@blp.route(BASE + "/tables/<int:table_id>")
class TableItem(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(TableIO)
    @blp.response(200, TableIO)
    def put(self, data: dict, slug: str, table_id: int):
        """Replace a table's number, seats and free slots."""
        event = event_or_404(slug)
        return api_rule(
            lambda: schedule.save_table(event, data, schedule.table_for(event, table_id))
        )

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(204)
    def delete(self, slug: str, table_id: int):
        event = event_or_404(slug)
        api_rule(lambda: schedule.delete_table(event, schedule.table_for(event, table_id)))


def _schedule(event) -> dict:
    stats = schedule.dashboard(event)
    settings = stats["settings"]
    meetings = []
    for m in schedule.meetings_in(event):
        meetings.append(
            {
                "id": m.id,
                "request_id": m.request_id,
                "slot_id": m.slot_id,
                "table": m.table.number if m.table else None,
                "place": m.table.label if m.table else None,
                "online": bool(m.table and m.table.online),
                "video_link": m.video_link,
                "origin": m.request.origin,
                "booked_by": (
                    m.request.booking.booked_by.name
                    if m.request.booking and m.request.booking.booked_by
                    else None
                ),
                "people": [p.name for p in m.request.people],
                "published": m.published,
                "locked": m.locked,
            }
        )
    return {
        "status": settings.solve_status,
        "objective": settings.solve_objective,
        "bound": settings.solve_bound,
        "published_at": settings.published_at,
        "meetings": meetings,
        "unscheduled": [{"request_id": r.id, "reason": why} for r, why in stats["unscheduled"]],
        "requests": stats["requests"] | {"sent": stats["sent"]},
    }


@blp.route(BASE + "/schedule")
class Schedule(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200, ScheduleOut)
    def get(self, slug: str):
        """The draft schedule, unscheduled requests with the reason, request counts."""
        return _schedule(event_or_404(slug))

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(ScheduleIn)
    @blp.response(200, ScheduleOut)
    def post(self, data: dict, slug: str):
        """Solve with CP-SAT (published meetings stay fixed unless released) and store."""
        event = event_or_404(slug)
        api_rule(lambda: schedule.run_schedule(event, data["auto_match"], data["time_limit"]))
        return _schedule(event)


@blp.route(BASE + "/schedule/publish")
class SchedulePublish(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200, ScheduleOut)
    def post(self, slug: str):
        """Publish; only people whose meeting is new, moved or dropped are emailed."""
        event = event_or_404(slug)
        schedule.publish(event)
        return _schedule(event)


@blp.route(BASE + "/meetings/<int:meeting_id>/video-link")
class MeetingVideoLink(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(VideoLinkIn)
    @blp.response(200, ScheduleOut)
    def put(self, data: dict, slug: str, meeting_id: int):
        """Paste the video room of an online meeting (empty: the room service's)."""
        event = event_or_404(slug)
        api_rule(lambda: schedule.set_video_link(event, meeting_id, data["video_link"]))
        return _schedule(event)


@blp.route(BASE + "/meetings/<int:meeting_id>/release")
class MeetingRelease(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200, ScheduleOut)
    def post(self, slug: str, meeting_id: int):
        """Let the next schedule move a published meeting."""
        event = event_or_404(slug)
        api_rule(lambda: schedule.release(event, meeting_id))
        return _schedule(event)


@blp.route(BASE + "/bookings")
class Bookings(MethodView):
    @api_login
    @blp.doc(security=BEARER)
    @blp.response(200, BookingOut(many=True))
    def get(self, slug: str):
        """Every booked meeting (organisers and hosts): who booked what, and its state."""
        event = event_or_404(slug)
        if not bookings.may_book(g.api_user, event):
            abort(403, message="Only organisers and hosts see the bookings.")
        return [_booking(r) for r in bookings.bookings_of(event)]

    @api_login
    @blp.doc(security=BEARER)
    @blp.arguments(BookingIn)
    @blp.response(201, BookingOut)
    def post(self, data: dict, slug: str):
        """An organiser or host books a meeting between two participants with a note why;
        both are told and either may decline it."""
        event = event_or_404(slug)
        body = {
            "from": data["from_"],
            "to": data["to"],
            "from_with": data["from_with"],
            "to_with": data["to_with"],
            "note": data["note"],
        }
        return _booking(api_rule(lambda: bookings.book_meeting(event, g.api_user, body)))


def _host(h) -> dict:
    return {"id": h.id, "email": h.user.email, "name": h.user.name}


@blp.route(BASE + "/hosts")
class Hosts(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200, HostIO(many=True))
    def get(self, slug: str):
        """The people who may book meetings besides the organisers."""
        return [_host(h) for h in bookings.hosts_of(event_or_404(slug))]

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(HostIO)
    @blp.response(201, HostIO)
    def post(self, data: dict, slug: str):
        event = event_or_404(slug)
        return _host(api_rule(lambda: bookings.add_host(event, data["email"], data["name"])))


@blp.route(BASE + "/hosts/<int:host_id>")
class HostItem(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(204)
    def delete(self, slug: str, host_id: int):
        event = event_or_404(slug)
        api_rule(lambda: bookings.remove_host(event, host_id))


@blp.route(BASE + "/instance")
class InstanceView(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200)
    def get(self, slug: str):
        """The current instance in the shared meeting-instance format."""
        return schedule.build_instance(event_or_404(slug))
