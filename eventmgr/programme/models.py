"""Programme models: rooms, reusable person records, items (sessions hold talks), versions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from eventmgr.platform.db import UTCDateTime, db, utcnow


class Kind(StrEnum):
    WELCOME = "welcome"
    KEYNOTE = "keynote"
    SESSION = "session"
    TALK = "talk"
    BREAK = "break"
    NETWORKING = "networking"
    OTHER = "other"


class Delivery(StrEnum):
    ON_SITE = "on_site"
    DIGITAL = "digital"


KIND_LABELS = {
    Kind.WELCOME: _l("Welcome"),
    Kind.KEYNOTE: _l("Keynote"),
    Kind.SESSION: _l("Session"),
    Kind.TALK: _l("Talk"),
    Kind.BREAK: _l("Break"),
    Kind.NETWORKING: _l("Networking"),
    Kind.OTHER: _l("Other"),
}
DELIVERY_LABELS = {Delivery.ON_SITE: _l("On site"), Delivery.DIGITAL: _l("Digital")}


item_speakers = Table(
    "programme_item_speakers",
    db.metadata,
    Column(
        "item_id", Integer, ForeignKey("programme_items.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)

item_moderators = Table(
    "programme_item_moderators",
    db.metadata,
    Column(
        "item_id", Integer, ForeignKey("programme_items.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (
        UniqueConstraint("event_id", "name", name="uq_rooms_event_name"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int | None] = mapped_column()
    # Where the room is streamed (HLS or a video platform's player); for digital registrants
    # only: never in a published snapshot, a public page, a feed or the public API.
    stream_url: Mapped[str | None] = mapped_column(String(500))


class Person(db.Model):
    """A speaker or moderator, kept once per event and linked to any number of items."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(300))
    affiliation: Mapped[str | None] = mapped_column(String(500))
    bio: Mapped[str | None] = mapped_column(Text)
    links: Mapped[list] = mapped_column(JSON, default=list)
    # Re-encoded JPEG (at most 800 px) and a small one for lists; bytes load only when served.
    photo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    photo_thumb: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    photo_version: Mapped[int] = mapped_column(default=0)
    # How to reach the person: never on a public page, in a snapshot or a feed. Mail goes to
    # the registration with the same proven address (linked at publication), in `language`.
    email: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(5), default="en")
    # An id, not a foreign key (SQLite adds no constraint to a table in place): each
    # publication links again, and a registration gone is simply not found.
    registration_id: Mapped[int | None] = mapped_column(index=True)

    @property
    def has_photo(self) -> bool:
        return self.photo_version > 0


class ProgrammeItem(db.Model):
    __tablename__ = "programme_items"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(500))
    abstract: Mapped[str | None] = mapped_column(Text)
    theme: Mapped[str | None] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme_items.id", ondelete="CASCADE"), index=True
    )
    delivery: Mapped[str] = mapped_column(String(20), default=Delivery.ON_SITE.value)
    cancelled: Mapped[bool] = mapped_column(default=False)
    # The room's stream unless overridden here; `streamed` False keeps an item (unpublished
    # data) off the stream, and the programme says "not streamed".
    stream_url: Mapped[str | None] = mapped_column(String(500))
    streamed: Mapped[bool] = mapped_column(default=True)
    # For a remote speaker only (their mail about the item): never in a snapshot or a page.
    tech_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    connection_url: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    room: Mapped[Room | None] = relationship()
    parent: Mapped[ProgrammeItem | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[ProgrammeItem]] = relationship(
        back_populates="parent", cascade="all, delete-orphan", order_by="ProgrammeItem.starts_at"
    )
    speakers: Mapped[list[Person]] = relationship(secondary=item_speakers, order_by=Person.name)
    moderators: Mapped[list[Person]] = relationship(secondary=item_moderators, order_by=Person.name)


class ProgrammeVersion(db.Model):
    """One publication: a frozen snapshot of the programme, as attendees saw it."""

    __tablename__ = "programme_versions"
    __table_args__ = (UniqueConstraint("event_id", "number", name="uq_programme_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    clash_count: Mapped[int] = mapped_column(default=0)
    snapshot: Mapped[dict] = mapped_column(JSON)
