"""A message from the organiser to an audience of the event's registrations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from eventmgr.platform.db import UTCDateTime, db, utcnow

PRACTICAL, NEWS = "practical", "news"
KINDS = (PRACTICAL, NEWS)

SCHEDULED, QUEUED = "scheduled", "queued"


class Message(db.Model):
    """Subject and body per language ({"en": ..., "nb": ...}, one may be missing), the audience
    as filters (messages/audience.py) and when it goes. Once expanded (at once, or by a job at
    `send_at`), each recipient has one outbox row with the rule `message` and the key
    `message:<id>:<registration id>`: the outbox holds who got it; this row what was said."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default=PRACTICAL)
    subject: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    body: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    send_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default=SCHEDULED)
    recipients: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def rule(self) -> str:
        return f"message.{self.id}"


class SpeakerBrief(db.Model):
    """What a speaker or moderator was last told about their items ({item id: what they were
    told}), so that a later publication tells only those whose items changed, and what."""

    __tablename__ = "speaker_briefs"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    items: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    told_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MessageSettings(db.Model):
    """The event's automatic mail, each on unless the organiser turns it off."""

    __tablename__ = "message_settings"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    speaker_briefs: Mapped[bool] = mapped_column(default=True)
    day_before: Mapped[bool] = mapped_column(default=True)
    stream_reminder: Mapped[bool] = mapped_column(default=True)
    speaker_reminder: Mapped[bool] = mapped_column(default=True)
    starred_changes: Mapped[bool] = mapped_column(default=True)
