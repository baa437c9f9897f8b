"""Event rules shared by the pages and the API: validation, creation, updates, visibility."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import or_, select

from eventmgr import audit
from eventmgr.accounts.models import User
from eventmgr.accounts.services import grant_role
from eventmgr.events.models import Event
from eventmgr.platform import signals
from eventmgr.platform.db import commit, db
from eventmgr.platform.errors import RuleError
from eventmgr.platform.roles import Role

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EDITABLE = (
    "name",
    "starts_at",
    "ends_at",
    "timezone",
    "venue",
    "address",
    "description",
    "onsite_capacity",
    "digital_capacity",
    "stream_url",
    "published",
    "categories",
)


class EventError(RuleError):
    """Event data that breaks a rule; `fields` maps each field to what is wrong with it."""


def valid_timezone(name: str) -> bool:
    """An IANA zone name; OSError covers names too long for a file name, or a directory."""
    if not isinstance(name, str) or not 0 < len(name) <= 64:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return "/" in name or name == "UTC"


# Far beyond any conference, and far from datetime's limits: a year-9999 instant shown in a
# zone east of UTC would overflow on every page and API answer of the event.
YEARS = range(1900, 3000)


def _year_in_range(value: datetime) -> bool:
    try:
        return value.astimezone(UTC).year in YEARS
    except OverflowError:
        return False


def _check(event: Event) -> None:
    errors: dict[str, str] = {}
    if not event.slug or not SLUG_RE.match(event.slug) or len(event.slug) > 80:
        errors["slug"] = "Use lower-case letters, digits and single hyphens (at most 80)."
    if not (event.name or "").strip():
        errors["name"] = "The name is required."
    if not valid_timezone(event.timezone or ""):
        errors["timezone"] = f"Unknown time zone {event.timezone!r}; use an IANA name."
    for name in ("starts_at", "ends_at"):
        value = getattr(event, name)
        if not isinstance(value, datetime) or value.tzinfo is None:
            errors[name] = "Give a date and time with its UTC offset."
        elif not _year_in_range(value):
            errors[name] = f"Give a year from {YEARS[0]} to {YEARS[-1]}."
    if "starts_at" not in errors and "ends_at" not in errors and event.ends_at <= event.starts_at:
        errors["ends_at"] = "The event must end after it starts."
    for name in ("onsite_capacity", "digital_capacity"):
        value = getattr(event, name)
        if value is not None and value < 0:
            errors[name] = "A capacity cannot be negative."
    keys = [c.get("key") for c in event.categories or ()]
    if len(set(keys)) != len(keys):
        errors["categories"] = "Each category needs a key of its own."
    if errors:
        raise EventError(errors)


def _slug_taken(slug: str, exclude_id: int | None = None) -> bool:
    query = select(Event.id).where(Event.slug == slug)
    if exclude_id is not None:
        query = query.where(Event.id != exclude_id)
    return db.session.scalar(query) is not None


def create_event(data: dict[str, Any], creator: User | None = None) -> Event:
    """Create an event; its creator becomes one of its organisers."""
    event = Event(slug=data.get("slug", ""), timezone=data.get("timezone") or "UTC", categories=[])
    for name in EDITABLE:
        if name in data:
            setattr(event, name, data[name])
    event.published = bool(data.get("published", False))
    _check(event)
    if _slug_taken(event.slug):
        raise EventError({"slug": f"An event with the slug {event.slug!r} exists already."}, 409)
    db.session.add(event)
    db.session.flush()
    if creator is not None and not creator.is_admin:
        grant_role(creator, Role.ORGANISER, event.id)
    audit.record("event.created", event=event, target=event, details={"slug": event.slug})
    commit()
    return event


def update_event(event: Event, data: dict[str, Any]) -> Event:
    """Apply a partial update; nothing is changed when any field is wrong."""
    if "slug" in data and data["slug"] != event.slug:
        raise EventError({"slug": "The slug cannot change: links and calendars use it."})
    before = {name: getattr(event, name) for name in EDITABLE}
    for name in EDITABLE:
        if name in data:
            setattr(event, name, data[name])
    try:
        _check(event)
    except EventError:
        for name, value in before.items():
            setattr(event, name, value)
        raise
    changed = {
        n: [_plain(before[n]), _plain(getattr(event, n))]
        for n in EDITABLE
        if before[n] != getattr(event, n)
    }
    if changed:
        audit.record("event.updated", event=event, target=event, details=changed)
    commit()
    if changed.keys() & {"onsite_capacity", "digital_capacity"}:
        signals.event_capacity_changed.send(event)
    return event


def _plain(value: Any) -> Any:
    """A JSON-friendly value for the audit log."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def visible_events(user: User | None) -> list[Event]:
    """Published events for everyone; organisers also see their drafts, admins see all."""
    query = select(Event).order_by(Event.starts_at.desc())
    if user is None or not user.is_authenticated:
        query = query.where(Event.published.is_(True))
    elif not user.is_admin:
        own = user.event_ids_for(Role.ORGANISER)
        query = query.where(or_(Event.published.is_(True), Event.id.in_(own)))
    return list(db.session.scalars(query))


def events_with_role(user: User, role: Role) -> list[Event]:
    """The events for which the user holds an event role (all events for an admin)."""
    query = select(Event).order_by(Event.starts_at.desc())
    if not user.is_admin:
        query = query.where(Event.id.in_(user.event_ids_for(role)))
    return list(db.session.scalars(query))
