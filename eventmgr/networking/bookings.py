"""Facilitated meetings and delegation leads acting for their members.

Organisers, and the hosts an organiser names (an incubator's team), book a meeting between two
participants directly, with a note why: it is accepted for both at once, both are told and
either may decline it (services.cancel_request). A delegation lead asks, accepts and declines
for the delegation's members and sees their agendas. Each rule commits its own work.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from eventmgr.accounts.models import User
from eventmgr.accounts.services import get_or_create_user
from eventmgr.events.models import Event
from eventmgr.networking import services
from eventmgr.networking.mails import notify
from eventmgr.networking.models import (
    ACCEPTED,
    PENDING,
    Delegation,
    DelegationMember,
    MeetingBooking,
    MeetingRequest,
    NetworkingHost,
)
from eventmgr.networking.services import NetworkingError, colleagues, takes_part
from eventmgr.platform.db import commit, db, utcnow
from eventmgr.platform.roles import Role
from eventmgr.platform.text import has_control
from eventmgr.registration.models import Registration

NOTE_LIMIT = 1000


# --------------------------------------------------------------------------- hosts


def hosts_of(event: Event) -> list[NetworkingHost]:
    return list(
        db.session.scalars(
            select(NetworkingHost)
            .where(NetworkingHost.event_id == event.id)
            .order_by(NetworkingHost.id)
        )
    )


def is_host(user: Any, event: Event) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and db.session.scalar(
            select(NetworkingHost.id).where(
                NetworkingHost.event_id == event.id, NetworkingHost.user_id == user.id
            )
        )
    )


def may_book(user: Any, event: Event) -> bool:
    """Organisers, administrators and the event's hosts."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_admin or user.has_role(Role.ORGANISER, event.id) or is_host(user, event))


def add_host(event: Event, email: Any, name: Any = "") -> NetworkingHost:
    """Name someone a host by their address; an account is made for a new address, and they
    sign in with it once they have chosen a password (the login page's reset link)."""
    from eventmgr.registration.services import RegistrationError, clean

    try:
        values = clean(
            {"name": name or (email or ""), "email": email},
            categories=(),
            public=False,
            partial=True,
        )
    except RegistrationError as exc:
        raise NetworkingError(
            {"email": exc.fields.get("email", _("Give an email address."))}
        ) from None
    user = get_or_create_user(values["email"], name=str(name or "").strip()[:200])
    db.session.flush()
    found = db.session.scalar(
        select(NetworkingHost).where(
            NetworkingHost.event_id == event.id, NetworkingHost.user_id == user.id
        )
    )
    if found is not None:
        raise NetworkingError({"email": _("This person is a host already.")}, 409)
    host = NetworkingHost(event_id=event.id, user_id=user.id)
    db.session.add(host)
    commit()
    return host


def remove_host(event: Event, host_id: int) -> None:
    host = db.session.get(NetworkingHost, host_id)
    if host is None or host.event_id != event.id:
        raise NetworkingError({"host": _("No such host.")}, 404)
    db.session.delete(host)
    commit()


# --------------------------------------------------------------------------- bookings


def _participant(event: Event, value: Any, field: str) -> Registration:
    person = None
    if isinstance(value, int) and not isinstance(value, bool):
        person = db.session.get(Registration, value)
    if person is None or person.event_id != event.id or not takes_part(person):
        raise NetworkingError({field: _("No such participant.")}, 404)
    return person


def book_meeting(event: Event, user: User, data: dict[str, Any]) -> MeetingRequest:
    """Book a meeting between `from` and `to` (registration ids), with the colleagues named in
    `from_with` / `to_with` and a `note` why; both sides are told and may decline."""
    if not may_book(user, event):
        raise NetworkingError({"booking": _("Only organisers and hosts book meetings.")}, 403)
    services.settings_for(event)
    note = data.get("note") or ""
    errors: dict[str, str] = {}
    if not isinstance(note, str):
        errors["note"] = _("Give text.")
    elif has_control(note):
        errors["note"] = _("Remove the control characters.")
    elif not note.strip():
        errors["note"] = _("Say why they should meet.")
    elif len(note.strip()) > NOTE_LIMIT:
        errors["note"] = _("At most %(n)d characters.", n=NOTE_LIMIT)
    if errors:
        raise NetworkingError(errors)
    note = note.strip()
    a = _participant(event, data.get("from"), "from")
    b = _participant(event, data.get("to"), "to")
    if a.id == b.id:
        raise NetworkingError({"to": _("Choose two different people.")})
    if b.id in services.blocked_ids(a.id):
        raise NetworkingError({"to": _("Meetings between these two are blocked.")}, 403)
    if services._between(a.id, b.id, (PENDING, ACCEPTED)):
        raise NetworkingError({"to": _("There is already a request between these two.")}, 409)
    from_with = colleagues(event, a, data.get("from_with"), "from_with")
    to_with = colleagues(event, b, data.get("to_with"), "to_with")
    cap = services.settings_for(event).max_meetings
    for person in (a, *from_with, b, *to_with):
        if services.meeting_count(person.id) >= cap:
            raise NetworkingError(
                {
                    "to": _(
                        "%(name)s has reached the most meetings allowed (%(n)d).",
                        name=person.name,
                        n=cap,
                    )
                },
                409,
            )
    now = utcnow()
    req = MeetingRequest(
        event_id=event.id,
        from_id=a.id,
        to_id=b.id,
        sender=a,
        recipient=b,
        message=note,
        status=ACCEPTED,
        created_at=now,
        expires_at=now,
        decided_at=now,
    )
    db.session.add(req)
    services._add_attendees(req, from_with, "from")
    services._add_attendees(req, to_with, "to")
    req.booking = MeetingBooking(booked_by_user_id=user.id, note=note, created_at=now)
    db.session.flush()
    for person in req.people:
        notify(
            person,
            "booked",
            key=f"networking.booked:{req.id}:{person.id}",
            name=", ".join(o.name for o in req.others(person.id)),
            booker=user.name or user.email,
            note=note,
        )
    commit()
    return req


def bookings_of(event: Event) -> list[MeetingRequest]:
    """Every booked meeting of the event, newest first: who booked what, and its state."""
    return list(
        db.session.scalars(
            select(MeetingRequest)
            .join(MeetingBooking, MeetingBooking.request_id == MeetingRequest.id)
            .where(MeetingRequest.event_id == event.id)
            .order_by(MeetingRequest.id.desc())
        ).unique()
    )


def bookable_people(event: Event) -> list[Registration]:
    """Everyone who takes part, by name: the choices of the booking form."""
    rows = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.networking_opt_in.is_(True))
        .order_by(Registration.name)
    )
    return [r for r in rows if takes_part(r)]


# --------------------------------------------------------------------------- delegation leads


def members_led(user: Any, event: Event) -> list[Registration]:
    """The registrations of the delegations this user leads at the event."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = db.session.scalars(
        select(Registration)
        .join(DelegationMember, DelegationMember.registration_id == Registration.id)
        .join(Delegation, Delegation.id == DelegationMember.delegation_id)
        .where(Delegation.event_id == event.id, Delegation.lead_user_id == user.id)
        .order_by(Registration.name)
    )
    return list(rows)


def member_for(user: Any, event: Event, registration_id: Any) -> Registration:
    """A member of a delegation the user leads, taking part in networking; else not found."""
    for member in members_led(user, event):
        if member.id == registration_id and takes_part(member):
            return member
    raise NetworkingError({"member": _("No such member of your delegation.")}, 404)
