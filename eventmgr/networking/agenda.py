"""Meetings in the calendar domain's personal agenda feed (imported by networking.views)."""

from __future__ import annotations

from eventmgr.calendar.ics import CalendarEntry
from eventmgr.calendar.providers import agenda_provider
from eventmgr.registration.models import Registration


@agenda_provider
def meeting_entries(registration: Registration) -> list[CalendarEntry]:
    """The registration's published meetings; nothing for people without networking."""
    from eventmgr.networking.documents import calendar_entries
    from eventmgr.networking.services import takes_part

    if not takes_part(registration):
        return []
    return calendar_entries(registration)
