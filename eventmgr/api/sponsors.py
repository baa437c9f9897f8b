"""/api/v1/events/<slug>/sponsors: the event's sponsors and partners, and their logos."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import RAISE, Schema, fields, validate

from eventmgr.api.auth import BEARER, api_public, api_roles
from eventmgr.events.web import event_or_404
from eventmgr.platform.roles import Role
from eventmgr.platform.web import api_rule
from eventmgr.sponsors import services
from eventmgr.sponsors.models import LEVELS

blp = Blueprint("sponsors_api", __name__, description="Sponsors and partners")


class SponsorOut(Schema):
    id = fields.Integer()
    name = fields.String()
    url = fields.String(allow_none=True)
    level = fields.String(metadata={"enum": list(LEVELS)})
    position = fields.Integer()
    on_badges = fields.Boolean()
    on_stream = fields.Boolean()
    logo_url = fields.Method("_logo_url", allow_none=True, metadata={"type": "string"})

    def _logo_url(self, sponsor) -> str | None:
        if not sponsor.has_logo:
            return None
        return url_for(
            "sponsors.logo", slug=sponsor.event.slug, sponsor_id=sponsor.id, v=sponsor.logo_version
        )


class SponsorIn(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    url = fields.URL(
        allow_none=True,
        schemes={"http", "https"},
        validate=validate.Length(max=500),
        metadata={"description": "The sponsor's web site."},
    )
    level = fields.String(load_default="sponsor", validate=validate.OneOf(LEVELS))
    position = fields.Integer(
        strict=True,
        validate=validate.Range(min=0, max=9999),
        metadata={"description": "Order within the level, smaller first."},
    )
    on_badges = fields.Boolean(metadata={"description": "The logo goes on badges."})
    on_stream = fields.Boolean(metadata={"description": "Shown beside the stream link."})


class SponsorPatch(SponsorIn):
    level = fields.String(validate=validate.OneOf(LEVELS))


class LogoIn(Schema):
    logo = Upload(required=True, metadata={"description": "PNG, JPEG or WebP, at most 5 MB."})


@blp.route("/events/<slug>/sponsors")
class Sponsors(MethodView):
    @api_public
    @blp.response(200, SponsorOut(many=True))
    def get(self, slug: str):
        """The event's sponsors and partners, by level."""
        return services.sponsors_of(event_or_404(slug))

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(SponsorIn)
    @blp.response(201, SponsorOut)
    def post(self, data: dict, slug: str):
        """Add a sponsor or partner (its logo is uploaded apart: PUT .../logo)."""
        event = event_or_404(slug)
        return api_rule(lambda: services.save_sponsor(event, data))


@blp.route("/events/<slug>/sponsors/<int:sponsor_id>")
class SponsorItem(MethodView):
    @api_public
    @blp.response(200, SponsorOut)
    def get(self, slug: str, sponsor_id: int):
        """One sponsor."""
        event = event_or_404(slug)
        return api_rule(lambda: services.sponsor_of(event, sponsor_id))

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(SponsorPatch(partial=True))
    @blp.response(200, SponsorOut)
    def patch(self, data: dict, slug: str, sponsor_id: int):
        """Change some fields."""
        event = event_or_404(slug)

        def change():
            return services.save_sponsor(event, data, services.sponsor_of(event, sponsor_id))

        return api_rule(change)

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(204)
    def delete(self, slug: str, sponsor_id: int):
        """Remove a sponsor."""
        event = event_or_404(slug)
        api_rule(lambda: services.delete_sponsor(services.sponsor_of(event, sponsor_id)))


@blp.route("/events/<slug>/sponsors/<int:sponsor_id>/logo")
class SponsorLogo(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(LogoIn, location="files")
    @blp.response(200, SponsorOut)
    def put(self, files: dict, slug: str, sponsor_id: int):
        """Upload the logo (multipart/form-data, field `logo`): checked and re-encoded as PNG;
        a file that is not a usable image is a 422 naming `logo`."""
        event = event_or_404(slug)
        data = files["logo"].read(services.logos.MAX_BYTES + 1)

        def upload():
            return services.save_sponsor(
                event, {}, services.sponsor_of(event, sponsor_id), logo=data
            )

        return api_rule(upload)

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200, SponsorOut)
    def delete(self, slug: str, sponsor_id: int):
        """Remove the logo."""
        event = event_or_404(slug)

        def remove():
            sponsor = services.sponsor_of(event, sponsor_id)
            return services.save_sponsor(event, {}, sponsor, remove_logo=True)

        return api_rule(remove)
