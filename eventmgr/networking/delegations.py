"""Delegations: the organiser creates one and invites its lead; the lead adds the members.

Members are registered through the registration rules (capacity and the waiting list hold),
on site, marked "delegation", opted in to networking; each gets an account and a link to
choose a password, so they can sign in to their networking pages. Each rule commits its own
work; the invitation goes out once it has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from eventmgr.accounts.models import User
from eventmgr.accounts.services import get_or_create_user, grant_role, password_reset_token
from eventmgr.events.models import Event
from eventmgr.mail.services import queue_mail
from eventmgr.networking.models import Delegation, DelegationMember
from eventmgr.networking.services import NetworkingError
from eventmgr.platform.csvfile import CsvCheck
from eventmgr.platform.db import begin_write, commit, db
from eventmgr.platform.roles import Role
from eventmgr.platform.text import has_control
from eventmgr.platform.urls import external_url
from eventmgr.registration import services as registration
from eventmgr.registration.models import Registration

MEMBER_COLUMNS = ("name", "email", "company", "role")
# The registration rules' names for a member's company and role, as the member form names them.
MEMBER_FIELDS = {"organisation": "company", "job_title": "role"}


def delegations_of(event: Event) -> list[Delegation]:
    return list(
        db.session.scalars(
            select(Delegation).where(Delegation.event_id == event.id).order_by(Delegation.name)
        )
    )


def delegation_for(event: Event, delegation_id: int) -> Delegation:
    found = db.session.get(Delegation, delegation_id)
    if found is None or found.event_id != event.id:
        raise NetworkingError({"delegation": _("No such delegation.")}, 404)
    return found


def may_manage(user: Any, delegation: Delegation) -> bool:
    """The delegation's own lead, the event's organisers and administrators."""
    return bool(
        user.is_admin
        or user.has_role(Role.ORGANISER, delegation.event_id)
        or (delegation.lead_user_id == user.id)
    )


def led_by(user: User, event: Event) -> list[Delegation]:
    return [d for d in delegations_of(event) if d.lead_user_id == user.id]


def _invite(user: User, event: Event, why: str) -> None:
    """A link to choose a password (the password-reset link), in an invitation queued in the
    caller's unit of work."""
    link = external_url("accounts.reset", token=password_reset_token(user))
    with force_locale(user.locale or "en"):
        body = render_template(
            "mail/networking_invite.txt",
            user=user,
            event=event,
            link=link,
            why=why,
            page=external_url("networking.home", slug=event.slug),
            privacy_url=external_url("pages.privacy", slug=event.slug),
        )
        subject = _("You are invited: %(event)s", event=event.name)
        queue_mail(user.email, subject, body, rule="networking.invitation")


def invite_to_networking(attendee: Registration) -> User:
    """From the manage link: networking needs an account, so the person gets one (opted in to
    networking if they were not), with an invitation to choose its password. Only to a proven
    address: an account is never offered to an address typed by someone else."""
    if not attendee.is_proven:
        raise NetworkingError(
            {"email": _("Open the link mailed to your address first, to confirm it is yours.")},
            409,
        )
    user = get_or_create_user(attendee.email, name=attendee.name)
    if not attendee.networking_opt_in:
        registration.update_details(attendee, {"networking_opt_in": True}, registration.ATTENDEE)
    db.session.flush()
    event = attendee.event
    _invite(user, event, _("Sign in to take part in networking at %(event)s.", event=event.name))
    commit()
    return user


def _clean_person(data: dict[str, Any]) -> dict[str, str]:
    """Name, email, company and role, by the registration rules (no category is checked here)."""
    return registration.clean(
        {
            "name": data.get("name"),
            "email": data.get("email"),
            "organisation": data.get("company") or "",
            "job_title": data.get("role") or "",
        },
        categories=(),
        public=False,
        partial=True,
    )


def create_delegation(event: Event, data: dict[str, Any]) -> Delegation:
    """A delegation and its lead's account (delegation_lead for this event), invited by mail."""
    errors: dict[str, str] = {}
    name = " ".join(str(data.get("name") or "").split())
    home = " ".join(str(data.get("home_organisation") or "").split())
    for field, text in (("name", name), ("home_organisation", home)):
        if has_control(text):
            errors[field] = _("Remove the control characters.")
    if not name:
        errors.setdefault("name", _("This field is required."))
    elif len(name) > 200:
        errors.setdefault("name", _("At most %(n)d characters.", n=200))
    if len(home) > 200:
        errors.setdefault("home_organisation", _("At most %(n)d characters.", n=200))
    try:
        lead = _clean_person({"name": data.get("lead_name"), "email": data.get("lead_email")})
    except registration.RegistrationError as exc:
        errors.update({f"lead_{k}": v for k, v in exc.fields.items()})
        lead = {}
    if errors:
        raise NetworkingError(errors)
    user = get_or_create_user(lead["email"], name=lead["name"])
    db.session.flush()
    grant_role(user, Role.DELEGATION_LEAD, event.id)
    delegation = Delegation(event_id=event.id, name=name, home_organisation=home, lead=user)
    db.session.add(delegation)
    db.session.flush()
    _invite(user, event, _("You lead the delegation %(name)s.", name=name))
    commit()
    return delegation


def add_member(delegation: Delegation, data: dict[str, Any], actor: str) -> DelegationMember | None:
    """Register the member (on site, marked Delegation, opted in) and give them an account.

    Someone registered already is only invited to join (None): their registration is theirs,
    so nothing changes until they accept by the link mailed to them. A wrong field is named as
    the member form names it (company, role).
    """
    event = db.session.get(Event, delegation.event_id)
    try:
        values = _clean_person(data)
    except registration.RegistrationError as exc:
        raise NetworkingError({MEMBER_FIELDS.get(k, k): v for k, v in exc.fields.items()}) from None
    delegation_id = delegation.id
    found = registration.existing(event.id, values["email"])
    if found is not None:
        if db.session.scalar(
            select(DelegationMember).where(DelegationMember.registration_id == found.id)
        ):
            raise NetworkingError({"email": _("This person is in a delegation already.")}, 409)
        begin_write(db.session)  # SQLite: a read transaction cannot become a write one
        _ask_to_join(db.session.get(Delegation, delegation_id), _reload(found), values)
        commit()
        return None
    else:
        outcome = registration.register(
            event,
            values
            | {
                # founders of companies; an event without that category files them under none
                "category": "industry" if "industry" in event.category_keys else "",
                "mode": "on_site",
                "role": "delegation",
                "networking_opt_in": True,
            },
            actor=actor,
            public=False,
        )
        reg = outcome.registration
    delegation = db.session.get(Delegation, delegation_id)
    member = DelegationMember(
        delegation_id=delegation.id,
        registration_id=reg.id,
        company=values.get("organisation", ""),
        role=values.get("job_title", ""),
    )
    db.session.add(member)
    user = get_or_create_user(values["email"], name=values["name"])
    db.session.flush()
    _invite(user, event, _("You are a member of the delegation %(name)s.", name=delegation.name))
    commit()
    return member


JOIN_MAX_AGE = 14 * 24 * 3600  # seconds an invitation to join a delegation stays valid
KEPT_ROLES = ("speaker", "moderator", "press", "organiser")  # never overwritten by joining


def _join_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="delegation-join")


def _reload(found: Registration) -> Registration:
    return db.session.get(Registration, found.id, populate_existing=True)


def _ask_to_join(delegation: Delegation, found: Registration, values: dict[str, Any]) -> None:
    """Mail the registered person an invitation to join, with a link that accepts it."""
    token = _join_serializer().dumps(
        {
            "d": delegation.id,
            "r": found.id,
            "c": values.get("organisation", ""),
            "j": values.get("job_title", ""),
        }
    )
    event = found.event
    with force_locale(found.language or "en"):
        body = render_template(
            "mail/delegation_join.txt",
            name=found.name,
            delegation=delegation,
            event=event,
            link=external_url("networking.join_delegation", slug=event.slug, token=token),
            privacy_url=external_url("pages.privacy", slug=event.slug),
        )
        subject = _("Join the delegation %(name)s?", name=delegation.name)
    queue_mail(found.email, subject, body, rule="networking.delegation_join")


@dataclass
class JoinOffer:
    """An invitation to join a delegation, read from its link."""

    delegation: Delegation
    registration: Registration
    company: str
    role: str


def join_offer(event: Event, token: str) -> JoinOffer | None:
    """The invitation behind a link: genuine, not expired, for this event; else None."""
    try:
        data = _join_serializer().loads(token, max_age=JOIN_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict):
        return None
    delegation = db.session.get(Delegation, data.get("d"))
    found = db.session.get(Registration, data.get("r"))
    if delegation is None or found is None or delegation.event_id != event.id:
        return None
    if found.event_id != event.id or found.anonymised_at is not None:
        return None
    return JoinOffer(delegation, found, str(data.get("c", "")), str(data.get("j", "")))


def accept_join(offer: JoinOffer) -> DelegationMember:
    """The person accepts: they join (opted in to networking, marked delegation unless they
    hold a speaker's, moderator's, press or organiser's role), their address is proven (the
    link came to it) and they get an account invitation."""
    found = offer.registration
    if db.session.scalar(
        select(DelegationMember).where(DelegationMember.registration_id == found.id)
    ):
        raise NetworkingError({"delegation": _("You are in a delegation already.")}, 409)
    if found.status == "cancelled":
        raise NetworkingError({"delegation": _("This registration is cancelled.")}, 409)
    delegation_id, registration_id = offer.delegation.id, found.id
    registration.prove(found)
    found = db.session.get(Registration, registration_id)
    changes: dict[str, Any] = {"networking_opt_in": True}
    if found.role not in KEPT_ROLES:
        changes["role"] = "delegation"
    registration.update_details(found, changes, registration.ATTENDEE + " (joined a delegation)")
    delegation = db.session.get(Delegation, delegation_id)
    member = DelegationMember(
        delegation_id=delegation_id,
        registration_id=registration_id,
        company=offer.company,
        role=offer.role,
    )
    db.session.add(member)
    found = db.session.get(Registration, registration_id)
    user = get_or_create_user(found.email, name=found.name)
    db.session.flush()
    _invite(
        user, found.event, _("You are a member of the delegation %(name)s.", name=delegation.name)
    )
    commit()
    return member


def check_members_csv(event: Event, raw: bytes) -> CsvCheck:
    """Columns name, email, company, role; every bad row by line; nothing is stored here."""
    result = CsvCheck()
    members = set(
        db.session.scalars(
            select(DelegationMember.registration_id)
            .join(Delegation)
            .where(Delegation.event_id == event.id)
        )
    )
    for line, data in result.lines(raw, ("name", "email")):
        try:
            values = _clean_person(data)
        except registration.RegistrationError as exc:
            result.refuse(line, exc.fields)
            continue
        if not result.first_email(line, values["email"]):
            continue
        found = registration.existing(event.id, values["email"].lower())
        if found is not None and found.id in members:
            result.problems.append((line, _("email: this person is in a delegation already.")))
            continue
        result.rows.append(
            {
                "name": values["name"],
                "email": values["email"],
                "company": values.get("organisation", ""),
                "role": values.get("job_title", ""),
            }
        )
    return result
