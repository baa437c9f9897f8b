"""Erasing a registration erases its networking data too, without the registration domain
knowing about networking: when `anonymised_at` is set, the profile goes and the messages the
person wrote are blanked (requests and meetings stay, so the organiser's counts add up)."""

from __future__ import annotations

from sqlalchemy import delete, event, update

from eventmgr.db import db
from eventmgr.networking.models import MeetingRequest, Profile
from eventmgr.registration.models import Registration


@event.listens_for(Registration.anonymised_at, "set")
def _erase_networking(target: Registration, value, _old, _initiator) -> None:
    if value is None or target.id is None:
        return
    db.session.execute(delete(Profile).where(Profile.registration_id == target.id))
    db.session.execute(
        update(MeetingRequest).where(MeetingRequest.from_id == target.id).values(message="")
    )
