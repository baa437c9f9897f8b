"""A registration's agenda in its data download, and gone when the registration is erased.

Erasing deletes the agenda and its starred items: the feed's secret URL then answers 404 for
good, and no one can tell any more what the person meant to attend. (The registration domain
does not know the calendar; it sets `anonymised_at` and this listener does the rest.)
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, event, select

from eventmgr.calendar import services
from eventmgr.calendar.models import Agenda, StarredItem
from eventmgr.db import db
from eventmgr.registration.models import Registration
from eventmgr.registration.personal_data import personal_data_section


@personal_data_section("my_programme")
def my_programme(registration: Registration) -> dict[str, Any]:
    """The starred items (as last published) and the subscription address of the feed."""
    agenda = db.session.scalar(select(Agenda).where(Agenda.registration_id == registration.id))
    if agenda is None:
        return {"feed_url": None, "starred": []}
    states = services.history_of(registration.event).states
    return {
        "feed_url": services.feed_url(agenda),
        "starred": [_starred(star, states.get(star.item_id)) for star in agenda.stars],
    }


def _starred(star: StarredItem, state: services.ItemState | None) -> dict[str, Any]:
    item = state.item if state is not None else None
    return {
        "item_id": star.item_id,
        "title": item.title if item else None,
        "starts_at": item.starts_at.isoformat() if item else None,
        "starred_at": star.starred_at.isoformat(),
    }


@event.listens_for(Registration.anonymised_at, "set")
def _erase_agenda(target: Registration, value, _old, _initiator) -> None:
    if value is None or target.id is None:
        return
    mine = select(Agenda.id).where(Agenda.registration_id == target.id)
    db.session.execute(delete(StarredItem).where(StarredItem.agenda_id.in_(mine)))
    db.session.execute(delete(Agenda).where(Agenda.registration_id == target.id))
