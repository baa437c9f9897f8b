"""/api/v1/events/<slug>/programme, items, people and rooms: the same rules as the pages.

Times are ISO 8601 with an offset and given back in the event's zone. A saved item answers
with the item and the event's current clashes that involve it (clashes never refuse a save;
publishing with clashes needs "confirm": true).
"""

from __future__ import annotations

from flask import jsonify, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE, Schema, fields, validate

from eventmgr.api.auth import BEARER, api_public, api_roles
from eventmgr.events.web import event_or_404
from eventmgr.platform.db import rollback
from eventmgr.platform.roles import Role
from eventmgr.platform.web import api_rule
from eventmgr.programme import services
from eventmgr.programme.models import Delivery, Kind

blp = Blueprint("programme_api", __name__, description="Programme")

KINDS = [k.value for k in Kind]
DELIVERIES = [d.value for d in Delivery]


class ClashSchema(Schema):
    kind = fields.String()
    message = fields.String()
    item_ids = fields.List(fields.Integer())


class PersonRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    title = fields.String(allow_none=True)
    affiliation = fields.String(allow_none=True)


class ItemSchema(Schema):
    """A programme item; `parent_id` is the session of a talk."""

    class Meta:
        unknown = RAISE
        ordered = True

    id = fields.Integer(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=500))
    abstract = fields.String(allow_none=True, validate=validate.Length(max=10000))
    theme = fields.String(allow_none=True, validate=validate.Length(max=300))
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    room_id = fields.Integer(allow_none=True, strict=True)
    room = fields.String(dump_only=True, allow_none=True)
    parent_id = fields.Integer(allow_none=True, strict=True)
    delivery = fields.String(validate=validate.OneOf(DELIVERIES))
    cancelled = fields.Boolean()
    stream_url = fields.URL(
        allow_none=True,
        schemes={"http", "https"},
        validate=validate.Length(max=500),
        metadata={"description": "Overrides the room's stream; organisers only, never public"},
    )
    streamed = fields.Boolean(
        metadata={"description": "False keeps the item off the stream (shown as not streamed)"}
    )
    tech_check_at = fields.AwareDateTime(
        allow_none=True,
        metadata={"description": "A remote speaker's technical check; only mailed to them"},
    )
    connection_url = fields.URL(
        allow_none=True,
        schemes={"http", "https"},
        validate=validate.Length(max=500),
        metadata={"description": "A remote speaker's connection link; only mailed to them"},
    )
    speaker_ids = fields.List(fields.Integer(strict=True))
    moderator_ids = fields.List(fields.Integer(strict=True))
    speakers = fields.List(fields.Nested(PersonRefSchema), dump_only=True)
    moderators = fields.List(fields.Nested(PersonRefSchema), dump_only=True)


class PublishedItemSchema(ItemSchema):
    """An item as attendees see it: whether it is streamed, never where."""

    class Meta:
        ordered = True
        exclude = ("stream_url", "tech_check_at", "connection_url")


class ItemPatchSchema(ItemSchema):
    """A partial update of an item."""


class ItemResultSchema(Schema):
    item = fields.Nested(ItemSchema)
    clashes = fields.List(fields.Nested(ClashSchema))


class PublishedPersonSchema(PersonRefSchema):
    bio = fields.String(allow_none=True)
    links = fields.List(fields.String())
    photo_url = fields.String(allow_none=True)


class ProgrammeSchema(Schema):
    """The published programme (empty, version null, before the first publication)."""

    version = fields.Integer(allow_none=True)
    published_at = fields.AwareDateTime(allow_none=True)
    timezone = fields.String()
    items = fields.List(fields.Nested(PublishedItemSchema))
    people = fields.List(fields.Nested(PublishedPersonSchema))


class DraftSchema(Schema):
    items = fields.List(fields.Nested(ItemSchema))
    clashes = fields.List(fields.Nested(ClashSchema))


class PublishSchema(Schema):
    class Meta:
        unknown = RAISE

    confirm = fields.Boolean(load_default=False)


class VersionSchema(Schema):
    version = fields.Integer()
    published_at = fields.AwareDateTime()
    clashes = fields.Integer()


class PersonSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True

    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    title = fields.String(allow_none=True, validate=validate.Length(max=300))
    affiliation = fields.String(allow_none=True, validate=validate.Length(max=500))
    bio = fields.String(allow_none=True, validate=validate.Length(max=5000))
    links = fields.List(fields.URL(), load_default=None)
    email = fields.Email(
        allow_none=True,
        validate=validate.Length(max=254),
        metadata={"description": "For telling them their items; never public"},
    )
    language = fields.String(validate=validate.OneOf(("en", "nb")))
    has_photo = fields.Boolean(dump_only=True)


class RoomSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True

    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    capacity = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=0))
    stream_url = fields.URL(
        allow_none=True,
        schemes={"http", "https"},
        validate=validate.Length(max=500),
        metadata={"description": "The room's stream, for confirmed digital registrants only"},
    )


class PersonPatchSchema(PersonSchema):
    """A partial update of a person."""


class RoomPatchSchema(RoomSchema):
    """A partial update of a room."""


# ---------------------------------------------------------------- helpers


def _person_ref(person) -> dict:
    return {
        "id": person.id,
        "name": person.name,
        "title": person.title,
        "affiliation": person.affiliation,
    }


def item_dict(event, item) -> dict:
    return {
        "id": item.id,
        "kind": item.kind,
        "title": item.title,
        "abstract": item.abstract,
        "theme": item.theme,
        "starts_at": event.local(item.starts_at),
        "ends_at": event.local(item.ends_at),
        "room_id": item.room_id,
        "room": item.room.name if item.room else None,
        "parent_id": item.parent_id,
        "delivery": item.delivery,
        "cancelled": item.cancelled,
        "stream_url": item.stream_url,
        "streamed": item.streamed,
        "tech_check_at": event.local(item.tech_check_at) if item.tech_check_at else None,
        "connection_url": item.connection_url,
        "speaker_ids": [p.id for p in item.speakers],
        "moderator_ids": [p.id for p in item.moderators],
        "speakers": [_person_ref(p) for p in item.speakers],
        "moderators": [_person_ref(p) for p in item.moderators],
    }


def _result(event, item) -> dict:
    clashes = [c for c in services.find_clashes(event) if item.id in c.item_ids]
    return {"item": item_dict(event, item), "clashes": [c.as_dict() for c in clashes]}


def _found(value, what: str, ident: int):
    if value is None:
        abort(404, message=f"No {what} {ident} in this event.")
    return value


# ---------------------------------------------------------------- the published programme


@blp.route("/events/<slug>/programme")
class Programme(MethodView):
    @api_public
    @blp.response(200, ProgrammeSchema)
    def get(self, slug: str):
        """The published programme; attendees never see the draft.

        Built as plain JSON here (the schema documents it): dumping 200 items field by field
        through marshmallow took two thirds of the request.
        """
        event = event_or_404(slug)
        return jsonify(published_json(event, services.public_programme(event)))


def published_json(event, published) -> dict:
    tz = event.tz
    clock = {}

    def iso(moment) -> str:
        if moment not in clock:
            clock[moment] = moment.astimezone(tz).isoformat()
        return clock[moment]

    version = published.version
    photo = url_for("programme.photo", slug=event.slug, person_id=0)[: -len("0/photo")]
    return {
        "version": version.number if version else None,
        "published_at": iso(version.published_at) if version else None,
        "timezone": event.timezone,
        "items": [
            {
                "id": i.id,
                "kind": i.kind,
                "title": i.title,
                "abstract": i.abstract,
                "theme": i.theme,
                "starts_at": iso(i.starts_at),
                "ends_at": iso(i.ends_at),
                "room": i.room,
                "parent_id": i.parent_id,
                "delivery": i.delivery,
                "cancelled": i.cancelled,
                "streamed": i.streamed,
                "speaker_ids": [p["id"] for p in i.speakers],
                "moderator_ids": [p["id"] for p in i.moderators],
            }
            for i in published.items
        ],
        "people": [
            {
                "id": p["id"],
                "name": p["name"],
                "title": p["title"],
                "affiliation": p["affiliation"],
                "bio": p["bio"],
                "links": p["links"],
                "photo_url": f"{photo}{p['id']}/photo?v={p['photo_version']}"
                if p["photo_version"]
                else None,
            }
            for p in published.people
        ],
    }


@blp.route("/events/<slug>/programme/draft")
class Draft(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200, DraftSchema)
    def get(self, slug: str):
        """The draft programme and every clash in it."""
        event = event_or_404(slug)
        items = services.items_of(event)
        clashes = services.find_clashes(event, items)
        return {
            "items": [item_dict(event, i) for i in items],
            "clashes": [c.as_dict() for c in clashes],
        }


@blp.route("/events/<slug>/programme/publish")
class Publish(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(PublishSchema)
    @blp.response(201, VersionSchema)
    def post(self, data: dict, slug: str):
        """Publish the draft as the next version; with clashes, send "confirm": true."""
        event = event_or_404(slug)
        try:
            version = services.publish(event, confirm=data["confirm"])
        except services.ClashesNeedConfirmation as exc:
            rollback()
            abort(
                409,
                message="; ".join(c.message for c in exc.clashes),
                messages={"json": exc.fields},
            )
        return {
            "version": version.number,
            "published_at": version.published_at.astimezone(event.tz),
            "clashes": version.clash_count,
        }


# ---------------------------------------------------------------- items


@blp.route("/events/<slug>/programme/items")
class Items(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(ItemSchema)
    @blp.response(201, ItemResultSchema)
    def post(self, data: dict, slug: str):
        """Add an item; the answer lists the clashes it is part of."""
        event = event_or_404(slug)
        item = api_rule(lambda: services.create_item(event, data))
        return _result(event, item)


@blp.route("/events/<slug>/programme/items/<int:item_id>")
class ItemResource(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200, ItemResultSchema)
    def get(self, slug: str, item_id: int):
        """One draft item and its clashes."""
        event = event_or_404(slug)
        return _result(event, _found(services.item_of(event, item_id), "item", item_id))

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(ItemPatchSchema(partial=True))
    @blp.response(200, ItemResultSchema)
    def patch(self, data: dict, slug: str, item_id: int):
        """Change some fields (moving is changing starts_at, ends_at or room_id)."""
        event = event_or_404(slug)
        item = _found(services.item_of(event, item_id), "item", item_id)
        api_rule(lambda: services.update_item(event, item, data))
        return _result(event, item)

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(204)
    def delete(self, slug: str, item_id: int):
        """Delete an item (a session's talks go with it)."""
        event = event_or_404(slug)
        services.delete_item(_found(services.item_of(event, item_id), "item", item_id))


# ---------------------------------------------------------------- people


def _person_dict(person) -> dict:
    return {
        "id": person.id,
        "name": person.name,
        "title": person.title,
        "affiliation": person.affiliation,
        "bio": person.bio,
        "links": list(person.links or []),
        "email": person.email,
        "language": person.language,
        "has_photo": person.has_photo,
    }


@blp.route("/events/<slug>/people")
class People(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200, PersonSchema(many=True))
    def get(self, slug: str):
        """Every speaker and moderator of the event."""
        return [_person_dict(p) for p in services.people_of(event_or_404(slug))]

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(PersonSchema)
    @blp.response(201, PersonSchema)
    def post(self, data: dict, slug: str):
        """Add a speaker or moderator (photos are uploaded on the person's page)."""
        event = event_or_404(slug)
        person = api_rule(lambda: services.save_person(event, data))
        return _person_dict(person)


@blp.route("/events/<slug>/people/<int:person_id>")
class PersonResource(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(PersonPatchSchema(partial=True))
    @blp.response(200, PersonSchema)
    def patch(self, data: dict, slug: str, person_id: int):
        event = event_or_404(slug)
        person = _found(services.person_of(event, person_id), "person", person_id)
        api_rule(lambda: services.save_person(event, data, person))
        return _person_dict(person)

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(204)
    def delete(self, slug: str, person_id: int):
        """Delete a person; they are taken off every item."""
        event = event_or_404(slug)
        services.delete_person(_found(services.person_of(event, person_id), "person", person_id))


# ---------------------------------------------------------------- rooms


def _room_dict(room) -> dict:
    return {
        "id": room.id,
        "name": room.name,
        "capacity": room.capacity,
        "stream_url": room.stream_url,
    }


@blp.route("/events/<slug>/rooms")
class Rooms(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200, RoomSchema(many=True))
    def get(self, slug: str):
        return [_room_dict(r) for r in services.rooms_of(event_or_404(slug))]

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(RoomSchema)
    @blp.response(201, RoomSchema)
    def post(self, data: dict, slug: str):
        event = event_or_404(slug)
        room = api_rule(lambda: services.save_room(event, data))
        return _room_dict(room)


@blp.route("/events/<slug>/rooms/<int:room_id>")
class RoomResource(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(RoomPatchSchema(partial=True))
    @blp.response(200, RoomSchema)
    def patch(self, data: dict, slug: str, room_id: int):
        event = event_or_404(slug)
        room = _found(services.room_of(event, room_id), "room", room_id)
        api_rule(lambda: services.save_room(event, data, room))
        return _room_dict(room)

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(204)
    def delete(self, slug: str, room_id: int):
        """Delete a room; its items keep their times and lose their room."""
        event = event_or_404(slug)
        services.delete_room(_found(services.room_of(event, room_id), "room", room_id))
