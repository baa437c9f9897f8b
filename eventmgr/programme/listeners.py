"""The programme's answers to the other domains' signals (platform/signals.py):

- next year's edition (event_copied) gets the rooms, the people with their photos and the
  draft programme, every item moved to the new date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import undefer

from eventmgr.events.models import Event
from eventmgr.platform import signals
from eventmgr.platform.db import db
from eventmgr.programme import services
from eventmgr.programme.models import Person, ProgrammeItem, Room

PERSON_COPIED = ("name", "title", "affiliation", "bio", "photo", "photo_thumb", "photo_version")
ITEM_COPIED = ("kind", "title", "abstract", "theme", "delivery", "cancelled")


@signals.event_copied.connect
def copy_programme(
    source: Event, *, copy: Event, shift: Callable[[datetime], datetime], **_kwargs: Any
) -> None:
    """In the copying transaction: the draft programme (what the organiser works on), not the
    published versions, which belong to the old edition's attendees."""
    rooms = {}
    for room in services.rooms_of(source):
        rooms[room.id] = Room(event_id=copy.id, name=room.name, capacity=room.capacity)
    people = {}
    query = (
        select(Person)
        .where(Person.event_id == source.id)
        .options(undefer(Person.photo), undefer(Person.photo_thumb))
    )
    for person in db.session.scalars(query):
        people[person.id] = Person(
            event_id=copy.id,
            links=list(person.links or []),
            **{name: getattr(person, name) for name in PERSON_COPIED},
        )
    db.session.add_all([*rooms.values(), *people.values()])
    db.session.flush()
    items = services.items_of(source)
    copies: dict[int, ProgrammeItem] = {}
    for item in sorted(items, key=lambda i: i.parent_id is not None):  # sessions before talks
        new = ProgrammeItem(
            event_id=copy.id,
            starts_at=shift(item.starts_at),
            ends_at=shift(item.ends_at),
            room_id=rooms[item.room_id].id if item.room_id in rooms else None,
            parent_id=copies[item.parent_id].id if item.parent_id in copies else None,
            speakers=[people[p.id] for p in item.speakers],
            moderators=[people[p.id] for p in item.moderators],
            **{name: getattr(item, name) for name in ITEM_COPIED},
        )
        db.session.add(new)
        db.session.flush()
        copies[item.id] = new
