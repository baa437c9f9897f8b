"""An event's staff: its organisers, door staff and delegation leads, and the invitations that
bring them in without shell access.

An invitation goes to an address, by a link that works once and for seven days (only its
SHA-256 is stored, as for manage links). Opening it proves the address: the person chooses a
password there when the address has no account yet, or signs in to the account it has; either
way the role is given to the account of the invited address, never to another one. Every
change is in the audit log.
"""

from __future__ import annotations

import secrets
from contextlib import nullcontext
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_request_context, render_template
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from eventmgr import audit
from eventmgr.accounts.models import RoleAssignment, User
from eventmgr.accounts.services import (
    find_user,
    get_or_create_user,
    grant_role,
    normalise_email,
)
from eventmgr.events.models import PENDING, Event, StaffInvitation
from eventmgr.events.services import EventError
from eventmgr.mail.services import queue_mail
from eventmgr.platform.db import commit, db, utcnow
from eventmgr.platform.roles import Role
from eventmgr.platform.tokens import hash_secret
from eventmgr.platform.urls import external_url

STAFF_ROLES = (Role.ORGANISER, Role.DOOR_STAFF, Role.DELEGATION_LEAD)
ROLE_LABELS = {
    Role.ORGANISER: _l("Organiser"),
    Role.DOOR_STAFF: _l("Door staff"),
    Role.DELEGATION_LEAD: _l("Delegation lead"),
}
STATUS_LABELS = {
    "pending": _l("Waiting for an answer"),
    "accepted": _l("Accepted"),
    "expired": _l("Expired"),
    "withdrawn": _l("Withdrawn"),
}


@dataclass(frozen=True)
class StaffMember:
    """One role of one person at the event (a person with two roles is listed twice)."""

    id: int  # the role's id: what DELETE .../staff/<id> removes
    user_id: int
    email: str
    name: str
    role: str


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(Role(role), role))


def staff_of(event: Event) -> list[StaffMember]:
    rows = db.session.execute(
        select(RoleAssignment.id, User.id, User.email, User.name, RoleAssignment.role)
        .join(User, User.id == RoleAssignment.user_id)
        .where(
            RoleAssignment.event_id == event.id,
            RoleAssignment.role.in_([r.value for r in STAFF_ROLES]),
        )
        .order_by(RoleAssignment.role, func.lower(User.name), User.email)
    )
    return [StaffMember(*row) for row in rows]


def invitations_of(event: Event) -> list[StaffInvitation]:
    """Every invitation of the event, newest first (accepted and withdrawn ones too: a record
    of who was asked)."""
    return list(
        db.session.scalars(
            select(StaffInvitation)
            .where(StaffInvitation.event_id == event.id)
            .order_by(StaffInvitation.created_at.desc(), StaffInvitation.id.desc())
        )
    )


def invitation_of(event: Event, invitation_id: int) -> StaffInvitation:
    found = db.session.get(StaffInvitation, invitation_id)
    if found is None or found.event_id != event.id:
        raise EventError({"invitation": _("No such invitation for this event.")}, 404)
    return found


def invitation_for_token(token: str) -> StaffInvitation | None:
    """The invitation a link names, whatever its state (the page says which)."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(StaffInvitation).where(StaffInvitation.token_hash == hash_secret(token))
    )


# --------------------------------------------------------------------------- inviting


def _clean_invitation(email: object, role: object) -> tuple[str, Role]:
    errors = {}
    address = ""
    if not isinstance(email, str) or not email.strip() or len(email) > 254:
        errors["email"] = _("Give a valid email address, such as name@example.org.")
    else:
        try:
            address = validate_email(email.strip(), check_deliverability=False).normalized
        except EmailNotValidError:
            errors["email"] = _("Give a valid email address, such as name@example.org.")
    roles = [r.value for r in STAFF_ROLES]
    if role not in roles:
        errors["role"] = _("Choose one of: %(choices)s.", choices=", ".join(roles))
    if errors:
        raise EventError(errors)
    return normalise_email(address), Role(role)


def invite(event: Event, email: object, role: object, inviter: User | None) -> StaffInvitation:
    """Invite an address to a role; an open invitation for the same address and role is sent
    again with a fresh link instead of a second one. Someone who has the role already is 409."""
    address, role = _clean_invitation(email, role)
    user = find_user(address)
    if user is not None and any(a.role == role and a.event_id == event.id for a in user.roles):
        raise EventError(
            {"email": _("%(email)s is %(role)s already.", email=address, role=role_label(role))},
            409,
            code="already_staff",
        )
    open_one = db.session.scalar(
        select(StaffInvitation).where(
            StaffInvitation.event_id == event.id,
            StaffInvitation.email == address,
            StaffInvitation.role == role.value,
            StaffInvitation.accepted_at.is_(None),
            StaffInvitation.withdrawn_at.is_(None),
        )
    )
    if open_one is not None:
        return resend(open_one, inviter)
    invitation = StaffInvitation(
        event_id=event.id,
        email=address,
        role=role.value,
        token_hash="",
        invited_by_id=inviter.id if inviter is not None else None,
        expires_at=utcnow(),
    )
    db.session.add(invitation)
    db.session.flush()
    _send(invitation, event, inviter)
    audit.record(
        "staff.invited",
        event=event,
        target=invitation,
        details={"email": address, "role": role.value},
    )
    commit()
    return invitation


def resend(invitation: StaffInvitation, inviter: User | None) -> StaffInvitation:
    """Send again with a new link, valid for seven days from now (the old link stops working)."""
    if invitation.accepted_at is not None or invitation.withdrawn_at is not None:
        raise EventError(
            {"invitation": _("This invitation was answered or withdrawn.")},
            409,
            code="invitation_closed",
        )
    _send(invitation, invitation.event, inviter)
    audit.record(
        "staff.invitation_resent",
        event=invitation.event_id,
        target=invitation,
        details={"email": invitation.email, "role": invitation.role},
    )
    commit()
    return invitation


def withdraw(invitation: StaffInvitation) -> StaffInvitation:
    """The link stops working; an accepted invitation is a role now (remove that instead)."""
    if invitation.accepted_at is not None:
        raise EventError(
            {"invitation": _("This invitation was accepted: remove the role instead.")},
            409,
            code="invitation_closed",
        )
    if invitation.withdrawn_at is None:
        invitation.withdrawn_at = utcnow()
        audit.record(
            "staff.invitation_withdrawn",
            event=invitation.event_id,
            target=invitation,
            details={"email": invitation.email, "role": invitation.role},
        )
    commit()
    return invitation


def _send(invitation: StaffInvitation, event: Event, inviter: User | None) -> None:
    """A new token (only its hash is kept), seven more days, and the mail, in the invitee's
    language when they have an account, else the inviting organiser's."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    invitation.token_hash = hash_secret(token)
    invitation.sent_at = now
    invitation.expires_at = now + StaffInvitation.lifetime()
    invitee = find_user(invitation.email)
    language = (invitee.locale if invitee else None) or str(get_locale() or "en")
    outside = (  # a command or a job: templates need a request (the menu, url_for)
        nullcontext()
        if has_request_context()
        else current_app.test_request_context(base_url=current_app.config["BASE_URL"])
    )
    with outside, force_locale(language):
        body = render_template(
            "mail/staff_invitation.txt",
            event=event,
            inviter=inviter,
            role=role_label(invitation.role),
            link=external_url("events.invitation", token=token),
            has_account=invitee is not None,
            privacy_url=external_url("pages.privacy", slug=event.slug),
        )
        subject = _(
            "Invitation: %(role)s at %(event)s", role=role_label(invitation.role), event=event.name
        )
    queue_mail(invitation.email, subject, body, rule="events.staff_invitation")


# --------------------------------------------------------------------------- answering


def _check_open(invitation: StaffInvitation) -> None:
    state = invitation.status()
    if state != PENDING:
        messages = {
            "accepted": _("This invitation has been used already."),
            "expired": _("This invitation has expired; ask the organiser to send it again."),
            "withdrawn": _("This invitation was withdrawn."),
        }
        raise EventError({"invitation": messages[state]}, 410)


def accept(invitation: StaffInvitation, user: User) -> RoleAssignment:
    """The signed-in account of the invited address takes the role."""
    _check_open(invitation)
    if normalise_email(user.email) != invitation.email:
        raise EventError(
            {
                "invitation": _(
                    "This invitation is for %(email)s; sign in with that address to accept it.",
                    email=invitation.email,
                )
            },
            403,
        )
    return _take_role(invitation, user)


def accept_with_new_account(invitation: StaffInvitation, name: str, password: str) -> User:
    """The invited address has no account yet: it gets one with the password chosen on the
    invitation page (the link proved the address), and the role."""
    _check_open(invitation)
    if find_user(invitation.email) is not None:
        raise EventError({"invitation": _("This address has an account: sign in to accept.")}, 409)
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        raise EventError({"name": _("Give your name (at most 200 characters).")})
    user = get_or_create_user(invitation.email, name=name, password=password)
    db.session.flush()
    _take_role(invitation, user)
    return user


def _take_role(invitation: StaffInvitation, user: User) -> RoleAssignment:
    assignment = grant_role(user, invitation.role, invitation.event_id)
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    audit.record(
        "staff.invitation_accepted",
        event=invitation.event_id,
        target=invitation,
        details={"email": invitation.email, "role": invitation.role},
        actor=user,
    )
    commit()
    return assignment


# --------------------------------------------------------------------------- removing


def remove(event: Event, assignment_id: int) -> StaffMember:
    """Take one role away; the event always keeps at least one organiser."""
    assignment = db.session.get(RoleAssignment, assignment_id)
    if (
        assignment is None
        or assignment.event_id != event.id
        or assignment.role not in [r.value for r in STAFF_ROLES]
    ):
        raise EventError({"staff": _("No such role at this event.")}, 404)
    if assignment.role == Role.ORGANISER and _organiser_count(event) <= 1:
        raise EventError(
            {"staff": _("The event needs an organiser: invite another one first.")},
            409,
            code="last_organiser",
        )
    user = assignment.user
    member = StaffMember(assignment.id, user.id, user.email, user.name, assignment.role)
    user.roles.remove(assignment)
    audit.record(
        "staff.role_removed",
        event=event,
        target=("User", user.id),
        details={"email": user.email, "role": member.role},
    )
    commit()
    return member


def _organiser_count(event: Event) -> int:
    return db.session.scalar(
        select(func.count(RoleAssignment.id)).where(
            RoleAssignment.event_id == event.id, RoleAssignment.role == Role.ORGANISER
        )
    )
