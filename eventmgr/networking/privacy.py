"""A registration's networking data: its section of the person's data download, and its
erasure with the registration (listeners.py answers the registration domain's signals with
these, so that domain knows nothing of networking).

An erasure deletes the profile, the person's blocks (made and received), their delegation
membership and their places as a colleague in others' meetings, and blanks the messages the
person wrote and the reasons given for cancelling their meetings. Requests stay, so the
organiser's counts add up, and name no one on the erased side; an erasure also cancels the
registration, which withdraws the requests and meetings (services.withdraw_everything_of).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select, update

from eventmgr.events.models import Event
from eventmgr.networking.models import (
    Block,
    Delegation,
    DelegationMember,
    MeetingAttendee,
    MeetingRequest,
    Profile,
)
from eventmgr.networking.schedule import MyMeeting, local_iso, meetings_of
from eventmgr.platform.db import db
from eventmgr.registration.models import Registration


def networking_section(registration: Registration) -> dict[str, Any]:
    """Profile, requests both ways (with the other party), meetings, blocks, delegation."""
    requests = _requests(registration)
    return {
        "profile": _profile(registration),
        "requests_sent": [
            _request(r, r.recipient) for r in requests if r.from_id == registration.id
        ],
        "requests_received": [
            _request(r, r.sender) for r in requests if r.to_id == registration.id
        ],
        "requests_attended": [
            _request(r, r.other(r.from_id)) | {"side": r.side_of(registration.id)}
            for r in _attended(registration)
        ],
        "meetings": [
            _meeting(registration.event, m) for m in meetings_of(registration.event, registration)
        ],
        "blocked": _blocked(registration),
        "delegation": _delegation(registration),
    }


def _party(person: Registration) -> dict[str, str]:
    return {"name": person.name, "organisation": person.organisation}


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _profile(registration: Registration) -> dict[str, Any] | None:
    profile = db.session.scalar(select(Profile).where(Profile.registration_id == registration.id))
    if profile is None:
        return None
    shown = profile.as_dict()
    del shown["id"], shown["name"]  # an internal number, and the name given above
    return shown | {
        "unavailable_slots": list(profile.unavailable_slots or []),
        "auto_match": profile.auto_match,
        "updated_at": _iso(profile.updated_at),
    }


def _requests(registration: Registration) -> list[MeetingRequest]:
    mine = or_(MeetingRequest.from_id == registration.id, MeetingRequest.to_id == registration.id)
    return list(db.session.scalars(select(MeetingRequest).where(mine).order_by(MeetingRequest.id)))


def _attended(registration: Registration) -> list[MeetingRequest]:
    """Requests the person comes to as a colleague of one side."""
    return list(
        db.session.scalars(
            select(MeetingRequest)
            .join(MeetingAttendee, MeetingAttendee.request_id == MeetingRequest.id)
            .where(MeetingAttendee.registration_id == registration.id)
            .order_by(MeetingRequest.id)
        )
    )


def _request(req: MeetingRequest, other: Registration) -> dict[str, Any]:
    return {
        "with": _party(other),
        "status": req.status,
        "message": req.message,
        "suggested_by_auto_match": req.auto,
        "reason": req.reason,
        "created_at": _iso(req.created_at),
        "expires_at": _iso(req.expires_at),
        "decided_at": _iso(req.decided_at),
    }


def _meeting(event: Event, mine: MyMeeting) -> dict[str, Any]:
    """A published meeting as the person was told it: local time (event's zone) and UTC."""
    slot = mine.slot
    return {
        "with": _party(mine.other),
        "starts_at": local_iso(event, slot.starts_at),
        "ends_at": local_iso(event, slot.ends_at),
        "timezone": event.timezone,
        "starts_at_utc": _iso(slot.starts_at),
        "ends_at_utc": _iso(slot.ends_at),
        "table": mine.table.number,
        "place": mine.table.label,
        "video_link": mine.link,
        "happened": mine.happened,
        "rating": mine.rating,
    }


def _blocked(registration: Registration) -> list[dict[str, Any]]:
    """Whom the person blocked. Who blocked them is the other person's choice, not shown."""
    rows = db.session.execute(
        select(Registration, Block.created_at)
        .join(Block, Block.blocked_id == Registration.id)
        .where(Block.blocker_id == registration.id)
        .order_by(Block.id)
    )
    return [_party(person) | {"at": _iso(at)} for person, at in rows]


def _delegation(registration: Registration) -> dict[str, str] | None:
    row = db.session.execute(
        select(Delegation, DelegationMember)
        .join(DelegationMember, DelegationMember.delegation_id == Delegation.id)
        .where(DelegationMember.registration_id == registration.id)
    ).first()
    if row is None:
        return None
    delegation, member = row
    return {
        "name": delegation.name,
        "home_organisation": delegation.home_organisation,
        "company": member.company,
        "role": member.role,
    }


def erase(registration: Registration) -> None:
    """The person's networking data goes, in the erasing transaction (the caller commits)."""
    person = registration.id
    db.session.execute(delete(Profile).where(Profile.registration_id == person))
    db.session.execute(
        delete(Block).where(or_(Block.blocker_id == person, Block.blocked_id == person))
    )
    db.session.execute(delete(DelegationMember).where(DelegationMember.registration_id == person))
    db.session.execute(delete(MeetingAttendee).where(MeetingAttendee.registration_id == person))
    db.session.execute(
        update(MeetingRequest)
        .where(or_(MeetingRequest.from_id == person, MeetingRequest.to_id == person))
        .values(reason="")
    )
    db.session.execute(
        update(MeetingRequest).where(MeetingRequest.from_id == person).values(message="")
    )
