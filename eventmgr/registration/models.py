"""Registrations of people for an event, and the history of every change to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventmgr.platform import signals
from eventmgr.platform.db import UTCDateTime, db, utcnow

ON_SITE = "on_site"
DIGITAL = "digital"
MODES = (ON_SITE, DIGITAL)

CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"
STATUSES = (CONFIRMED, WAITLISTED, CANCELLED)

ROLE_MARKERS = ("attendee", "speaker", "moderator", "organiser", "press", "delegation")
LANGUAGES = ("en", "nb")


class Registration(db.Model):
    """One person at one event. The manage token is stored only as its SHA-256."""

    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "email_key", name="uq_registrations_event_email"),
        Index("ix_registrations_event_status_mode", "event_id", "status", "mode"),
        Index("ix_registrations_event_queue", "event_id", "mode", "status", "queued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254))  # lower-cased: one per address
    organisation: Mapped[str] = mapped_column(String(200), default="")
    job_title: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(40))
    mode: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12))
    role: Mapped[str] = mapped_column(String(12), default="attendee")
    dietary_needs: Mapped[str] = mapped_column(String(500), default="")
    language: Mapped[str] = mapped_column(String(5), default="en")
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a link mailed to `email` was first opened: until then the address is only a claim,
    # and the registration is linked to no account and takes no part in networking.
    email_proven_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    networking_opt_in: Mapped[bool] = mapped_column(default=False)
    # A link mailed and not yet opened (its SHA-256): opening it replaces the manage link; with
    # `pending_email`, it also moves the registration to that (then proven) address.
    pending_email: Mapped[str | None] = mapped_column(String(254))
    pending_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    # News from the organiser only with consent; notices of changes to starred items by default.
    news_opt_in: Mapped[bool] = mapped_column(default=False)
    change_notices: Mapped[bool] = mapped_column(default=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    badge_code: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # waiting order
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event = relationship("Event", lazy="joined")
    history: Mapped[list[RegistrationHistory]] = relationship(
        back_populates="registration",
        cascade="all, delete-orphan",
        order_by="RegistrationHistory.id",
    )
    answer_rows: Mapped[list[RegistrationAnswer]] = relationship(
        cascade="all, delete-orphan", order_by="RegistrationAnswer.id", passive_deletes=True
    )

    @property
    def answers(self) -> dict[str, Any]:
        """The answers to the event's questions, {key: value}: a list for a "multiple"
        question, a bool for a checkbox, text otherwise; a question the event no longer asks
        keeps its answer (as text, or a list of texts)."""
        return answers_from_rows(self.event, [(a.question, a.value) for a in self.answer_rows])

    @property
    def is_proven(self) -> bool:
        """Whether the address was proven to be the person's (a link sent there was opened)."""
        return self.email_proven_at is not None

    @classmethod
    def of_account(cls, event_id: int, email: str) -> Any:
        """The condition that finds an account's registration: its address, and only once that
        address was proven (someone who types another's address links nothing to them)."""
        return and_(
            cls.event_id == event_id,
            cls.email_key == email.lower(),
            cls.email_proven_at.is_not(None),
            cls.anonymised_at.is_(None),
        )

    @property
    def confirmed_on_site(self) -> bool:
        return self.status == CONFIRMED and self.mode == ON_SITE

    def personal_data(self) -> dict[str, Any]:
        """What we hold about the person, as they may download it: the registration, then
        every other domain's section (the personal_data_requested signal)."""
        mine = {
            "event": self.event.slug,
            "name": self.name,
            "email": self.email,
            "organisation": self.organisation,
            "job_title": self.job_title,
            "category": self.category,
            "mode": self.mode,
            "status": self.status,
            "role": self.role,
            "dietary_needs": self.dietary_needs,
            "language": self.language,
            "consent_at": self.consent_at.isoformat() if self.consent_at else None,
            "networking_opt_in": self.networking_opt_in,
            "news_opt_in": self.news_opt_in,
            "change_notices": self.change_notices,
            "answers": self.answers,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
            "history": [h.as_dict() for h in self.history],
        }
        extra: dict[str, Any] = {}
        for section in signals.collect(signals.personal_data_requested, self):
            extra.update(section)
        extra = dict(sorted(extra.items()))
        if clash := mine.keys() & extra.keys():
            raise RuntimeError(f"personal data sections hide registration fields: {clash}")
        return mine | extra


YES, NO = "yes", "no"


def answers_from_rows(event: Any, rows: list[tuple[str, str]]) -> dict[str, Any]:
    """{key: value} from stored (question, value) rows, typed by the event's questions."""
    grouped: dict[str, list[str]] = {}
    for key, value in rows:
        grouped.setdefault(key, []).append(value)
    out: dict[str, Any] = {}
    for key, values in grouped.items():
        question = event.question(key) if event is not None else None
        kind = question.get("kind") if question else None
        if kind == "multiple" or (kind is None and len(values) > 1):
            out[key] = values
        elif kind == "checkbox":
            out[key] = values[0] == YES
        else:
            out[key] = values[0]
    return out


class RegistrationAnswer(db.Model):
    """One answer to one of the event's questions; a "multiple" question has a row per choice,
    so that the organiser's list and the API filter by answer in SQL on any database."""

    __tablename__ = "registration_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    question: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(500))


class RegistrationHistory(db.Model):
    """Who changed what on a registration, and when."""

    __tablename__ = "registration_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(40))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    registration: Mapped[Registration] = relationship(back_populates="history")

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "changes": self.changes,
        }


class RevokedBadgeCode(db.Model):
    """A badge code replaced by a new badge (lost, name corrected): refused as `revoked`."""

    __tablename__ = "revoked_badge_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(String(200), default="")
