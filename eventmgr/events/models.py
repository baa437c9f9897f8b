"""The Event model."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import get_locale
from sqlalchemy import JSON, CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eventmgr.platform.db import UTCDateTime, db, utcnow


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
