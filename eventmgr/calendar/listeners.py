"""The calendar's reactions to other domains (platform/signals.py): the person's agenda in
their data download and gone with their erasure, and the star buttons and "add to calendar"
links on the public programme pages.

Erasing deletes the agenda and its starred items: the feed's secret URL then answers 404 for
good, and no one can tell any more what the person meant to attend.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import delete, select

from eventmgr.calendar import services
from eventmgr.calendar.links import google_link, outlook_link
from eventmgr.calendar.models import Agenda, StarredItem
from eventmgr.calendar.visitor import starring
from eventmgr.events.models import Event
from eventmgr.platform import signals
from eventmgr.platform.db import db
from eventmgr.registration.models import Registration


@signals.personal_data_requested.connect
def personal_data(registration: Registration) -> dict[str, Any]:
    return {"my_programme": my_programme(registration)}


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


@signals.registration_erased.connect
def erase_agenda(registration: Registration) -> None:
    mine = select(Agenda.id).where(Agenda.registration_id == registration.id)
    db.session.execute(delete(StarredItem).where(StarredItem.agenda_id.in_(mine)))
    db.session.execute(delete(Agenda).where(Agenda.registration_id == registration.id))


@signals.programme_page_context.connect
def programme_page(event: Event, item_id: int | None = None) -> dict[str, Any]:
    """Star buttons for a visitor who can star; an item page also gets its calendar links."""
    context: dict[str, Any] = {"starring": starring(event)}
    if item_id is not None:
        context["calendar_links"] = item_calendar_links(event, item_id)
    return context


def item_calendar_links(event: Event, item_id: int) -> dict | None:
    """The item page's "add to calendar": .ics, Google, Outlook."""
    entry = services.entry_for(event, item_id)
    if entry is None:
        return None
    return {
        "ics": url_for("calendar.item_ics", slug=event.slug, item_id=item_id),
        "google": google_link(entry),
        "outlook": outlook_link(entry),
    }
