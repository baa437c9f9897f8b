"""Small worlds for tests: one event, one registration, one account, one published item.

A test that needs an event and a person builds just those here, through the same services the
app uses, instead of seeding the whole demo (its accounts and imported programme). Call these
inside an app context; each commits what it makes and returns it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import count

from eventmgr.accounts.models import User
from eventmgr.accounts.services import get_or_create_user, grant_role
from eventmgr.events.models import Event
from eventmgr.platform.db import db
from eventmgr.platform.roles import EVENT_ROLES, Role
from eventmgr.programme import services as programme
from eventmgr.programme.models import Person, ProgrammeItem
from eventmgr.registration import services as registration
from eventmgr.registration.services import Outcome
from tests.support import CATEGORIES, add_event

PASSWORD = "factory-password-2030"
"""Every account made here has this password (long enough for the rules)."""

_numbers = count(1)


def event(slug: str = "test-event", name: str = "Test event", **fields) -> Event:
    """A published one-day event (26 January 2030, Oslo) with the test CATEGORIES."""
    return add_event(slug, name, **fields)


def registration_for(ev: Event, **fields) -> Outcome:
    """A registration, as an organiser adds one (on site unless `fields` say otherwise): the
    outcome holds the Registration and its manage token. Names and addresses are numbered."""
    n = next(_numbers)
    data = {
        "name": f"Registrant {n}",
        "email": f"registrant{n}@example.org",
        "organisation": "Oslo universitetssykehus",
        "job_title": "Oncologist",
        "category": CATEGORIES[0]["key"],
        "mode": "on_site",
        "consent": True,
    } | fields
    return registration.register(ev, data, actor="organiser (test)", public=False)


def user(
    role: Role | str = Role.ATTENDEE,
    ev: Event | None = None,
    email: str = "",
    password: str = PASSWORD,
    name: str = "",
) -> User:
    """An account with one role (for `ev` when the role belongs to an event), who can log in
    with `password`."""
    role = Role(role)
    n = next(_numbers)
    account = get_or_create_user(
        email or f"{role.value}{n}@example.org", name=name or f"{role.value} {n}", password=password
    )
    grant_role(account, role, ev.id if ev is not None and role in EVENT_ROLES else None)
    db.session.commit()
    return account


def speaker(ev: Event, name: str = "Ada Speaker", **fields) -> Person:
    """A person of the event's programme."""
    return programme.save_person(ev, {"name": name, "affiliation": "NTNU"} | fields)


def published_item(
    ev: Event,
    title: str = "Opening keynote",
    starts_at: datetime | None = None,
    minutes: int = 30,
    speakers: Sequence[Person] = (),
    **fields,
) -> ProgrammeItem:
    """One keynote in a room of its own (10:00 UTC on the event's first day unless told),
    published as the programme's next version."""
    start = starts_at or ev.starts_at.astimezone(UTC).replace(hour=10, minute=0)
    room = programme.save_room(ev, {"name": f"Room {next(_numbers)}", "capacity": 100})
    item = programme.create_item(
        ev,
        {
            "kind": "keynote",
            "title": title,
            "starts_at": start,
            "ends_at": start + timedelta(minutes=minutes),
            "room_id": room.id,
            "speaker_ids": [p.id for p in speakers],
        }
        | fields,
    )
    programme.publish(ev, confirm=True)
    return item


def world(slug: str = "test-event") -> dict:
    """One event, one account per role (the event's roles for it) and one published keynote
    by one speaker: what most tests of people and pages need, in the demo fixture's shape,
    {"slug", "logins": {role: (email, password)}}, without the demo's programme."""
    ev = event(slug)
    logins = {}
    for role in Role:
        account = user(role, ev, email=f"{role.value}@{slug}.example.org", name=role.value)
        logins[role.value] = (account.email, PASSWORD)
    published_item(ev, speakers=[speaker(ev)])
    return {"slug": slug, "logins": logins}
