"""A sponsor or partner of one event."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from eventmgr.platform.db import db

# Levels in the order the event page shows them.
LEVELS = ("main", "sponsor", "partner", "supporter")
LEVEL_LABELS = {
    "main": _l("Main sponsors"),
    "sponsor": _l("Sponsors"),
    "partner": _l("Partners"),
    "supporter": _l("Supporters"),
}
LEVEL_NAMES = {
    "main": _l("Main sponsor"),
    "sponsor": _l("Sponsor"),
    "partner": _l("Partner"),
    "supporter": _l("Supporter"),
}


class Sponsor(db.Model):
    __tablename__ = "sponsors"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    level: Mapped[str] = mapped_column(String(20), default="sponsor")
    position: Mapped[int] = mapped_column(default=0)  # order within the level
    on_badges: Mapped[bool] = mapped_column(default=False)
    on_stream: Mapped[bool] = mapped_column(default=False)
    # Re-encoded PNG (transparency kept), at most 800 x 400, and a small one for pages; the
    # bytes load only when served.
    logo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    logo_small: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    logo_version: Mapped[int] = mapped_column(default=0)

    event = relationship("Event", lazy="joined", viewonly=True)

    @property
    def has_logo(self) -> bool:
        return self.logo_version > 0
