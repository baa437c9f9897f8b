"""Networking's answers to the other domains' signals (platform/signals.py), connected when this
module is imported (by the application factory), so those domains know nothing of networking:

- a cancelled registration leaves networking: its requests and meetings are withdrawn and the
  people it was to meet are told;
- an erased registration takes its networking data along (privacy.erase);
- the person's data download gets a "networking" section, and their agenda feed their
  published meetings.
"""

from __future__ import annotations

from typing import Any

from eventmgr.calendar.ics import CalendarEntry
from eventmgr.networking import privacy
from eventmgr.networking.documents import calendar_entries
from eventmgr.networking.services import takes_part, withdraw_everything_of
from eventmgr.platform import signals
from eventmgr.registration.models import Registration


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
