"""Attendance of both audiences. On site: the check-in (a person checked in by the end of an
item counts as present for it; the door is the only fact there is). Online: the watch page
beats every minute while the player shows, and each beat credits the time since the person's
previous beat (at most MAX_CREDIT) to the item playing in the room they watch."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from eventmgr.checkin.models import Checkin
from eventmgr.digital import streams
from eventmgr.digital.models import Viewer, WatchTime
from eventmgr.digital.settings import DigitalError
from eventmgr.events.models import Event
from eventmgr.platform.db import commit, db, utcnow
from eventmgr.programme.services import PublicItem, public_programme
from eventmgr.registration.models import CONFIRMED, DIGITAL, Registration

BEAT_SECONDS = 60
MAX_CREDIT = 90
"""A beat credits at most this: a sleeping laptop's gap is not time watched."""
COUNTED_FROM = 60
"""Seconds of an item watched before a viewer counts as present for it."""


def may_watch(registration: Registration | None, event: Event) -> bool:
    """The watch page is for confirmed digital registrants."""
    return (
        registration is not None
        and registration.event_id == event.id
        and registration.status == CONFIRMED
        and registration.mode == DIGITAL
        and registration.anonymised_at is None
    )


@dataclass(frozen=True)
class Beat:
    credited: int
    item_id: int | None


def beat(event: Event, registration: Registration | None, room_id: int, now: datetime) -> Beat:
    """One beat from a watch page showing `room_id`'s stream."""
    if not may_watch(registration, event):
        raise DigitalError({"registration": _("The stream is for digital registrants.")}, 403)
    assert registration is not None
    room = streams.room_now(event, room_id, now)
    if room is None:
        raise DigitalError({"room_id": _("No such streamed room.")}, 404)
    viewer = db.session.get(Viewer, registration.id)
    credit = 0
    if viewer is None:
        db.session.add(
            Viewer(
                registration_id=registration.id,
                event_id=event.id,
                last_beat_at=now,
                room_id=room_id,
            )
        )
    else:
        elapsed = int((now - viewer.last_beat_at).total_seconds())
        # Only the request that moves last_beat_at credits: two tabs never count twice.
        moved = db.session.execute(
            update(Viewer)
            .where(
                Viewer.registration_id == registration.id,
                Viewer.last_beat_at == viewer.last_beat_at,
            )
            .values(last_beat_at=now, room_id=room_id)
        ).rowcount
        credit = max(0, min(elapsed, MAX_CREDIT)) if moved else 0
    item = room.current if room.stream is not None else None
    if item is not None and credit:
        _credit(event, registration, item.id, credit, now)
    commit()
    return Beat(credit if item is not None else 0, item.id if item is not None else None)


def _credit(event: Event, registration: Registration, item_id: int, seconds: int, now) -> None:
    row = db.session.get(WatchTime, (registration.id, item_id))
    if row is None:
        try:
            with db.session.begin_nested():
                db.session.add(
                    WatchTime(
                        registration_id=registration.id,
                        item_id=item_id,
                        event_id=event.id,
                        seconds=seconds,
                        first_at=now,
                        last_at=now,
                    )
                )
            return
        except IntegrityError:
            pass  # another tab made the row a moment ago: add to it
    db.session.execute(
        update(WatchTime)
        .where(WatchTime.registration_id == registration.id, WatchTime.item_id == item_id)
        .values(seconds=WatchTime.seconds + seconds, last_at=now)
    )


def watched(registration: Registration) -> dict[int, int]:
    """Seconds watched per item."""
    rows = db.session.execute(
        select(WatchTime.item_id, WatchTime.seconds).where(
            WatchTime.registration_id == registration.id
        )
    )
    return {item_id: seconds for item_id, seconds in rows}


@dataclass
class ItemAttendance:
    item: PublicItem
    depth: int
    on_site: int  # checked in by the end of the item
    online: int  # digital registrants who watched it for a minute or more
    online_minutes: int  # minutes watched by everyone together


def per_item(event: Event) -> list[ItemAttendance]:
    """Both audiences for every published item (a session counts its talks' viewers)."""
    programme = public_programme(event)
    arrivals = sorted(db.session.scalars(select(Checkin.at).where(Checkin.event_id == event.id)))
    seconds: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    rows = db.session.execute(
        select(WatchTime.item_id, WatchTime.registration_id, WatchTime.seconds).where(
            WatchTime.event_id == event.id
        )
    )
    for item_id, registration_id, secs in rows:
        item = programme.by_id.get(item_id)
        seconds[item_id][registration_id] += secs
        if item is not None and item.parent_id is not None:
            seconds[item.parent_id][registration_id] += secs
    result = []
    for top in programme.top_level:
        for depth, item in [(0, top)] + [(1, child) for child in top.children]:
            viewers = seconds.get(item.id, {})
            result.append(
                ItemAttendance(
                    item,
                    depth,
                    sum(1 for at in arrivals if at < item.ends_at),
                    sum(1 for s in viewers.values() if s >= COUNTED_FROM),
                    sum(viewers.values()) // 60,
                )
            )
    return result


def viewers_now(event: Event, now: datetime | None = None) -> int:
    """Digital registrants whose watch page beat in the last two minutes."""
    since = (now or utcnow()) - timedelta(seconds=2 * BEAT_SECONDS)
    query = select(func.count()).where(Viewer.event_id == event.id, Viewer.last_beat_at >= since)
    return db.session.scalar(query) or 0
