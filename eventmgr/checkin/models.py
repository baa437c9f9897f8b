"""Scans at the door and check-ins (revoked badge codes are the registration's).

Every scan is stored, accepted or refused. A registration is checked in at most once: the
unique constraint on `checkins.registration_id` decides it in the database, so several doors
(in several processes) scanning the same badge at once give exactly one acceptance.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from eventmgr.platform.db import UTCDateTime, db, utcnow

ACCEPTED = "accepted"
REFUSED = "refused"

ALREADY_CHECKED_IN = "already_checked_in"
DIGITAL_REGISTRATION = "digital_registration"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"
REVOKED = "revoked"
WRONG_EVENT = "wrong_event"
UNKNOWN = "unknown"
REASONS = (
    ALREADY_CHECKED_IN,
    DIGITAL_REGISTRATION,
    WAITLISTED,
    CANCELLED,
    REVOKED,
    WRONG_EVENT,
    UNKNOWN,
)


class Scan(db.Model):
    """One scan as a door reported it. Only the SHA-256 of the scanned text is kept: a badge
    code is a key, and the log should not hold keys."""

    __tablename__ = "checkin_scans"
    __table_args__ = (
        # also the index for the event's figures (its first column); no other index on
        # event_id: every one costs each scan a write
        UniqueConstraint("event_id", "nonce", name="uq_checkin_scans_event_nonce"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    door: Mapped[str] = mapped_column(String(80), default="")
    device: Mapped[str] = mapped_column(String(80), default="")
    nonce: Mapped[str | None] = mapped_column(String(80))
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(24))
    offline: Mapped[bool] = mapped_column(default=False)
    local_status: Mapped[str | None] = mapped_column(String(10))  # what an offline page decided
    manual: Mapped[bool] = mapped_column(default=False)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )


class Checkin(db.Model):
    """The one check-in of a registration: when and at which door it was first accepted."""

    __tablename__ = "checkins"
    __table_args__ = (Index("ix_checkins_event_at", "event_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    door: Mapped[str] = mapped_column(String(80), default="")
    device: Mapped[str] = mapped_column(String(80), default="")
    manual: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
