"""Every value of a registration that a person reads (status, participation, role marker, the
list's sort orders, the history's actions), named in the reader's language: the one place, so
that no page shows a raw key ("confirmed", "-created") and a test can see each one is named."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventmgr.registration.models import (
    CANCELLED,
    CONFIRMED,
    DIGITAL,
    MODES,
    ON_SITE,
    ROLE_MARKERS,
    STATUSES,
    WAITLISTED,
)

STATUS = {
    CONFIRMED: _l("Confirmed"),
    WAITLISTED: _l("Waiting list"),
    CANCELLED: _l("Cancelled"),
}
MODE = {ON_SITE: _l("On site"), DIGITAL: _l("Digital")}
ROLE = {
    "attendee": _l("Attendee"),
    "speaker": _l("Speaker"),
    "moderator": _l("Moderator"),
    "organiser": _l("Organiser"),
    "press": _l("Press"),
    "delegation": _l("Delegation"),
}
SORT = {
    "created": _l("Registered, oldest first"),
    "-created": _l("Registered, newest first"),
    "name": _l("Name, A to Z"),
    "-name": _l("Name, Z to A"),
    "organisation": _l("Organisation, A to Z"),
    "status": _l("Status, then place in the waiting list"),
}
ACTION = {
    "registered": _l("Registered"),
    "edited": _l("Details changed"),
    "mode_changed": _l("Participation switched"),
    "promoted": _l("Moved up from the waiting list"),
    "cancelled": _l("Cancelled"),
    "link_resent": _l("New personal link sent"),
    "confirmation_resent": _l("Confirmation sent again"),
    "erased": _l("Personal data erased"),
    "badge_reissued": _l("Badge re-issued"),
}

FIELD = {
    "name": _l("Name"),
    "email": _l("Email"),
    "organisation": _l("Organisation"),
    "job_title": _l("Job title"),
    "category": _l("Category"),
    "mode": _l("Participation"),
    "status": _l("Status"),
    "role": _l("Role"),
    "dietary_needs": _l("Dietary needs"),
    "language": _l("Language"),
    "networking_opt_in": _l("Networking"),
    "reason": _l("Reason"),
}

LABELS = {
    "field": FIELD,
    "status": STATUS,
    "mode": MODE,
    "role": ROLE,
    "sort": SORT,
    "action": ACTION,
}
"""Each kind of value, and the values the code knows of it (tests check none is missing)."""

VALUES = {"status": STATUSES, "mode": MODES, "role": ROLE_MARKERS}


def label(kind: str, value: str) -> str:
    """`value` of `kind` in the reader's language; an unknown value as it is."""
    found = LABELS[kind].get(value)
    return str(found) if found is not None else value
