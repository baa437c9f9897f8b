"""/api/v1/events: list, create, read and update events."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, ValidationError, fields, pre_dump, validate, validates_schema

from eventmgr.api.auth import BEARER, api_public, api_roles
from eventmgr.events import services
from eventmgr.events.web import event_or_404
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


class EventSchema(Schema):
    """An event; times are ISO 8601 with an offset, given back in the event's own zone."""

    class Meta:
        unknown = RAISE
        ordered = True

    slug = fields.String(
        required=True,
        validate=[
            validate.Length(min=2, max=80),
            validate.Regexp(services.SLUG_RE, error="Use lower-case letters, digits and hyphens."),
        ],
    )
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
        validate=validate.Length(max=50),
        metadata={"description": "Attendee categories, in the order the form offers them."},
    )

    @validates_schema
    def _ends_after_start(self, data: dict, **kwargs) -> None:
        if "starts_at" in data and "ends_at" in data and data["ends_at"] <= data["starts_at"]:
            raise ValidationError("The event must end after it starts.", field_name="ends_at")

    @pre_dump
    def _in_event_zone(self, event, **kwargs) -> dict:
        data = {name: getattr(event, name) for name in self.fields}
        data["starts_at"] = event.local(event.starts_at)
        data["ends_at"] = event.local(event.ends_at)
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
    categories = fields.List(fields.Nested(CategorySchema), validate=validate.Length(max=50))


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
        return api_rule(lambda: services.create_event(data, g.api_user))


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
        return api_rule(lambda: services.update_event(event, data))
