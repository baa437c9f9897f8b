"""Networking rules shared by the pages and the API: who takes part, profiles, blocks, requests.

A participant is a registration of the event that opted in to networking. The pages and the
API find it from the signed-in account (the registration with the account's email), so a person
needs an account for networking; the manage link offers to create one.

Each public rule that changes data commits its own work (platform/db.py), the mail it queued
going out after the commit; the helpers `_expire_due` and `withdraw` leave the commit
to the rule that calls them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from eventmgr.events.models import Event
from eventmgr.networking.mails import notify
from eventmgr.networking.models import (
    ACCEPTED,
    CANCELLED,
    DECLINED,
    EXPIRED,
    KINDS,
    PENDING,
    STAGES,
    Block,
    DelegationMember,
    MeetingAttendee,
    MeetingRequest,
    MeetingSlot,
    NetworkingSettings,
    Profile,
)
from eventmgr.platform.db import begin_write, commit, db, utcnow
from eventmgr.platform.errors import RuleError
from eventmgr.platform.text import has_control
from eventmgr.registration.models import CONFIRMED as REG_CONFIRMED
from eventmgr.registration.models import Registration
from eventmgr.registration.services import lock_event

TEXT_LIMITS = {
    "organisation": 200,
    "role": 200,
    "pitch": 1000,
    "offers": 500,
    "seeks": 500,
    "investment_focus": 500,
}
MESSAGE_LIMIT = 1000


class NetworkingError(RuleError):
    """A networking action that breaks a rule: `fields` names what is wrong, `status` the HTTP
    answer (422 unless given)."""


# --------------------------------------------------------------------------- settings


def settings_for(event: Event) -> NetworkingSettings:
    """The event's rules, created with the defaults (and committed) on first use: no interest
    tags until the organiser gives some. A rule that needs them calls this before it starts its
    own unit of work, so that this commit never splits one."""
    found = db.session.get(NetworkingSettings, event.id)
    if found is None:
        found = NetworkingSettings(
            event_id=event.id,
            request_expiry_hours=48,
            max_open_requests=10,
            max_meetings=6,
            max_auto_meetings=2,
            interest_tags=[],
        )
        db.session.add(found)
        commit()
    return found


def interest_tags_of(event: Event) -> list[str]:
    """The event's interest tags, read without creating its settings (none yet: no tags)."""
    found = db.session.get(NetworkingSettings, event.id)
    return list(found.interest_tags) if found is not None else []


def clean_settings(data: dict[str, Any]) -> dict[str, Any]:
    """The expiry, the caps or the interest tags as they will be stored; a wrong value is
    named (NetworkingError) and nothing is stored here."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, low in (
        ("request_expiry_hours", 1),
        ("max_open_requests", 0),
        ("max_meetings", 0),
        ("max_auto_meetings", 0),
    ):
        if name not in data:
            continue
        value = data[name]
        if not isinstance(value, int) or isinstance(value, bool) or value < low or value > 10000:
            errors[name] = _("Give a whole number from %(low)d to 10000.", low=low)
        else:
            values[name] = value
    if "video_base_url" in data:
        base = data["video_base_url"]
        if base is None:
            base = ""
        if not isinstance(base, str) or has_control(base):
            errors["video_base_url"] = _("Give a web address (https://...).")
        else:
            base = base.strip()
            parts = base.split("/")
            if base and (
                not base.startswith(("https://", "http://"))
                or len(base) > 400
                or " " in base
                or len(parts) < 3
                or "." not in parts[2]
            ):
                errors["video_base_url"] = _("Give a web address (https://...).")
            else:
                values["video_base_url"] = base
    if "interest_tags" in data:
        tags = data["interest_tags"]
        if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
            errors["interest_tags"] = _("Give a list of tags.")
        elif any(has_control(t) for t in tags):
            errors["interest_tags"] = _("Remove the control characters.")
        else:
            values["interest_tags"] = list(dict.fromkeys(t.strip()[:60] for t in tags))
    if errors:
        raise NetworkingError(errors)
    return values


def update_settings(event: Event, data: dict[str, Any]) -> NetworkingSettings:
    """Change the expiry, the caps or the interest tags; a wrong value is named and nothing
    changes."""
    values = clean_settings(data)
    settings = settings_for(event)
    for name, value in values.items():
        setattr(settings, name, value)
    commit()
    return settings


# --------------------------------------------------------------------------- participants


def registration_of(user: Any, event: Event) -> Registration | None:
    """The signed-in person's registration for the event (by the account's address, once
    proven)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Registration).where(Registration.of_account(event.id, user.email))
    )


def takes_part(registration: Registration | None) -> bool:
    """Opted in, confirmed (not waiting, not cancelled) and with a proven address; on site or
    digital (a digital registrant meets online)."""
    return bool(
        registration is not None
        and registration.networking_opt_in
        and registration.status == REG_CONFIRMED
        and registration.is_proven
        and registration.anonymised_at is None
    )


def participant_of(user: Any, event: Event) -> Registration:
    """The caller as a participant, or a refusal that says how to take part."""
    registration = registration_of(user, event)
    if registration is None:
        raise NetworkingError(
            {"registration": _("You are not registered for this event with this account.")}, 403
        )
    if not takes_part(registration):
        raise NetworkingError(
            {"networking_opt_in": _("Opt in to networking on your registration page first.")},
            403,
        )
    return registration


def profile_of(registration: Registration) -> Profile:
    """The participant's profile, started from the registration's details (and committed) when
    missing."""
    profile = db.session.scalar(select(Profile).where(Profile.registration_id == registration.id))
    if profile is None:
        profile = Profile(
            registration_id=registration.id,
            registration=registration,
            organisation=registration.organisation,
            role=registration.job_title,
            kind="investor" if registration.category == "investor" else "other",
            pitch="",
            offers="",
            seeks="",
            interests=[],
            company_stage="",
            investment_focus="",
            unavailable_slots=[],
        )
        db.session.add(profile)
        commit()
    return profile


def _text(data: dict, name: str, errors: dict[str, str]) -> str | None:
    if name not in data:
        return None
    value = data[name]
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = _("Give text.")
        return None
    if has_control(value):
        errors[name] = _("Remove the control characters.")
        return None
    value = value.strip()
    if len(value) > TEXT_LIMITS[name]:
        errors[name] = _("At most %(n)d characters.", n=TEXT_LIMITS[name])
        return None
    return value


def update_profile(profile: Profile, event: Event, data: dict[str, Any]) -> Profile:
    """Check every field first; a wrong one is named and nothing changes."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in TEXT_LIMITS:
        value = _text(data, name, errors)
        if value is not None:
            values[name] = value
    if "kind" in data:
        if data["kind"] not in KINDS:
            errors["kind"] = _("Choose one of: %(choices)s.", choices=", ".join(KINDS))
        else:
            values["kind"] = data["kind"]
    if "company_stage" in data:
        stage = data["company_stage"] or ""
        if stage not in STAGES:
            errors["company_stage"] = _(
                "Choose one of: %(choices)s.", choices=", ".join(s for s in STAGES if s)
            )
        else:
            values["company_stage"] = stage
    if "interests" in data:
        tags = settings_for(event).interest_tags
        given = data["interests"]
        if not isinstance(given, list) or not all(isinstance(t, str) for t in given):
            errors["interests"] = _("Give a list of tags.")
        else:
            unknown = [t for t in given if t not in tags]
            if unknown:
                errors["interests"] = _("Unknown tags: %(tags)s.", tags=", ".join(unknown))
            else:
                values["interests"] = [t for t in tags if t in given]
    if "auto_match" in data:
        if not isinstance(data["auto_match"], bool):
            errors["auto_match"] = _("Say yes or no.")
        else:
            values["auto_match"] = data["auto_match"]
    if "unavailable_slots" in data:
        known = set(
            db.session.scalars(select(MeetingSlot.id).where(MeetingSlot.event_id == event.id))
        )
        given = data["unavailable_slots"]
        if not isinstance(given, list) or not all(
            isinstance(s, int) and not isinstance(s, bool) for s in given
        ):
            errors["unavailable_slots"] = _("Give a list of slot numbers.")
        elif any(s not in known for s in given):
            errors["unavailable_slots"] = _("Unknown slot.")
        else:
            values["unavailable_slots"] = sorted(set(given))
    if errors:
        raise NetworkingError(errors)
    for name, value in values.items():
        setattr(profile, name, value)
    if values.get("auto_match") is False:
        _drop_draft_proposals(profile.registration_id)
    commit()
    return profile


def _drop_draft_proposals(registration_id: int) -> None:
    """The person opted out of auto-match: the proposals not yet published go (nobody was told
    of them); published ones stay on the agenda until someone declines them."""
    for req in _auto_of(registration_id):
        if req.meeting is None or not req.meeting.published:
            db.session.delete(req)


def _auto_of(registration_id: int, other_id: int | None = None) -> list[MeetingRequest]:
    query = select(MeetingRequest).where(
        MeetingRequest.auto.is_(True),
        MeetingRequest.status == ACCEPTED,
        or_(MeetingRequest.from_id == registration_id, MeetingRequest.to_id == registration_id),
    )
    if other_id is not None:
        query = query.where(
            or_(MeetingRequest.from_id == other_id, MeetingRequest.to_id == other_id)
        )
    return list(db.session.scalars(query))


def visible_profiles(event: Event, viewer: Registration) -> list[Profile]:
    """Profiles of the other opted-in participants (the viewer must take part too)."""
    if not takes_part(viewer):
        return []
    rows = db.session.scalars(
        select(Profile)
        .join(Registration, Registration.id == Profile.registration_id)
        .where(
            Registration.event_id == event.id,
            Registration.networking_opt_in.is_(True),
            Registration.status == REG_CONFIRMED,
            Registration.email_proven_at.is_not(None),
            Registration.anonymised_at.is_(None),
            Registration.id != viewer.id,
        )
        .order_by(Registration.name)
    ).all()
    return list(rows)


def visible_profile(event: Event, viewer: Registration, profile_id: int) -> Profile:
    profile = db.session.get(Profile, profile_id)
    if (
        profile is None
        or profile.registration.event_id != event.id
        or not takes_part(profile.registration)
        or not takes_part(viewer)
    ):
        raise NetworkingError({"profile": _("No such profile.")}, 404)
    return profile


# --------------------------------------------------------------------------- blocks


def blocked_ids(registration_id: int) -> set[int]:
    """Everyone this person blocked or was blocked by: no requests or suggestions between."""
    rows = db.session.execute(
        select(Block.blocker_id, Block.blocked_id).where(
            or_(Block.blocker_id == registration_id, Block.blocked_id == registration_id)
        )
    )
    return {b if a == registration_id else a for a, b in rows}


def block(blocker: Registration, blocked: Registration) -> None:
    """Block someone; their open requests between the two are cancelled."""
    if blocker.id == blocked.id:
        raise NetworkingError({"profile": _("You cannot block yourself.")})
    exists = db.session.scalar(
        select(Block).where(Block.blocker_id == blocker.id, Block.blocked_id == blocked.id)
    )
    if exists is None:
        db.session.add(Block(blocker_id=blocker.id, blocked_id=blocked.id))
    for req in _between(blocker.id, blocked.id, (PENDING,)):
        req.status = CANCELLED
        req.decided_at = utcnow()
    for req in _auto_of(blocker.id, blocked.id):  # an organisers' proposal between them goes
        withdraw(req, DECLINED)
    commit()


def unblock(blocker: Registration, blocked: Registration) -> None:
    found = db.session.scalar(
        select(Block).where(Block.blocker_id == blocker.id, Block.blocked_id == blocked.id)
    )
    if found is not None:
        db.session.delete(found)
    commit()


def blocks_of(registration: Registration) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .join(Block, Block.blocked_id == Registration.id)
            .where(Block.blocker_id == registration.id)
        )
    )


# --------------------------------------------------------------------------- requests


def _between(a: int, b: int, statuses: tuple[str, ...]) -> list[MeetingRequest]:
    return list(
        db.session.scalars(
            select(MeetingRequest).where(
                or_(
                    (MeetingRequest.from_id == a) & (MeetingRequest.to_id == b),
                    (MeetingRequest.from_id == b) & (MeetingRequest.to_id == a),
                ),
                MeetingRequest.status.in_(statuses),
            )
        )
    )


def expire_due(event: Event) -> int:
    """Mark pending requests past their time expired and tell their senders; returns how many
    (committed when there were any)."""
    expired = _expire_due(event)
    if expired:
        commit()
    return expired


def _expire_due(event: Event) -> int:
    """`expire_due` inside a rule's unit of work: the rule commits."""
    now = utcnow()
    due = db.session.scalars(
        select(MeetingRequest).where(
            MeetingRequest.event_id == event.id,
            MeetingRequest.status == PENDING,
            MeetingRequest.expires_at <= now,
        )
    ).all()
    for req in due:
        req.status = EXPIRED
        req.decided_at = now
        notify(req.sender, "expired", name=req.recipient.name)
    if due:
        db.session.flush()
    return len(due)


def open_request_count(registration_id: int) -> int:
    return db.session.scalar(
        select(func.count(MeetingRequest.id)).where(
            MeetingRequest.from_id == registration_id, MeetingRequest.status == PENDING
        )
    )


def attends(registration_id: int):
    """Requests the person attends: as either named side, or as one more attendee."""
    return or_(
        MeetingRequest.from_id == registration_id,
        MeetingRequest.to_id == registration_id,
        MeetingRequest.id.in_(
            select(MeetingAttendee.request_id).where(
                MeetingAttendee.registration_id == registration_id
            )
        ),
    )


def meeting_count(registration_id: int) -> int:
    """Accepted requests: each is a meeting the person has agreed to (or attends)."""
    return db.session.scalar(
        select(func.count(MeetingRequest.id)).where(
            attends(registration_id), MeetingRequest.status == ACCEPTED
        )
    )


def colleagues(event: Event, person: Registration, ids: Any, field: str) -> list[Registration]:
    """The people named to attend with `person`: each takes part, and is of the same
    organisation or the same delegation (a company's founders, a delegation's members)."""
    if ids is None or ids == []:
        return []
    if not isinstance(ids, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in ids
    ):
        raise NetworkingError({field: _("Give a list of registration numbers.")})
    home = delegation_of(person.id)
    org = " ".join(person.organisation.lower().split())
    out = []
    for rid in dict.fromkeys(ids):
        other = db.session.get(Registration, rid)
        if other is None or other.event_id != event.id or not takes_part(other):
            raise NetworkingError({field: _("No such participant.")}, 404)
        if other.id == person.id:
            continue
        same_org = bool(org) and " ".join(other.organisation.lower().split()) == org
        same_delegation = home is not None and delegation_of(other.id) == home
        if not (same_org or same_delegation):
            raise NetworkingError(
                {
                    field: _(
                        "%(name)s is not of the same organisation or delegation as %(other)s.",
                        name=other.name,
                        other=person.name,
                    )
                }
            )
        out.append(other)
    return out


def colleagues_of(event: Event, person: Registration) -> list[Registration]:
    """The people who may come with `person`: of the same organisation or delegation, taking
    part (the choices when someone names who comes)."""
    home = delegation_of(person.id)
    org = " ".join(person.organisation.lower().split())
    rows = db.session.scalars(
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.networking_opt_in.is_(True),
            Registration.id != person.id,
        )
        .order_by(Registration.name)
    )
    return [
        r
        for r in rows
        if takes_part(r)
        and (
            (org and " ".join(r.organisation.lower().split()) == org)
            or (home is not None and delegation_of(r.id) == home)
        )
    ]


def _add_attendees(req: MeetingRequest, people: list[Registration], side: str) -> None:
    taken = set(req.person_ids)
    for person in people:
        if person.id in taken:
            raise NetworkingError({"attendees": _("%(name)s is on both sides.", name=person.name)})
        taken.add(person.id)
        req.attendees.append(
            MeetingAttendee(registration_id=person.id, registration=person, side=side)
        )


def _serialise(event: Event) -> None:
    """Counting then writing (caps) must not interleave: take the event's write lock, as the
    registration rules do (BEGIN IMMEDIATE on SQLite, SELECT ... FOR UPDATE on PostgreSQL)."""
    begin_write(db.session)
    lock_event(event.id)


REQUEST_COOLDOWN = timedelta(hours=24)


def _withdrawn_lately(sender_id: int, recipient_id: int) -> bool:
    """The sender withdrew a request to this person within the cooldown: asking again at
    once would mail them again and again."""
    since = utcnow() - REQUEST_COOLDOWN
    return (
        db.session.scalar(
            select(MeetingRequest.id)
            .where(
                MeetingRequest.from_id == sender_id,
                MeetingRequest.to_id == recipient_id,
                MeetingRequest.status == CANCELLED,
                MeetingRequest.withdrawn_by_sender.is_(True),
                MeetingRequest.decided_at > since,
            )
            .limit(1)
        )
        is not None
    )


def create_request(
    event: Event,
    sender: Registration,
    recipient_id: Any,
    message: Any,
    with_me: Any = None,
) -> MeetingRequest:
    """Ask for a meeting, with colleagues who attend too (`with_me`: registration ids of the
    sender's organisation or delegation); refused with the reason when a rule says no."""
    settings = settings_for(event)
    _serialise(event)
    _expire_due(event)
    if not isinstance(message, str):
        message = "" if message is None else None
    if message is None:
        raise NetworkingError({"message": _("Give text.")})
    if has_control(message):
        raise NetworkingError({"message": _("Remove the control characters.")})
    message = message.strip()
    if len(message) > MESSAGE_LIMIT:
        raise NetworkingError({"message": _("At most %(n)d characters.", n=MESSAGE_LIMIT)})
    recipient = None
    if isinstance(recipient_id, int) and not isinstance(recipient_id, bool):
        recipient = db.session.get(Registration, recipient_id)
    if recipient is None or recipient.event_id != event.id or not takes_part(recipient):
        raise NetworkingError({"to": _("No such participant.")}, 404)
    if recipient.id == sender.id:
        raise NetworkingError({"to": _("You cannot ask yourself for a meeting.")})
    if recipient.id in blocked_ids(sender.id):
        raise NetworkingError({"to": _("Meetings between you two are blocked.")}, 403)
    for draft in _auto_of(sender.id, recipient.id):  # an unpublished proposal gives way
        if draft.meeting is None or not draft.meeting.published:
            db.session.delete(draft)
    db.session.flush()
    if _between(sender.id, recipient.id, (PENDING, ACCEPTED)):
        raise NetworkingError({"to": _("There is already a request between you two.")}, 409)
    if _withdrawn_lately(sender.id, recipient.id):
        raise NetworkingError(
            {
                "to": _(
                    "You withdrew a request to this person less than %(n)d hours ago; "
                    "you may ask again after that.",
                    n=int(REQUEST_COOLDOWN.total_seconds() // 3600),
                )
            },
            429,
        )
    extra = colleagues(event, sender, with_me, "with")
    if any(p.id == recipient.id for p in extra):
        raise NetworkingError({"with": _("%(name)s is on both sides.", name=recipient.name)})
    if open_request_count(sender.id) >= settings.max_open_requests:
        raise NetworkingError(
            {
                "to": _(
                    "You have reached the most open requests allowed (%(n)d); "
                    "wait for answers first.",
                    n=settings.max_open_requests,
                )
            },
            409,
        )
    now = utcnow()
    req = MeetingRequest(
        event_id=event.id,
        from_id=sender.id,
        to_id=recipient.id,
        sender=sender,
        recipient=recipient,
        message=message,
        status=PENDING,
        created_at=now,
        expires_at=now + timedelta(hours=settings.request_expiry_hours),
    )
    db.session.add(req)
    _add_attendees(req, extra, "from")
    db.session.flush()
    names = ", ".join(p.name for p in (sender, *extra))
    notify(recipient, "requested", name=names, message=message)
    commit()
    return req


def request_for(event: Event, registration: Registration, request_id: int) -> MeetingRequest:
    """A request the person is part of; other people's requests are not found."""
    req = db.session.get(MeetingRequest, request_id)
    if req is None or req.event_id != event.id or registration.id not in req.person_ids:
        raise NetworkingError({"request": _("No such request.")}, 404)
    return req


def _answerable(event: Event, registration: Registration, request_id: int) -> MeetingRequest:
    _expire_due(event)
    req = request_for(event, registration, request_id)
    if req.to_id != registration.id:
        raise NetworkingError({"request": _("Only the person asked can answer.")}, 403)
    if req.status != PENDING:
        raise NetworkingError(
            {"request": _("This request is %(status)s already.", status=req.status)}, 409
        )
    return req


def accept(
    event: Event, registration: Registration, request_id: int, with_me: Any = None
) -> MeetingRequest:
    """The person asked accepts, naming any colleagues who come too, unless someone has
    reached the meeting cap."""
    cap = settings_for(event).max_meetings
    _serialise(event)
    req = _answerable(event, registration, request_id)
    _add_attendees(req, colleagues(event, registration, with_me, "with"), "to")
    for person in req.people:
        if meeting_count(person.id) >= cap:
            raise NetworkingError(
                {
                    "request": _(
                        "%(name)s has reached the most meetings allowed (%(n)d).",
                        name=person.name,
                        n=cap,
                    )
                },
                409,
            )
    req.status = ACCEPTED
    req.decided_at = utcnow()
    notify(req.sender, "accepted", name=req.recipient.name)
    commit()
    return req


def decline(event: Event, registration: Registration, request_id: int) -> MeetingRequest:
    req = _answerable(event, registration, request_id)
    req.status = DECLINED
    req.decided_at = utcnow()
    notify(req.sender, "declined", name=req.recipient.name)
    commit()
    return req


def cancel_request(event: Event, registration: Registration, request_id: int) -> MeetingRequest:
    """The sender withdraws a pending request (or either side an accepted one); a meeting an
    organiser or host booked is declined by either side, and everyone else is told."""
    req = request_for(event, registration, request_id)
    if req.status not in (PENDING, ACCEPTED) or (
        req.status == PENDING and req.from_id != registration.id
    ):
        raise NetworkingError({"request": _("This request cannot be withdrawn.")}, 409)
    if req.booking is not None:
        booker = req.booking.booked_by.name if req.booking.booked_by else _("the organisers")
        for person in req.people:
            if person.id != registration.id:
                notify(
                    person,
                    "booking_declined",
                    key=f"networking.booking_declined:{req.id}:{person.id}",
                    name=registration.name,
                    booker=booker,
                )
        withdraw(req, DECLINED)
        commit()
        return req
    withdraw(req)
    req.withdrawn_by_sender = req.from_id == registration.id  # asking again waits a while
    for person in req.people:
        if person.id != registration.id:
            notify(person, "cancelled", name=registration.name)
    commit()
    return req


def withdraw(req: MeetingRequest, status: str = CANCELLED) -> None:
    """Cancelled at once, and its meeting taken off both agendas now, not at the next publish
    (which would then mail both about a meeting they already know is off)."""
    req.status = status
    req.decided_at = utcnow()
    if req.meeting is not None:
        db.session.delete(req.meeting)


def withdraw_everything_of(registration: Registration) -> int:
    """The person's registration is cancelled: each open request and meeting of theirs goes,
    and everyone they were to meet is told; where they only came along as a colleague, the
    meeting stays without them. Returns how many."""
    reqs = db.session.scalars(
        select(MeetingRequest).where(
            attends(registration.id),
            MeetingRequest.status.in_((PENDING, ACCEPTED)),
        )
    ).all()
    for req in reqs:
        others = [p for p in req.people if p.id != registration.id]
        kind = "left"
        if registration.id not in (req.from_id, req.to_id):
            kind = "colleague_left"
            for attendee in list(req.attendees):
                if attendee.registration_id == registration.id:
                    req.attendees.remove(attendee)
                    db.session.delete(attendee)
        else:
            withdraw(req)
        for person in others:
            notify(person, kind, name=registration.name)
    commit()
    return len(reqs)


def requests_of(event: Event, registration: Registration) -> list[MeetingRequest]:
    """The person's requests, sent and received, newest first (the overdue expired first)."""
    expire_due(event)
    return list(
        db.session.scalars(
            select(MeetingRequest)
            .where(
                MeetingRequest.event_id == event.id,
                MeetingRequest.auto.is_(False),
                attends(registration.id),
            )
            .order_by(MeetingRequest.created_at.desc(), MeetingRequest.id.desc())
        )
    )


def delegation_of(registration_id: int) -> int | None:
    return db.session.scalar(
        select(DelegationMember.delegation_id).where(
            DelegationMember.registration_id == registration_id
        )
    )
