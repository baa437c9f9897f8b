"""User accounts, their roles and their API tokens."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventmgr.platform.db import UTCDateTime, db, utcnow
from eventmgr.platform.roles import Role


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    locale: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(default=True)
    # Part of every session's user id: raising it ends every session of the user everywhere.
    session_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:  # flask-login asks this
        return self.active

    def get_id(self) -> str:
        """The id flask-login keeps in the session and the remember cookie: with the session
        version, so a cookie saved before a log-out or a new password names nobody."""
        return f"{self.id}:{self.session_version}"

    def has_role(
        self, role: Role | str, event_id: int | None = None, *, event_slug: str | None = None
    ) -> bool:
        """True for a global role, or an event role held for that event, named by id or by
        slug (for any event when neither is given)."""
        role = Role(role)
        for assignment in self.roles:
            if assignment.role != role:
                continue
            if assignment.event_id is None:
                return True
            if event_slug is not None:
                if assignment.event.slug == event_slug:
                    return True
            elif event_id is None or assignment.event_id == event_id:
                return True
        return False

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    def event_ids_for(self, role: Role | str) -> set[int]:
        return {a.event_id for a in self.roles if a.role == Role(role) and a.event_id is not None}


class RoleAssignment(db.Model):
    """One role of one user, for one event when the role is an event role."""

    __tablename__ = "role_assignments"
    __table_args__ = (UniqueConstraint("user_id", "role", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )

    user: Mapped[User] = relationship(back_populates="roles")
    # By name: the events domain stands above accounts; the role only needs the event's slug.
    event = relationship("Event", lazy="joined", viewonly=True)


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored, so a leaked database leaks no token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The token's first characters, to tell tokens apart in lists; never enough to use it.
    prefix: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
