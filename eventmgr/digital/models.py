"""The digital half of the audience: stream settings, questions, watch time, certificates and
feedback. Streams themselves (a URL per room, overridable per item, and the "not streamed" flag)
are programme data: programme/models.py."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from eventmgr.platform.db import UTCDateTime, db, utcnow

PENDING = "pending"
APPROVED = "approved"
HIDDEN = "hidden"
ANSWERED = "answered"
QUESTION_STATUSES = (PENDING, APPROVED, HIDDEN, ANSWERED)
SHOWN = (APPROVED, ANSWERED)
"""What the audience sees: approved questions, and those answered."""

ON_SITE = "on_site"
ONLINE = "online"
BOTH = "on_site_and_online"


class DigitalSettings(db.Model):
    """The organiser's choices for the digital audience of one event."""

    __tablename__ = "digital_settings"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    # Hosts whose players the watch page may embed or play (the CSP opens for these only).
    player_hosts: Mapped[list[str]] = mapped_column(JSON, default=list)
    certificate_minutes: Mapped[int] = mapped_column(default=60)
    certificates_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    feedback_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ModeratorLink(db.Model):
    """A secret link to moderate one item's questions; only the token's SHA-256 is kept."""

    __tablename__ = "moderator_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("programme_items.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class QaBoard(db.Model):
    """One item's questions as counters: `version` moves when what the audience sees changes,
    `queue_version` on any change, so a poll compares one number (ETag, 304)."""

    __tablename__ = "qa_boards"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("programme_items.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    queue_version: Mapped[int] = mapped_column(default=1)
    pinned_question_id: Mapped[int | None] = mapped_column()


class Question(db.Model):
    """A question from the room or from home. `anonymous` hides the name from the audience,
    never from the moderators."""

    __tablename__ = "questions"
    __table_args__ = (
        Index("ix_questions_item_status", "item_id", "status"),
        CheckConstraint("votes >= 0", name="votes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("programme_items.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(500))
    anonymous: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    votes: Mapped[int] = mapped_column(default=0)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class QuestionVote(db.Model):
    """One person's upvote; the primary key makes it one per person and question."""

    __tablename__ = "question_votes"

    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Viewer(db.Model):
    """A digital registrant's last beat from the watch page: a beat credits the time since the
    previous one (capped), whichever tab or room sent it, so two tabs never count twice."""

    __tablename__ = "watch_viewers"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    last_beat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    room_id: Mapped[int | None] = mapped_column()


class WatchTime(db.Model):
    """Seconds a digital registrant watched one item (the talk, or the item without talks)."""

    __tablename__ = "watch_times"
    __table_args__ = (CheckConstraint("seconds >= 0", name="seconds"),)

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("programme_items.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    seconds: Mapped[int] = mapped_column(default=0)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Certificate(db.Model):
    """A certificate of attendance as issued: what the PDF and the verification page show,
    frozen at issue. `code` is in the verification URL."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column()
    attendance: Mapped[str] = mapped_column(String(20))  # ON_SITE, ONLINE or BOTH
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CertificateNotice(db.Model):
    """The one mail telling a person their certificate is ready (never sent twice)."""

    __tablename__ = "certificate_notices"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EventFeedback(db.Model):
    """A person's answer to the event's short survey. Erasure keeps the rating and drops the
    link to the person and the comments, so the organiser's figures still add up."""

    __tablename__ = "event_feedback"
    __table_args__ = (
        UniqueConstraint("event_id", "registration_id", name="uq_event_feedback_person"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL")
    )
    rating: Mapped[int | None] = mapped_column()
    liked: Mapped[str] = mapped_column(Text, default="")
    improve: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ItemRating(db.Model):
    """A rating (1 to 5) and an optional comment on one talk."""

    __tablename__ = "item_ratings"
    __table_args__ = (
        UniqueConstraint("item_id", "registration_id", name="uq_item_ratings_person"),
        CheckConstraint("rating >= 1 AND rating <= 5", name="rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("programme_items.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL")
    )
    rating: Mapped[int] = mapped_column()
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
