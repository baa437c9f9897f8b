"""/api/v1/events: list, create, read and update events (with their registration settings and
networking interest tags), and copy one to next year's edition.

`interest_tags` belong to networking (its matching and profiles use them); the events domain
stands below networking and knows nothing of it, so this API layer, above both, reads and
writes them beside the event's own fields: checked first, so that a wrong tag changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, ValidationError, fields, pre_dump, validate, validates_schema

from eventmgr.api.auth import BEARER, api_public, api_roles
from eventmgr.events import services
from eventmgr.events.models import CLOSED, NOT_YET_OPEN, OPEN, Event
from eventmgr.events.web import event_or_404
from eventmgr.networking import services as networking
from eventmgr.platform.roles import Role
from eventmgr.platform.web import api_rule

blp = Blueprint("events_api", __name__, description="Events")


def _timezone(value: str) -> None:
    if not services.valid_timezone(value):
        raise ValidationError(f"Unknown time zone {value!r}; use an IANA name such as Europe/Oslo.")


class LabelSchema(Schema):
    """A text in English and Bokmål; a missing language shows the other."""

    class Meta:
        unknown = RAISE

    en = fields.String(required=True, validate=validate.Length(min=1, max=100))
    nb = fields.String(validate=validate.Length(min=1, max=100))


class CategorySchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True

    key = fields.String(required=True, validate=validate.Length(min=1, max=40))
    label = fields.Nested(LabelSchema, required=True)


class QuestionLabelSchema(LabelSchema):
    en = fields.String(
        required=True, validate=validate.Length(min=1, max=services.QUESTION_LABEL_LIMIT)
    )
    nb = fields.String(validate=validate.Length(min=1, max=services.QUESTION_LABEL_LIMIT))


class ChoiceSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True

    key = fields.String(
        required=True,
        validate=validate.Regexp(
            services.CHOICE_KEY_RE, error="1 to 40 of a-z, digits, - and _, not - or _ first."
        ),
    )
    label = fields.Nested(LabelSchema, required=True)


class RegistrationQuestionSchema(Schema):
    """An extra registration question; `choices` only for "choice" and "multiple"."""

    class Meta:
        unknown = RAISE
        ordered = True

    key = fields.String(
        required=True,
        validate=validate.Regexp(
            services.QUESTION_KEY_RE, error="1 to 40 of a-z, digits and _, a letter first."
        ),
        metadata={"description": "Names the answer: `answers.<key>` in registrations."},
    )
    label = fields.Nested(QuestionLabelSchema, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(services.QUESTION_KINDS))
    required = fields.Boolean(load_default=False, truthy={True}, falsy={False})
    choices = fields.List(
        fields.Nested(ChoiceSchema),
        load_default=list,
        validate=validate.Length(max=services.MAX_CHOICES),
    )

    @validates_schema
    def _choices_fit_the_kind(self, data: dict, **kwargs) -> None:
        with_choices = data.get("kind") in services.WITH_CHOICES
        if with_choices and not data.get("choices"):
            raise ValidationError("A choice or multiple question needs choices.", "choices")
        if not with_choices and data.get("choices"):
            raise ValidationError("Only choice and multiple questions have choices.", "choices")
        keys = [c["key"] for c in data.get("choices") or ()]
        if len(set(keys)) != len(keys):
            raise ValidationError("Each choice needs a key of its own.", "choices")


class PrivacyNoticeSchema(Schema):
    """The event's own privacy text; a language left out shows the other."""

    class Meta:
        unknown = RAISE

    en = fields.String(validate=validate.Length(max=services.PRIVACY_LIMIT))
    nb = fields.String(validate=validate.Length(max=services.PRIVACY_LIMIT))


def _unique_keys(what: str):
    def check(items: list) -> None:
        keys = [item["key"] for item in items]
        if len(set(keys)) != len(keys):
            raise ValidationError(f"Each {what} needs a key of its own.")

    return check


def _tags(tags: list[str]) -> None:
    if any(not tag.strip() or any(ord(c) < 32 for c in tag) for tag in tags):
        raise ValidationError("A tag is 1 to 60 characters of text, without control characters.")


INTEREST_TAGS_DOC = {
    "description": "Networking interest tags participants choose from (networking's setting)."
}


def _slug_field() -> fields.String:
    """An event's link name, as both a new event and a copy take it."""
    return fields.String(
        required=True,
        validate=[
            validate.Length(min=2, max=80),
            validate.Regexp(services.SLUG_RE, error="Use lower-case letters, digits and hyphens."),
        ],
    )


class EventSchema(Schema):
    """An event; times are ISO 8601 with an offset, given back in the event's own zone."""

    class Meta:
        unknown = RAISE
        ordered = True

    slug = _slug_field()
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    timezone = fields.String(required=True, validate=_timezone)
    venue = fields.String(allow_none=True, validate=validate.Length(max=300))
    address = fields.String(allow_none=True, validate=validate.Length(max=300))
    description = fields.String(allow_none=True, validate=validate.Length(max=5000))
    onsite_capacity = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=0))
    digital_capacity = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=0))
    stream_url = fields.URL(allow_none=True, validate=validate.Length(max=500))
    published = fields.Boolean(load_default=False)
    categories = fields.List(
        fields.Nested(CategorySchema),
        load_default=list,
        validate=[validate.Length(max=services.MAX_CATEGORIES), _unique_keys("category")],
        metadata={"description": "Attendee categories, in the order the form offers them."},
    )
    questions = fields.List(
        fields.Nested(RegistrationQuestionSchema),
        load_default=list,
        validate=[validate.Length(max=services.MAX_QUESTIONS), _unique_keys("question")],
        metadata={"description": "Extra registration questions, in the order the form asks."},
    )
    registration_opens_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "None: as soon as the event is published."}
    )
    registration_closes_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "None: when the event ends."}
    )
    registration_state = fields.String(
        dump_only=True,
        metadata={
            "enum": [NOT_YET_OPEN, OPEN, CLOSED],
            "description": "Whether the public may register now (the window, publication aside).",
        },
    )
    organiser_name = fields.String(
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "Who is responsible for the personal data (privacy notice)."},
    )
    contact_email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    proof_hours = fields.Integer(
        strict=True,
        load_default=24,
        validate=validate.Range(min=0, max=720),
        metadata={
            "description": "Hours a self-registered person has to open the link mailed to their "
            "address; an on-site place not proven in time goes back to the waiting list. "
            "0: addresses count as proven at once (closed events)."
        },
    )
    privacy_notice = fields.Nested(
        PrivacyNoticeSchema,
        allow_none=True,
        metadata={"description": "The event's privacy text; null: the default notice."},
    )
    interest_tags = fields.List(
        fields.String(validate=[validate.Length(min=1, max=60), _tags]),
        validate=validate.Length(max=200),
        metadata=INTEREST_TAGS_DOC,
    )

    @validates_schema
    def _ends_after_start(self, data: dict, **kwargs) -> None:
        if "starts_at" in data and "ends_at" in data and data["ends_at"] <= data["starts_at"]:
            raise ValidationError("The event must end after it starts.", field_name="ends_at")
        opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
        if opens is not None and closes is not None and closes <= opens:
            raise ValidationError(
                "Registration must close after it opens.", field_name="registration_closes_at"
            )

    @pre_dump
    def _in_event_zone(self, event, **kwargs) -> dict:
        data = {name: getattr(event, name) for name in self.fields if hasattr(event, name)}
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            data[name] = event.local(data[name]) if data[name] is not None else None
        data["registration_state"] = event.registration_state()
        data["interest_tags"] = networking.interest_tags_of(event)
        if not _organises(event):
            data["stream_url"] = None  # the stream is for registered digital attendees only
        return data


def _organises(event) -> bool:
    user = g.get("api_user")
    if user is None or not user.is_authenticated:
        return False
    return user.is_admin or user.has_role(Role.ORGANISER, event.id)


class EventUpdateSchema(EventSchema):
    """A partial update; the slug cannot change (links and calendars rely on it)."""

    class Meta(EventSchema.Meta):
        exclude = ("slug",)

    published = fields.Boolean()
    categories = fields.List(
        fields.Nested(CategorySchema),
        validate=[validate.Length(max=services.MAX_CATEGORIES), _unique_keys("category")],
    )
    questions = fields.List(
        fields.Nested(RegistrationQuestionSchema),
        validate=[validate.Length(max=services.MAX_QUESTIONS), _unique_keys("question")],
    )


class CopySchema(Schema):
    """Next year's edition: its link, name and start; the rest is copied from this event."""

    class Meta:
        unknown = RAISE
        ordered = True

    slug = _slug_field()
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    starts_at = fields.AwareDateTime(
        required=True,
        metadata={"description": "The new start; every time of the event moves with it."},
    )


def _with_tags(data: dict, change: Callable[[dict], Event]) -> Event:
    """Check the interest tags first (a wrong one changes nothing), make the event's own
    change, then store the tags with networking."""
    tags = data.pop("interest_tags", None)
    if tags is not None:
        api_rule(lambda: networking.clean_settings({"interest_tags": tags}))
    event = api_rule(lambda: change(data))
    if tags is not None:
        api_rule(lambda: networking.update_settings(event, {"interest_tags": tags}))
    return event


@blp.route("/events")
class Events(MethodView):
    @api_public
    @blp.response(200, EventSchema(many=True))
    def get(self):
        """Published events; with a token, also the caller's unpublished ones."""
        return services.visible_events(g.api_user)

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(EventSchema)
    @blp.response(201, EventSchema)
    def post(self, data: dict):
        """Create an event (organisers and administrators); the caller becomes its organiser."""
        return _with_tags(data, lambda values: services.create_event(values, g.api_user))


@blp.route("/events/<slug>")
class EventItem(MethodView):
    @api_public
    @blp.response(200, EventSchema)
    def get(self, slug: str):
        """One event."""
        return event_or_404(slug)

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(EventUpdateSchema(partial=True))
    @blp.response(200, EventSchema)
    def patch(self, data: dict, slug: str):
        """Change some fields of an event (its organisers and administrators)."""
        event = event_or_404(slug)
        return _with_tags(data, lambda values: services.update_event(event, values))


@blp.route("/events/<slug>/copy")
class EventCopy(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(CopySchema)
    @blp.response(201, EventSchema)
    def post(self, data: dict, slug: str):
        """Next year's edition: a new unpublished event with this one's rooms, people,
        sponsors, settings, categories, questions, interest tags and programme, every time
        moved to the new start; no registrations, check-ins or networking data."""
        event = event_or_404(slug)
        return api_rule(lambda: services.copy_event(event, data, g.api_user))
