"""The one event loader: the event a URL names, if the caller may see it.

Every page and API view with a `<slug>` loads its event here, once per request. It lives with
the Event model, in the lowest domain, as Indico keeps its event request handler base in its
events module; every domain above imports it.
"""

from __future__ import annotations

from flask import abort, g
from flask_smorest import abort as api_abort
from sqlalchemy import select

from eventmgr.events.models import Event
from eventmgr.platform.access import current_actor
from eventmgr.platform.db import db
from eventmgr.platform.errors import is_api_request
from eventmgr.platform.roles import EVENT_ROLES


def find_event(slug: str) -> Event | None:
    """The event with that slug, looked up once per request (None when there is none)."""
    cached = g.get("_event_by_slug")
    if cached is not None and cached.slug == slug:
        return cached
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    g._event_by_slug = event
    return event


def may_see(event: Event | None, user) -> bool:
    """Published events are public; an unpublished one is seen by its staff (any event role)
    and administrators only."""
    if event is None:
        return False
    if event.published:
        return True
    if user is None or not user.is_authenticated:
        return False
    return user.is_admin or any(user.has_role(role, event.id) for role in EVENT_ROLES)


def event_or_404(slug: str) -> Event:
    """The event the URL names; 404 (a page, or the API's JSON) when there is none or the
    caller may not see it, so a draft's name never leaks."""
    event = find_event(slug)
    if not may_see(event, current_actor()):
        if is_api_request():
            api_abort(404, message=f"No event {slug!r}.")
        abort(404)
    return event
