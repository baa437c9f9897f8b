"""Who a digital page's request comes from: the registration whose manage link was opened in
this browser (remembered as the token's SHA-256 in the signed session, so a new link ends the
old one's access too), else the signed-in user's registration (by the account's address, as
the calendar and networking find it). Moderators: a moderator link, or an organiser signed in.
"""

from __future__ import annotations

from flask import session
from flask_login import current_user
from sqlalchemy import select

from eventmgr.events.models import Event
from eventmgr.platform.access import user_may
from eventmgr.platform.db import db
from eventmgr.platform.roles import Role
from eventmgr.registration.models import Registration

SESSION_KEY = "digital_links"


def remember(registration: Registration) -> None:
    """This browser acts for the registration from now on (it opened the manage link)."""
    links = dict(session.get(SESSION_KEY) or {})
    links[str(registration.event_id)] = registration.token_hash
    session[SESSION_KEY] = links


def remembered_hash(event_id: int) -> str | None:
    return (session.get(SESSION_KEY) or {}).get(str(event_id))


def person(event: Event) -> Registration | None:
    """The registration this request acts for, or None."""
    token_hash = remembered_hash(event.id)
    if token_hash:
        found = db.session.scalar(
            select(Registration).where(
                Registration.token_hash == token_hash,
                Registration.event_id == event.id,
                Registration.anonymised_at.is_(None),
            )
        )
        if found is not None:
            return found
    if current_user.is_authenticated:
        return db.session.scalar(
            select(Registration).where(Registration.of_account(event.id, current_user.email))
        )
    return None


def person_key(event_id: int | None = None) -> str:
    """The rate-limit key of the person asking or voting (no database needed)."""
    links = session.get(SESSION_KEY) or {}
    if event_id is not None and str(event_id) in links:
        return "reg:" + links[str(event_id)]
    if links:
        return "reg:" + sorted(links.values())[0]
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return ""


def is_organiser(event: Event) -> bool:
    return user_may(current_user, (Role.ORGANISER,), event.slug)
