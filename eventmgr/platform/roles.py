"""The roles of the system. Organisers, door staff and delegation leads act for one event."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    ORGANISER = "organiser"
    DOOR_STAFF = "door_staff"
    DELEGATION_LEAD = "delegation_lead"
    ATTENDEE = "attendee"


EVENT_ROLES = frozenset({Role.ORGANISER, Role.DOOR_STAFF, Role.DELEGATION_LEAD})
ROLE_IDS = tuple(r.value for r in Role)
