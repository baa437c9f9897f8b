"""A registration's check-in and door scans in its data download.

Erasure leaves both rows alone on purpose: they name no one once the registration is
anonymised, and the organiser's figures (checked in, scans per door) must still add up.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from eventmgr.checkin.models import Checkin, Scan
from eventmgr.db import db
from eventmgr.registration.models import Registration
from eventmgr.registration.personal_data import personal_data_section


@personal_data_section("checkin")
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
