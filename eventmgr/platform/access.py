"""Who may use which view. Every view declares it; a test walks the URL map to prove it.

Pages answer an anonymous visitor with the log-in page and a wrong role with 403;
the API answers 401 and 403 in JSON. Administrators may do everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, g, has_request_context, request
from flask_login import current_user

from eventmgr.platform.extensions import login_manager
from eventmgr.platform.roles import EVENT_ROLES, Role

PUBLIC = "public"
AUTHENTICATED = "authenticated"
ROLES = "roles"


@dataclass(frozen=True)
class Access:
    """What a view requires: nobody, any signed-in user, or one of some roles."""

    level: str
    roles: frozenset[str] = frozenset()


def current_actor() -> Any:
    """Who makes this request: the API token's user under /api/ (the API never trusts the
    session cookie), else the signed-in user; None for an anonymous caller."""
    if has_request_context() and request.path.startswith("/api/"):
        return g.get("api_user")
    if current_user and current_user.is_authenticated:
        return current_user
    return None


def user_may(user: Any, roles: Iterable[str], slug: str | None = None) -> bool:
    """True when the user holds one of the roles; event roles count only for the event whose
    slug the URL names (for any event when the URL names none)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    for role in roles:
        if Role(role) in EVENT_ROLES:
            if user.has_role(role, event_slug=slug):
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

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return _mark(wrapper, Access(AUTHENTICATED))


def roles_required(*roles: Role) -> Callable[[Callable], Callable]:
    """A page for some roles; event roles are checked against the URL's `slug`."""

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
