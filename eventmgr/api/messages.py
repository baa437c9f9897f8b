"""/api/v1/events/<slug>/messages: the organiser's messages to groups of attendees."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE, Schema, fields

from eventmgr.api.auth import BEARER, api_roles
from eventmgr.events.web import event_or_404
from eventmgr.messages import services
from eventmgr.messages.models import KINDS
from eventmgr.platform.roles import Role
from eventmgr.platform.web import api_rule

blp = Blueprint("messages_api", __name__, description="Messages to attendees")

TEXTS = {
    "type": "object",
    "description": 'Per language, {"en": ..., "nb": ...}; one may be missing (the other is '
    "used). Placeholders: {name}, {manage_link}, {badge_link}, {stream_link}, {calendar_link}.",
}
AUDIENCE = {
    "type": "object",
    "description": "Filters, all optional: mode, status, category, role (lists); checked_in, "
    "networking, speakers (booleans); delegation, starred_item (ids); answers ({key: value}). "
    "{} is every registration that is not cancelled. Only proven addresses are mailed; news "
    "only to those who opted in. A wrong filter is a 422 naming audience.<filter>.",
}


class MessageIn(Schema):
    """A message; the values are checked by the messages rules, which name every wrong field."""

    class Meta:
        unknown = RAISE

    audience = fields.Raw(load_default=dict, metadata=AUDIENCE)
    subject = fields.Raw(required=True, metadata=TEXTS)
    body = fields.Raw(required=True, metadata=TEXTS)
    kind = fields.Raw(load_default="practical", metadata={"type": "string", "enum": list(KINDS)})
    send_at = fields.Raw(
        load_default=None,
        metadata={
            "type": "string",
            "format": "date-time",
            "description": "When to send; without an offset, the event's local time. "
            "Absent or past: now.",
        },
    )


class MessageCreated(Schema):
    id = fields.Integer()
    recipients = fields.Integer(metadata={"description": "How many people get it."})
    status = fields.String()


class MessageOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    subject = fields.Dict(keys=fields.String(), values=fields.String())
    audience = fields.Dict()
    send_at = fields.DateTime(allow_none=True)
    status = fields.String(metadata={"description": "scheduled, sending or sent."})
    recipients = fields.Integer()
    queued = fields.Integer(metadata={"description": "Waiting to be delivered."})
    sent = fields.Integer()
    failed = fields.Integer()


def _out(message) -> dict:
    return {
        "id": message.id,
        "kind": message.kind,
        "subject": message.subject,
        "audience": message.audience,
        "send_at": message.send_at,
    } | services.progress(message)


@blp.route("/events/<slug>/messages")
class Messages(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(MessageIn())
    @blp.response(201, MessageCreated)
    def post(self, data: dict, slug: str):
        """Send a message to an audience now, or at `send_at`: each recipient once."""
        event = event_or_404(slug)
        actor = f"{g.api_user.email} (API)"
        message = api_rule(lambda: services.create(event, data, actor))
        return {"id": message.id, "recipients": message.recipients, "status": message.status}

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200, MessageOut(many=True))
    def get(self, slug: str):
        """The event's messages, newest first, with their delivery figures."""
        return [_out(m) for m in services.messages_of(event_or_404(slug))]


@blp.route("/events/<slug>/messages/<int:message_id>")
class MessageItem(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200, MessageOut)
    def get(self, slug: str, message_id: int):
        """One message: its status and how many are waiting, sent and failed."""
        message = services.message_of(event_or_404(slug), message_id)
        if message is None:
            abort(404, message=f"No message {message_id} for this event.")
        return _out(message)
