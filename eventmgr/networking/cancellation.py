"""A cancelled registration leaves networking too, without the registration domain knowing
about networking: when its status becomes cancelled (by the person, the organiser or an
erasure), their requests and meetings are withdrawn and the people they were to meet told."""

from __future__ import annotations

from sqlalchemy import event

from eventmgr.db import db
from eventmgr.networking.services import withdraw_everything_of
from eventmgr.registration.models import CANCELLED, Registration


@event.listens_for(Registration.status, "set")
def _leave_networking(target: Registration, value, old, _initiator) -> None:
    if value != CANCELLED or old == CANCELLED or target.id is None:
        return
    with db.session.no_autoflush:  # the status is not set yet; nothing half-done is flushed
        withdraw_everything_of(target)
