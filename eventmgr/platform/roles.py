"""The roles of the system. Organisers, door staff and delegation leads act for one event."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    ADMIN = "admin"
    ORGANISER = "organiser"
    DOOR_STAFF = "door_staff"
    DELEGATION_LEAD = "delegation_lead"
    ATTENDEE = "attendee"


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.ORGANISER: _l("Organiser"),
    Role.DOOR_STAFF: _l("Door staff"),
    Role.DELEGATION_LEAD: _l("Delegation lead"),
    Role.ATTENDEE: _l("Attendee"),
}
"""Each role as a person reads it (the admin's list of users)."""


def role_label(value: str) -> str:
    return str(ROLE_LABELS.get(value, value))  # type: ignore[call-overload]


EVENT_ROLES = frozenset({Role.ORGANISER, Role.DOOR_STAFF, Role.DELEGATION_LEAD})
ROLE_IDS = tuple(r.value for r in Role)
