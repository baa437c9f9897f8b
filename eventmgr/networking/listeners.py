"""Networking's answers to the other domains' signals (platform/signals.py), connected when this
module is imported (by the application factory), so those domains know nothing of networking:

- a cancelled registration leaves networking: its requests and meetings are withdrawn and the
  people it was to meet are told;
- an erased registration takes its networking data along (privacy.erase);
- the person's data download gets a "networking" section, and their agenda feed their
  published meetings;
- next year's edition gets the rules (caps, interest tags), the meeting slots (moved to the
  new date) and the tables, and none of the people's profiles, requests or meetings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from eventmgr.calendar.ics import CalendarEntry
from eventmgr.events.models import Event
from eventmgr.networking import privacy
from eventmgr.networking.documents import calendar_entries
from eventmgr.networking.models import MeetingSlot, MeetingTable, NetworkingSettings
from eventmgr.networking.services import takes_part, withdraw_everything_of
from eventmgr.platform import signals
from eventmgr.platform.db import db
from eventmgr.registration.models import Registration

SETTINGS_COPIED = (
    "request_expiry_hours",
    "max_open_requests",
    "max_meetings",
    "max_auto_meetings",
    "interest_tags",
    "video_base_url",
)


@signals.registration_cancelled.connect
def leave_networking(registration: Registration, **_kwargs: Any) -> None:
    """After the cancellation committed: withdraw, tell the others and commit (services)."""
    withdraw_everything_of(registration)


@signals.registration_erased.connect
def erase_networking(registration: Registration, **_kwargs: Any) -> None:
    """In the erasing transaction, which commits it with the rest of the erasure."""
    privacy.erase(registration)


@signals.personal_data_requested.connect
def networking_data(registration: Registration, **_kwargs: Any) -> dict[str, Any]:
    return {"networking": privacy.networking_section(registration)}


@signals.agenda_entries_requested.connect
def meeting_entries(registration: Registration, **_kwargs: Any) -> list[CalendarEntry]:
    """The registration's published meetings; nothing for people without networking."""
    if not takes_part(registration):
        return []
    return calendar_entries(registration)


@signals.event_copied.connect
def copy_networking_setup(
    source: Event, *, copy: Event, shift: Callable[[datetime], datetime], **_kwargs: Any
) -> None:
    """In the copying transaction: the set-up only; a table's free slots follow the slots."""
    settings = db.session.get(NetworkingSettings, source.id)
    if settings is not None:
        db.session.add(
            NetworkingSettings(
                event_id=copy.id,
                **{name: getattr(settings, name) for name in SETTINGS_COPIED},
            )
        )
    slots = {}
    for slot in db.session.scalars(
        select(MeetingSlot).where(MeetingSlot.event_id == source.id).order_by(MeetingSlot.id)
    ):
        slots[slot.id] = MeetingSlot(
            event_id=copy.id, starts_at=shift(slot.starts_at), ends_at=shift(slot.ends_at)
        )
    db.session.add_all(slots.values())
    db.session.flush()
    for table in db.session.scalars(
        select(MeetingTable).where(MeetingTable.event_id == source.id).order_by(MeetingTable.id)
    ):
        free = None
        if table.free_slots is not None:
            free = [slots[i].id for i in table.free_slots if i in slots]
        db.session.add(
            MeetingTable(
                event_id=copy.id,
                number=table.number,
                seats=table.seats,
                free_slots=free,
                name=table.name,
                online=table.online,
            )
        )
