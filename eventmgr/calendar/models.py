"""Personal agendas: the items an attendee starred, and the secret URL of their feed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventmgr.platform.db import UTCDateTime, db, utcnow


class Agenda(db.Model):
    """One person's "my programme" at one event.

    Owned by a registration (found by email for signed-in users, by the manage link for
    others), or by a user account that has no registration for the event. The feed's secret
    token is derived from `feed_nonce` with the app's secret key and stored only as a SHA-256;
    a new nonce (reset) makes the old URL 404. `version` rises with every star and unstar, so
    the feed's ETag needs no look at the starred rows.
    """

    __tablename__ = "agendas"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id", name="uq_agendas_event_user"),
        CheckConstraint(
            "(registration_id IS NULL AND user_id IS NOT NULL)"
            " OR (registration_id IS NOT NULL AND user_id IS NULL)",
            name="one_owner",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    feed_nonce: Mapped[str] = mapped_column(String(32))
    feed_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration = relationship("Registration")
    user = relationship("User")
    stars: Mapped[list[StarredItem]] = relationship(
        back_populates="agenda", cascade="all, delete-orphan", order_by="StarredItem.item_id"
    )


class StarredItem(db.Model):
    """An item of the published programme in an agenda.

    `item_id` names an item of the published snapshots, not a foreign key: a starred item
    that the programme lead deletes must still be sent as cancelled for a while.
    """

    __tablename__ = "starred_items"

    agenda_id: Mapped[int] = mapped_column(
        ForeignKey("agendas.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    starred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agenda: Mapped[Agenda] = relationship(back_populates="stars")
