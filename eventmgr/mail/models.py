"""The outbox: one row per message to one recipient, with its delivery state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eventmgr.platform.db import UTCDateTime, db, utcnow

QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
STATUSES = (QUEUED, SENDING, SENT, FAILED)


class OutboxMessage(db.Model):
    """An email to one recipient. A worker claims it (status `sending` until `claimed_until`),
    sends it and marks it `sent` the moment SMTP accepted it; a temporary refusal puts it back
    as `queued` for `next_attempt_at`, a permanent one marks it `failed`.

    `rule` names what sent it (e.g. "registration.confirmation"); with `key`, a rule sends a
    message at most once per key (a unique constraint), whoever asks how often."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        Index("ix_outbox_messages_key", "key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(String(80), default="", index=True)
    key: Mapped[str | None] = mapped_column(String(200))
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class HeldMessage(db.Model):
    """A message held back because its recipient had their hourly share of mail of its
    `grouping` (e.g. networking); a digest later sends all held ones together."""

    __tablename__ = "held_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    grouping: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
