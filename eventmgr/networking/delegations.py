"""Delegations: the organiser creates one and invites its lead; the lead adds the members.

Members are registered through the registration rules (capacity and the waiting list hold),
on site, marked "delegation", opted in to networking; each gets an account and a link to
choose a password, so they can sign in to their networking pages. Each rule commits its own
work; the invitation goes out once it has.
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from eventmgr.accounts.models import User
from eventmgr.accounts.services import get_or_create_user, grant_role, password_reset_token
from eventmgr.events.models import Event
from eventmgr.mail.services import queue_mail
from eventmgr.networking.models import Delegation, DelegationMember
from eventmgr.networking.services import NetworkingError
from eventmgr.platform.csvfile import CsvCheck
from eventmgr.platform.db import commit, db
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
    networking if they were not), with an invitation to choose its password."""
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


def add_member(delegation: Delegation, data: dict[str, Any], actor: str) -> DelegationMember:
    """Register the member (on site, marked Delegation, opted in) and give them an account.

    Someone registered already is marked and linked instead of registered twice. A wrong
    field is named as the member form names it (company, role).
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
        registration.update_details(found, {"role": "delegation", "networking_opt_in": True}, actor)
        reg = found
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
