"""Sponsors' answers to the other domains' signals (platform/signals.py):

- next year's edition (event_copied) gets the same sponsors and partners, with their logos.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import undefer

from eventmgr.events.models import Event
from eventmgr.platform import signals
from eventmgr.platform.db import db
from eventmgr.sponsors.models import Sponsor

COPIED = (
    "name",
    "url",
    "level",
    "position",
    "on_badges",
    "on_stream",
    "logo",
    "logo_small",
    "logo_version",
)


@signals.event_copied.connect
def copy_sponsors(source: Event, *, copy: Event, **_kwargs: Any) -> None:
    """In the copying transaction."""
    query = (
        select(Sponsor)
        .where(Sponsor.event_id == source.id)
        .options(undefer(Sponsor.logo), undefer(Sponsor.logo_small))
        .order_by(Sponsor.id)
    )
    for sponsor in db.session.scalars(query):
        db.session.add(
            Sponsor(event_id=copy.id, **{name: getattr(sponsor, name) for name in COPIED})
        )
