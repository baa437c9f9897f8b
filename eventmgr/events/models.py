"""The Event model."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import get_locale
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventmgr.platform.db import UTCDateTime, db, utcnow

# Where registration stands at a moment: before its window, in it, after it.
NOT_YET_OPEN = "not_yet_open"
OPEN = "open"
CLOSED = "closed"


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("onsite_capacity IS NULL OR onsite_capacity >= 0", name="onsite_cap"),
        CheckConstraint("digital_capacity IS NULL OR digital_capacity >= 0", name="digital_cap"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    venue: Mapped[str | None] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    onsite_capacity: Mapped[int | None] = mapped_column()
    digital_capacity: Mapped[int | None] = mapped_column()
    stream_url: Mapped[str | None] = mapped_column(String(500))
    published: Mapped[bool] = mapped_column(default=False)
    # Attendee categories, in order: [{"key": "oncologist", "label": {"en": ..., "nb": ...}}]
    categories: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Extra registration questions, in order: [{"key", "label": {"en", "nb"}, "kind",
    # "required", "choices": [{"key", "label": {"en", "nb"}}]}]
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # When the public may register; no opening: from publication; no closing: until the end.
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who is responsible for the personal data, and the privacy text ({"en", "nb"}; none: the
    # default notice, which names the organiser and says what is kept and why).
    organiser_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    privacy_notice: Mapped[dict[str, str] | None] = mapped_column(JSON)
    # Hours a registrant has to open the link mailed to their address before an on-site place
    # goes back to the waiting list; 0: addresses count as proven when registered.
    proof_hours: Mapped[int] = mapped_column(default=24, server_default="24")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, moment: datetime) -> datetime:
        """A stored UTC instant as wall-clock time at the event."""
        return moment.astimezone(self.tz)

    @property
    def category_keys(self) -> tuple[str, ...]:
        return tuple(c["key"] for c in self.categories or ())

    def category_label(self, key: str) -> str:
        """A category as the reader's language names it (a key no longer offered, as is)."""
        lang = str(get_locale() or "en")
        for category in self.categories or ():
            if category["key"] == key:
                labels = category.get("label") or {}
                return labels.get(lang) or labels.get("en") or key
        return key

    # ------------------------------------------------------------ registration settings

    @property
    def registration_closes(self) -> datetime:
        """When the public can no longer register: the organiser's closing, else the end."""
        return self.registration_closes_at or self.ends_at

    def registration_state(self, now: datetime | None = None) -> str:
        """NOT_YET_OPEN, OPEN or CLOSED at `now` (publication aside: a draft shows nobody)."""
        now = now or utcnow()
        if self.registration_opens_at is not None and now < self.registration_opens_at:
            return NOT_YET_OPEN
        if now >= self.registration_closes:
            return CLOSED
        return OPEN

    def question(self, key: str) -> dict[str, Any] | None:
        return next((q for q in self.questions or () if q.get("key") == key), None)

    def label(self, labels: dict[str, str] | None, fallback: str = "") -> str:
        """A {"en", "nb"} text in the reader's language (a missing language shows the other)."""
        lang = str(get_locale() or "en")
        labels = labels or {}
        return labels.get(lang) or labels.get("en") or labels.get("nb") or fallback

    def privacy_text(self) -> str | None:
        """The organiser's own privacy notice in the reader's language; None: the default."""
        return self.label(self.privacy_notice) or None


INVITATION_DAYS = 7
PENDING = "pending"
ACCEPTED = "accepted"
EXPIRED = "expired"
WITHDRAWN = "withdrawn"


class StaffInvitation(db.Model):
    """An invitation to an address to take an event role (organiser, door staff, delegation
    lead). The link's token is stored only as its SHA-256; it works once, for 7 days."""

    __tablename__ = "staff_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()

    def status(self, now: datetime | None = None) -> str:
        if self.accepted_at is not None:
            return ACCEPTED
        if self.withdrawn_at is not None:
            return WITHDRAWN
        if (now or utcnow()) >= self.expires_at:
            return EXPIRED
        return PENDING

    @staticmethod
    def lifetime() -> timedelta:
        return timedelta(days=INVITATION_DAYS)
