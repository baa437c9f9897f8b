"""Check-in's reactions to other domains (platform/signals.py): the check-in and door scans
in a person's data download, and the "checked in" filter on registrations.

Erasure leaves both rows alone on purpose: they name no one once the registration is
anonymised, and the organiser's figures (checked in, scans per door) must still add up.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from eventmgr.checkin.models import Checkin, Scan
from eventmgr.platform import signals
from eventmgr.platform.db import db
from eventmgr.registration.models import Registration


@signals.registration_filters.connect
def filters(_sender: None) -> dict[str, Any]:
    return {"checked_in": _checked_in}


def _checked_in(value: bool | str):
    """Registrations with a check-in (True or "yes"), or without one."""
    arrived = exists().where(Checkin.registration_id == Registration.id)
    return arrived if value in (True, "yes") else ~arrived


@signals.personal_data_requested.connect
def personal_data(registration: Registration) -> dict[str, Any]:
    return {"checkin": checkin_section(registration)}


def checkin_section(registration: Registration) -> dict[str, Any]:
    """When and at which door the person came in, and every scan of their badge."""
    checkin = db.session.scalar(select(Checkin).where(Checkin.registration_id == registration.id))
    mine = select(Scan).where(Scan.registration_id == registration.id)
    scans = db.session.scalars(mine.order_by(Scan.scanned_at, Scan.id))
    return {
        "checked_in": None
        if checkin is None
        else {"at": checkin.at.isoformat(), "door": checkin.door, "manual": checkin.manual},
        "scans": [
            {
                "at": scan.scanned_at.isoformat(),
                "door": scan.door,
                "status": scan.status,
                "reason": scan.reason,
            }
            for scan in scans
        ],
    }
