"""/api/v1/events/<slug>/items/<id>/questions: asking, voting and moderating over the API.

Who calls, by header (the API never trusts cookies):
- `X-Registration-Token: <the token of a manage link>`: a confirmed registrant asks, votes and
  reads the approved questions;
- `X-Moderator-Token: <the token of a moderator link>`: the moderators of that item read every
  question and moderate;
- `Authorization: Bearer <API token>`: an organiser of the event moderates; another user acts
  as their registration (found by the account's address).
GET answers with an ETag; send it back in If-None-Match for a 304 while nothing changed.
"""

from __future__ import annotations

from flask import Response, g, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import select

from eventmgr.api.auth import api_public
from eventmgr.digital import qa
from eventmgr.events.models import Event
from eventmgr.events.web import event_or_404
from eventmgr.platform.access import user_may
from eventmgr.platform.db import db
from eventmgr.platform.extensions import limiter
from eventmgr.platform.roles import Role
from eventmgr.platform.tokens import hash_secret
from eventmgr.platform.web import api_rule
from eventmgr.registration.links import find_by_token
from eventmgr.registration.models import Registration

blp = Blueprint("digital_api", __name__, description="Questions (Q&A)")

HEADERS = [
    {"in": "header", "name": "X-Registration-Token", "schema": {"type": "string"}},
    {"in": "header", "name": "X-Moderator-Token", "schema": {"type": "string"}},
]


class QuestionSchema(Schema):
    id = fields.Integer()
    text = fields.String()
    name = fields.String(
        allow_none=True, metadata={"description": "null for the audience when anonymous"}
    )
    votes = fields.Integer()
    status = fields.String(validate=validate.OneOf(["pending", "approved", "hidden", "answered"]))
    asked_at = fields.String()
    anonymous = fields.Boolean(metadata={"description": "moderators only"})
    origin = fields.String(
        data_key="from", metadata={"description": "moderators only: room or home"}
    )


class QuestionsSchema(Schema):
    """The audience's board (pinned, questions) or the moderators' queue (pending, shown,
    hidden, counts)."""

    item_id = fields.Integer()
    version = fields.Integer()
    pinned = fields.Nested(QuestionSchema, allow_none=True)
    questions = fields.List(fields.Nested(QuestionSchema))
    total = fields.Integer()
    pinned_id = fields.Integer(allow_none=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    pending = fields.List(fields.Nested(QuestionSchema))
    shown = fields.List(fields.Nested(QuestionSchema))
    hidden = fields.List(fields.Nested(QuestionSchema))


class AskSchema(Schema):
    class Meta:
        unknown = RAISE

    text = fields.String(required=True, validate=validate.Length(min=1, max=qa.MAX_TEXT))
    anonymous = fields.Boolean(load_default=False)


class ModerateSchema(Schema):
    class Meta:
        unknown = RAISE

    action = fields.String(required=True, validate=validate.OneOf(qa.ACTIONS))


class AskedSchema(Schema):
    id = fields.Integer()
    text = fields.String()
    anonymous = fields.Boolean()
    status = fields.String()
    votes = fields.Integer()


def _registrant(event: Event) -> Registration | None:
    token = request.headers.get("X-Registration-Token", "")
    if token:
        registration = find_by_token(token)
        if registration is None or registration.event_id != event.id:
            abort(401, message="The registration token is unknown.")
        return registration
    user = g.get("api_user")
    if user is None:
        return None
    return db.session.scalar(
        select(Registration).where(Registration.of_account(event.id, user.email))
    )


def _moderates(event: Event, item_id: int) -> bool:
    token = request.headers.get("X-Moderator-Token", "")
    if token:
        link = qa.find_link(token)
        if link is None:
            abort(401, message="The moderator token is unknown or revoked.")
        return link.item_id == item_id and link.event_id == event.id
    return user_may(g.get("api_user"), (Role.ORGANISER,), event.slug)


def _key() -> str:
    for header in ("X-Registration-Token", "Authorization"):
        value = request.headers.get(header)
        if value:
            return "api:" + hash_secret(value)
    return "ip:" + (request.remote_addr or "")


def _ask_limit() -> str:
    from flask import current_app

    return current_app.config.get("QA_ASK_RATE_LIMIT") or "5 per minute"


def _vote_limit() -> str:
    from flask import current_app

    return current_app.config.get("QA_VOTE_RATE_LIMIT") or "60 per minute"


def _item(event: Event, item_id: int) -> None:
    api_rule(lambda: qa.qa_item(event, item_id))


def _asked(question) -> dict:
    return {
        "id": question.id,
        "text": question.text,
        "anonymous": question.anonymous,
        "status": question.status,
        "votes": question.votes,
    }


@blp.route("/events/<slug>/items/<int:item_id>/questions")
class Questions(MethodView):
    @api_public
    @blp.doc(parameters=HEADERS)
    @blp.response(200, QuestionsSchema)
    def get(self, slug: str, item_id: int):
        """Moderators get every question (the queue); registrants the approved ones."""
        event = event_or_404(slug)
        _item(event, item_id)
        moderator = _moderates(event, item_id)
        if not moderator and not qa.may_ask(_registrant(event), event):
            abort(403, message="Questions are for confirmed registrants and moderators.")
        counters = qa.versions(slug, item_id)
        kind = "queue" if moderator else "board"
        number = counters.queue_version if moderator else counters.version
        grant = qa.grant_of(request.if_none_match, kind, item_id, "api")
        tag = qa.etag(kind, item_id, number, "api")
        if grant is not None and grant.version == number:
            response = Response(status=304)
        else:
            build = qa.queue_body if moderator else qa.board_body
            response = Response(build(item_id, number), mimetype="application/json")
        response.set_etag(tag)
        response.headers["Cache-Control"] = "private, no-cache"
        return response

    @limiter.limit(_ask_limit, key_func=_key)
    @api_public
    @blp.doc(parameters=HEADERS)
    @blp.arguments(AskSchema)
    @blp.response(201, AskedSchema)
    def post(self, data: dict, slug: str, item_id: int):
        """Ask a question; it waits for the moderators. `anonymous` hides the name from the
        audience (never from the moderators)."""
        event = event_or_404(slug)
        registration = _registrant(event)
        return _asked(
            api_rule(lambda: qa.ask(event, item_id, registration, data["text"], data["anonymous"]))
        )


@blp.route("/events/<slug>/items/<int:item_id>/questions/<int:question_id>/vote")
class Vote(MethodView):
    @limiter.limit(_vote_limit, key_func=_key)
    @api_public
    @blp.doc(parameters=HEADERS)
    @blp.response(200, AskedSchema)
    def put(self, slug: str, item_id: int, question_id: int):
        """Upvote an approved question (once per person)."""
        event = event_or_404(slug)
        registration = _registrant(event)
        return _asked(api_rule(lambda: qa.vote(event, item_id, registration, question_id, True)))

    @limiter.limit(_vote_limit, key_func=_key)
    @api_public
    @blp.doc(parameters=HEADERS)
    @blp.response(200, AskedSchema)
    def delete(self, slug: str, item_id: int, question_id: int):
        """Take one's upvote back."""
        event = event_or_404(slug)
        registration = _registrant(event)
        return _asked(api_rule(lambda: qa.vote(event, item_id, registration, question_id, False)))


@blp.route("/events/<slug>/items/<int:item_id>/questions/<int:question_id>")
class Moderate(MethodView):
    @api_public
    @blp.doc(parameters=HEADERS)
    @blp.arguments(ModerateSchema)
    @blp.response(200, AskedSchema)
    def patch(self, data: dict, slug: str, item_id: int, question_id: int):
        """approve, hide, answer, reopen, pin (the question now discussed) or unpin."""
        event = event_or_404(slug)
        _item(event, item_id)
        if not _moderates(event, item_id):
            abort(403, message="Only the item's moderators and the organisers moderate.")
        return _asked(api_rule(lambda: qa.moderate(event, item_id, question_id, data["action"])))
