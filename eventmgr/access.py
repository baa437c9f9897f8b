"""Who may use which view. Every view declares it; a test walks the URL map to prove it.

Pages answer an anonymous visitor with the log-in page and a wrong role with 403;
the API answers 401 and 403 in JSON. Administrators may do everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, g
from flask_login import current_user
from sqlalchemy import select

from eventmgr.db import db
from eventmgr.roles import EVENT_ROLES, Role

PUBLIC = "public"
AUTHENTICATED = "authenticated"
ROLES = "roles"


@dataclass(frozen=True)
class Access:
    """What a view requires: nobody, any signed-in user, or one of some roles."""

    level: str
    roles: frozenset[str] = frozenset()


def event_for_slug(slug: str):
    """The event named in the URL, looked up once per request."""
    from eventmgr.events.models import Event

    cached = g.get("_event_by_slug")
    if cached is not None and cached.slug == slug:
        return cached
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    g._event_by_slug = event
    return event


def user_may(user: Any, roles: Iterable[str], slug: str | None = None) -> bool:
    """True when the user holds one of the roles; event roles count only for the URL's event."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    event_id = None
    if slug is not None:
        event = event_for_slug(slug)
        event_id = event.id if event else -1
    for role in roles:
        if Role(role) in EVENT_ROLES:
            if user.has_role(role, event_id):
                return True
        elif user.has_role(role):
            return True
    return False


def _mark(view: Callable, access: Access) -> Callable:
    view.access = access  # type: ignore[attr-defined]
    return view


def public(view: Callable) -> Callable:
    """Anyone, signed in or not."""
    return _mark(view, Access(PUBLIC))


def login_required(view: Callable) -> Callable:
    """Any signed-in user."""
    from eventmgr.extensions import login_manager

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return _mark(wrapper, Access(AUTHENTICATED))


def roles_required(*roles: Role) -> Callable[[Callable], Callable]:
    """A page for some roles; event roles are checked against the URL's `slug`."""
    from eventmgr.extensions import login_manager

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not user_may(current_user, roles, kwargs.get("slug")):
                abort(403)
            return view(*args, **kwargs)

        return _mark(wrapper, Access(ROLES, frozenset(r.value for r in roles)))

    return decorate
