"""Networking: delegations, profiles, blocks, meeting requests, slots, tables and meetings.

Everything hangs off a registration (one person at one event), so erasing or deleting a
registration takes its networking data along (ON DELETE CASCADE).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventmgr.platform.db import UTCDateTime, db, utcnow

PENDING = "pending"
ACCEPTED = "accepted"
DECLINED = "declined"
EXPIRED = "expired"
CANCELLED = "cancelled"
REQUEST_STATUSES = (PENDING, ACCEPTED, DECLINED, EXPIRED, CANCELLED)

KINDS = ("startup", "investor", "researcher", "clinician", "industry", "other")
STAGES = ("", "idea", "pre-clinical", "clinical", "market")


class NetworkingSettings(db.Model):
    """One row per event: the organiser's rules and the state of the last schedule."""

    __tablename__ = "networking_settings"
    __table_args__ = (
        CheckConstraint("request_expiry_hours > 0", name="expiry_positive"),
        CheckConstraint("max_open_requests >= 0", name="open_cap"),
        CheckConstraint("max_meetings >= 0", name="meeting_cap"),
    )

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    request_expiry_hours: Mapped[int] = mapped_column(default=48)
    max_open_requests: Mapped[int] = mapped_column(default=10)
    max_meetings: Mapped[int] = mapped_column(default=6)
    # The auto-match proposes each person at most this many meetings nobody asked for.
    max_auto_meetings: Mapped[int] = mapped_column(default=2)
    interest_tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The video-room service: a meeting with anyone online gets this base URL plus a random
    # room name ("https://meet.jit.si/" + "eventmgr-3f9c..."), unless the organiser pastes one.
    video_base_url: Mapped[str] = mapped_column(String(500), default="")
    solve_status: Mapped[str | None] = mapped_column(String(20))
    solve_objective: Mapped[int | None] = mapped_column()
    solve_bound: Mapped[int | None] = mapped_column()
    solved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Delegation(db.Model):
    """A visiting group (GU Ventures from Gothenburg) with a lead who adds its members."""

    __tablename__ = "delegations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    home_organisation: Mapped[str] = mapped_column(String(200), default="")
    lead_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lead = relationship("User")
    members: Mapped[list[DelegationMember]] = relationship(
        back_populates="delegation", cascade="all, delete-orphan", order_by="DelegationMember.id"
    )


class DelegationMember(db.Model):
    """A registration (role marker "delegation") that belongs to a delegation."""

    __tablename__ = "delegation_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(
        ForeignKey("delegations.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    company: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(200), default="")

    delegation: Mapped[Delegation] = relationship(back_populates="members")
    registration = relationship("Registration", lazy="joined")


class Profile(db.Model):
    """What an opted-in participant shows other opted-in participants."""

    __tablename__ = "networking_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    organisation: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20), default="other")
    pitch: Mapped[str] = mapped_column(Text, default="")
    offers: Mapped[str] = mapped_column(Text, default="")
    seeks: Mapped[str] = mapped_column(Text, default="")
    interests: Mapped[list[str]] = mapped_column(JSON, default=list)
    company_stage: Mapped[str] = mapped_column(String(20), default="")
    investment_focus: Mapped[str] = mapped_column(String(500), default="")
    unavailable_slots: Mapped[list[int]] = mapped_column(JSON, default=list)
    # False: the organisers' auto-match never proposes this person a meeting.
    auto_match: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    registration = relationship("Registration", lazy="joined")

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.registration.name,
            "organisation": self.organisation,
            "role": self.role,
            "kind": self.kind,
            "pitch": self.pitch,
            "offers": self.offers,
            "seeks": self.seeks,
            "interests": list(self.interests or []),
            "company_stage": self.company_stage,
            "investment_focus": self.investment_focus,
        }


class Block(db.Model):
    """`blocker` does not want requests from, or suggestions of, `blocked`."""

    __tablename__ = "networking_blocks"
    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    blocked_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MeetingRequest(db.Model):
    """One person asks another for a meeting; `auto` marks pairs the auto-match proposed (either
    side may decline them); a `booking` row marks a meeting an organiser or host booked.
    `attendees` are the people who come besides the two sides' named persons (a company's
    second founder); `reason` is why it was cancelled, when someone gave one."""

    __tablename__ = "meeting_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    from_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    to_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    auto: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The sender took it back (not a block, an answer or a cancelled registration): asking
    # the same person again waits for a cooldown.
    withdrawn_by_sender: Mapped[bool] = mapped_column(default=False, server_default=false())
    reason: Mapped[str] = mapped_column(Text, default="")

    sender = relationship("Registration", foreign_keys=[from_id], lazy="joined")
    recipient = relationship("Registration", foreign_keys=[to_id], lazy="joined")
    meeting: Mapped[Meeting | None] = relationship(
        back_populates="request", cascade="all, delete-orphan", uselist=False
    )

    booking: Mapped[MeetingBooking | None] = relationship(
        cascade="all, delete-orphan", uselist=False, lazy="joined"
    )
    attendees: Mapped[list[MeetingAttendee]] = relationship(
        cascade="all, delete-orphan", order_by="MeetingAttendee.id", lazy="selectin"
    )

    def other(self, registration_id: int):
        return self.recipient if registration_id == self.from_id else self.sender

    @property
    def people(self) -> list[Any]:
        """Everyone who attends: the sender's side, then the recipient's."""
        extra_from = [a.registration for a in self.attendees if a.side == "from"]
        extra_to = [a.registration for a in self.attendees if a.side == "to"]
        return [self.sender, *extra_from, self.recipient, *extra_to]

    @property
    def person_ids(self) -> list[int]:
        return [
            self.from_id,
            *(a.registration_id for a in self.attendees if a.side == "from"),
            self.to_id,
            *(a.registration_id for a in self.attendees if a.side == "to"),
        ]

    def side_of(self, registration_id: int) -> str | None:
        if registration_id == self.from_id:
            return "from"
        if registration_id == self.to_id:
            return "to"
        for attendee in self.attendees:
            if attendee.registration_id == registration_id:
                return attendee.side
        return None

    def others(self, registration_id: int) -> list[Any]:
        """The people on the other side of the meeting from this person."""
        side = self.side_of(registration_id)
        extra = [a.registration for a in self.attendees if a.side != side]
        return [self.recipient if side == "from" else self.sender, *extra]

    @property
    def origin(self) -> str:
        """ "auto" (proposed by the organisers' auto-match), "booked" or "request"."""
        if self.auto:
            return "auto"
        return "booked" if self.booking is not None else "request"


class MeetingAttendee(db.Model):
    """One more person who attends a request's meeting, on the sender's or the recipient's side
    (a company's founders, a delegation's members)."""

    __tablename__ = "meeting_attendees"
    __table_args__ = (UniqueConstraint("request_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_requests.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    side: Mapped[str] = mapped_column(String(4))

    registration = relationship("Registration", lazy="joined")


class MeetingBooking(db.Model):
    """Who booked a meeting directly (an organiser or a host the organiser named) and why."""

    __tablename__ = "meeting_bookings"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_requests.id", ondelete="CASCADE"), primary_key=True
    )
    booked_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    booked_by = relationship("User", lazy="joined")


class NetworkingHost(db.Model):
    """A person the organiser named to book meetings between participants (an incubator's
    team)."""

    __tablename__ = "networking_hosts"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    user = relationship("User", lazy="joined")


class MeetingSlot(db.Model):
    __tablename__ = "meeting_slots"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="slot_ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MeetingTable(db.Model):
    """A meeting place: a numbered table, or a named place (a meeting room, an incubator's
    office), or an online video room; `free_slots` None means free in every slot."""

    __tablename__ = "meeting_tables"
    __table_args__ = (
        UniqueConstraint("event_id", "number"),
        CheckConstraint("seats >= 2", name="table_seats"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    seats: Mapped[int] = mapped_column(default=4)
    free_slots: Mapped[list[int] | None] = mapped_column(JSON)
    name: Mapped[str] = mapped_column(String(200), default="")
    online: Mapped[bool] = mapped_column(default=False)

    @property
    def label(self) -> str:
        """What agendas and signs show: the place's name, else "Table 12"."""
        from flask_babel import gettext as _

        if self.name:
            return self.name
        if self.online:
            return _("Video room %(n)d", n=self.number)
        return _("Table %(n)d", n=self.number)


class Meeting(db.Model):
    """A request placed in a slot at a table. `slot_id`/`table_id` are the latest schedule;
    `published_*` what the two people were told, so a re-publish mails only the changed."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("rating_from IS NULL OR rating_from BETWEEN 1 AND 5", name="rating_from"),
        CheckConstraint("rating_to IS NULL OR rating_to BETWEEN 1 AND 5", name="rating_to"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_requests.id", ondelete="CASCADE"), unique=True
    )
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_slots.id", ondelete="SET NULL"))
    table_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_tables.id", ondelete="SET NULL")
    )
    published: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)  # published and not released: fixed
    published_slot_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_slots.id", ondelete="SET NULL")
    )
    published_table_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_tables.id", ondelete="SET NULL")
    )
    happened_from: Mapped[bool | None] = mapped_column()
    happened_to: Mapped[bool | None] = mapped_column()
    rating_from: Mapped[int | None] = mapped_column()
    rating_to: Mapped[int | None] = mapped_column()
    # The video room of a meeting with anyone online: generated or pasted by the organiser.
    video_link: Mapped[str] = mapped_column(String(500), default="")

    request: Mapped[MeetingRequest] = relationship(back_populates="meeting", lazy="joined")
    slot = relationship("MeetingSlot", foreign_keys=[slot_id])
    table = relationship("MeetingTable", foreign_keys=[table_id])
    published_slot = relationship("MeetingSlot", foreign_keys=[published_slot_id])
    published_table = relationship("MeetingTable", foreign_keys=[published_table_id])
