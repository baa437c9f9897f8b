"""Bearer-token access for API views; the API never trusts the session cookie."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, g, request

from eventmgr.accounts.services import user_for_token
from eventmgr.platform.access import PUBLIC, ROLES, Access, user_may
from eventmgr.platform.roles import Role

BEARER = [{"bearerAuth": []}]


def token_user():
    """The user of the request's bearer token, None without one; a bad token is a 401."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        abort(401, "Send the token as: Authorization: Bearer <token>.")
    user = user_for_token(token.strip())
    if user is None:
        abort(401, "The token is unknown or revoked.")
    return user


def api_public(view: Callable) -> Callable:
    """Anyone; a token, when sent, still identifies the caller (organisers see drafts)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.api_user = token_user()
        return view(*args, **kwargs)

    wrapper.access = Access(PUBLIC)  # type: ignore[attr-defined]
    return wrapper


def api_roles(*roles: Role) -> Callable[[Callable], Callable]:
    """Callers holding one of the roles; event roles count for the URL's `slug` only."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = token_user()
            if user is None:
                abort(401, "This needs a token: Authorization: Bearer <token>.")
            if not user_may(user, roles, kwargs.get("slug")):
                abort(403, "Your role does not allow this.")
            g.api_user = user
            return view(*args, **kwargs)

        wrapper.access = Access(ROLES, frozenset(r.value for r in roles))  # type: ignore[attr-defined]
        return wrapper

    return decorate
