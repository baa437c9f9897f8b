"""/api/v1/events/<slug>/staff: the event's organisers, door staff and delegation leads, and
invitations to join them. An invitation's answer shows its state, never its link: the link
goes only to the invited address."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields

from eventmgr.api.auth import BEARER, api_roles
from eventmgr.events import staff
from eventmgr.events.web import event_or_404
from eventmgr.platform.roles import Role
from eventmgr.platform.web import api_rule

blp = Blueprint("staff_api", __name__, description="Staff and invitations")
ROLES = [r.value for r in staff.STAFF_ROLES]


class StaffMemberOut(Schema):
    id = fields.Integer(metadata={"description": "The role's id: DELETE .../staff/<id>."})
    user_id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String(metadata={"enum": ROLES})


class InvitationOut(Schema):
    id = fields.Integer()
    email = fields.String()
    role = fields.String(metadata={"enum": ROLES})
    status = fields.Function(
        lambda invitation: invitation.status(),
        metadata={"type": "string", "enum": ["pending", "accepted", "expired", "withdrawn"]},
    )
    created_at = fields.DateTime()
    sent_at = fields.DateTime()
    expires_at = fields.DateTime()
    accepted_at = fields.DateTime(allow_none=True)


class StaffOut(Schema):
    members = fields.List(fields.Nested(StaffMemberOut))
    invitations = fields.List(fields.Nested(InvitationOut))


class InvitationIn(Schema):
    """Checked by the staff rules, which name a wrong email or role."""

    class Meta:
        unknown = RAISE

    email = fields.Raw(required=True, metadata={"type": "string", "format": "email"})
    role = fields.Raw(required=True, metadata={"type": "string", "enum": ROLES})


@blp.route("/events/<slug>/staff")
class Staff(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200, StaffOut)
    def get(self, slug: str):
        """Who runs the event (one entry per role), and every invitation sent."""
        event = event_or_404(slug)
        return {"members": staff.staff_of(event), "invitations": staff.invitations_of(event)}

    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.arguments(InvitationIn)
    @blp.response(201, InvitationOut)
    def post(self, data: dict, slug: str):
        """Invite an address to a role by mail (a link valid once, for 7 days); an open
        invitation for the same address and role is sent again instead. 409 `already_staff`
        when the person has the role."""
        event = event_or_404(slug)
        return api_rule(lambda: staff.invite(event, data["email"], data["role"], g.api_user))


@blp.route("/events/<slug>/staff/<int:staff_id>")
class StaffItem(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200, StaffMemberOut)
    def delete(self, slug: str, staff_id: int):
        """Take the role away; 409 `last_organiser` for the event's only organiser."""
        event = event_or_404(slug)
        return api_rule(lambda: staff.remove(event, staff_id))


@blp.route("/events/<slug>/staff/invitations/<int:invitation_id>")
class InvitationItem(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200, InvitationOut)
    def delete(self, slug: str, invitation_id: int):
        """Withdraw an invitation: its link stops working."""
        event = event_or_404(slug)
        return api_rule(lambda: staff.withdraw(staff.invitation_of(event, invitation_id)))


@blp.route("/events/<slug>/staff/invitations/<int:invitation_id>/resend")
class InvitationResend(MethodView):
    @api_roles(Role.ORGANISER)
    @blp.doc(security=BEARER)
    @blp.response(200, InvitationOut)
    def post(self, slug: str, invitation_id: int):
        """Send the invitation again with a new link, valid for 7 days from now."""
        event = event_or_404(slug)
        return api_rule(lambda: staff.resend(staff.invitation_of(event, invitation_id), g.api_user))
