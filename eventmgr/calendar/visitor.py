"""Whose "my programme" a request acts on: the registration whose manage link was opened in
this browser, else the signed-in user's (their registration, found by email, or the account).

The browser remembers a manage link as the SHA-256 of its token in the signed session, so a
new link (the old one stops working) also ends the starring with the old one.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import session
from flask_login import current_user
from sqlalchemy import select

from eventmgr.calendar import services
from eventmgr.calendar.models import Agenda
from eventmgr.events.models import Event
from eventmgr.platform.db import db
from eventmgr.registration.models import Registration

SESSION_KEY = "agenda_links"


@dataclass
class Visitor:
    event: Event
    registration: Registration | None
    user: object | None = None  # a signed-in visitor (without the manage link)

    def find(self) -> Agenda | None:
        """The agenda if it exists; never writes (the programme page is read-only)."""
        if self.registration is not None:
            agenda = db.session.scalar(
                select(Agenda).where(Agenda.registration_id == self.registration.id)
            )
            if agenda is not None or self.user is None:
                return agenda
        return db.session.scalar(
            select(Agenda).where(Agenda.event_id == self.event.id, Agenda.user_id == self.user.id)
        )

    def agenda(self) -> Agenda:
        """The agenda, created on first use (a signed-in user's earlier stars move along)."""
        if self.user is not None:
            return services.agenda_for_user(self.event, self.user)
        return services.agenda_for_registration(self.registration)


def remember(registration: Registration) -> None:
    """This browser stars for the registration from now on (it opened the manage link)."""
    links = dict(session.get(SESSION_KEY) or {})
    links[str(registration.event_id)] = registration.token_hash
    session[SESSION_KEY] = links


def visitor_for(event: Event) -> Visitor | None:
    token_hash = (session.get(SESSION_KEY) or {}).get(str(event.id))
    if token_hash:
        registration = services.registration_by_token_hash(event, token_hash)
        if registration is not None:
            return Visitor(event, registration, None)
    if current_user.is_authenticated:
        registration = services.registration_for_user(event, current_user)
        return Visitor(event, registration, current_user)
    return None


@dataclass
class Starring:
    """What the programme pages need to draw star buttons."""

    starred: set[int]
    name: str


def starring(event: Event) -> Starring | None:
    """None for a visitor who cannot star (not signed in, no manage link opened)."""
    visitor = visitor_for(event)
    if visitor is None:
        return None
    agenda = visitor.find()
    name = visitor.registration.name if visitor.registration else visitor.user.name
    return Starring(set(services.starred_ids(agenda)) if agenda else set(), name)
