"""Event rules shared by the pages and the API: validation, creation, updates, visibility."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import or_, select

from eventmgr import audit
from eventmgr.accounts.models import RoleAssignment, User
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
    "questions",
    "registration_opens_at",
    "registration_closes_at",
    "organiser_name",
    "contact_email",
    "privacy_notice",
    "proof_hours",
)
# Carried over to next year's edition (times are shifted; slug, name and start are new).
COPIED = (
    "timezone",
    "venue",
    "address",
    "description",
    "onsite_capacity",
    "digital_capacity",
    "stream_url",
    "categories",
    "questions",
    "organiser_name",
    "contact_email",
    "privacy_notice",
    "proof_hours",
)
MAX_PROOF_HOURS = 720  # 30 days
QUESTION_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CHOICE_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
QUESTION_KINDS = ("text", "choice", "multiple", "checkbox")
WITH_CHOICES = ("choice", "multiple")
MAX_CATEGORIES = 50
MAX_QUESTIONS = 30
MAX_CHOICES = 50
LABEL_LIMIT = 100
QUESTION_LABEL_LIMIT = 300
PRIVACY_LIMIT = 20000
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
    hours = event.proof_hours
    if hours is not None and (
        not isinstance(hours, int) or isinstance(hours, bool) or not 0 <= hours <= MAX_PROOF_HOURS
    ):
        errors["proof_hours"] = _(
            "Give a whole number of hours from 0 to %(n)d.", n=MAX_PROOF_HOURS
        )
    for name, check in (
        ("categories", _categories_problem),
        ("questions", _questions_problem),
        ("privacy_notice", _privacy_problem),
    ):
        if problem := check(getattr(event, name)):
            errors[name] = problem
    errors.update(_window_problems(event))
    for name, limit in (("organiser_name", 200), ("contact_email", 254)):
        value = getattr(event, name)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            errors[name] = _("At most %(n)d characters.", n=limit)
    if event.contact_email and "contact_email" not in errors:
        try:
            validate_email(event.contact_email, check_deliverability=False)
        except EmailNotValidError:
            errors["contact_email"] = _("Give a valid email address, such as name@example.org.")
    if errors:
        raise EventError(errors)


def _label_problem(label: Any, limit: int) -> str | None:
    """A {"en", "nb"} text: English required, Bokmål optional (the English shows instead)."""
    if not isinstance(label, dict) or not set(label) <= {"en", "nb"}:
        return _('Give the label as {"en": "...", "nb": "..."}.')
    for lang in ("en", "nb"):
        text = label.get(lang)
        if text is None and lang == "nb":
            continue
        if not isinstance(text, str) or not text.strip() or CONTROL.search(text):
            return _("Give the label in English (and Bokmål) without control characters.")
        if len(text) > limit:
            return _("A label has at most %(n)d characters.", n=limit)
    return None


def _categories_problem(categories: Any) -> str | None:
    if not isinstance(categories, list) or len(categories) > MAX_CATEGORIES:
        return _("Give a list of at most %(n)d categories.", n=MAX_CATEGORIES)
    keys = []
    for n, category in enumerate(categories, start=1):
        key = category.get("key") if isinstance(category, dict) else None
        if not isinstance(key, str) or not key.strip() or len(key) > 40 or CONTROL.search(key):
            return _("Category %(n)d needs a key of 1 to 40 characters.", n=n)
        if problem := _label_problem(category.get("label"), LABEL_LIMIT):
            return _("Category %(n)d: %(problem)s", n=n, problem=problem)
        keys.append(key)
    if len(set(keys)) != len(keys):
        return _("Each category needs a key of its own.")
    return None


def _questions_problem(questions: Any) -> str | None:
    """Each question: a key (a-z, digits, _), a label, a kind, whether it is required, and the
    choices of a "choice" or "multiple" question (none for the others)."""
    if not isinstance(questions, list) or len(questions) > MAX_QUESTIONS:
        return _("Give a list of at most %(n)d questions.", n=MAX_QUESTIONS)
    keys = []
    for n, question in enumerate(questions, start=1):
        if not isinstance(question, dict):
            return _("Question %(n)d must be an object.", n=n)
        if problem := _question_problem(question):
            key = question.get("key") if isinstance(question.get("key"), str) else n
            return _("Question %(key)s: %(problem)s", key=key, problem=problem)
        keys.append(question["key"])
    if len(set(keys)) != len(keys):
        return _("Each question needs a key of its own.")
    return None


def _question_problem(question: dict) -> str | None:
    unknown = set(question) - {"key", "label", "kind", "required", "choices"}
    if unknown:
        return _("Unknown field %(name)s.", name=sorted(unknown)[0])
    if not isinstance(question.get("key"), str) or not QUESTION_KEY_RE.match(question["key"]):
        return _("The key is 1 to 40 characters: a-z first, then a-z, digits or _.")
    if problem := _label_problem(question.get("label"), QUESTION_LABEL_LIMIT):
        return problem
    kind = question.get("kind")
    if kind not in QUESTION_KINDS:
        return _("The kind is one of: %(kinds)s.", kinds=", ".join(QUESTION_KINDS))
    if not isinstance(question.get("required", False), bool):
        return _("Required is true or false.")
    choices = question.get("choices") or []
    if not isinstance(choices, list):
        return _("Give the choices as a list.")
    if kind in WITH_CHOICES and not 1 <= len(choices) <= MAX_CHOICES:
        return _("Give 1 to %(n)d choices.", n=MAX_CHOICES)
    if kind not in WITH_CHOICES and choices:
        return _("Only choice and multiple questions have choices.")
    keys = []
    for choice in choices:
        key = choice.get("key") if isinstance(choice, dict) else None
        if (
            not isinstance(key, str)
            or not CHOICE_KEY_RE.match(key)
            or set(choice)
            - {
                "key",
                "label",
            }
        ):
            return _("Each choice is {key, label}; a key is a-z, digits, - or _.")
        if problem := _label_problem(choice.get("label"), LABEL_LIMIT):
            return problem
        keys.append(key)
    if len(set(keys)) != len(keys):
        return _("Each choice needs a key of its own.")
    return None


def _privacy_problem(notice: Any) -> str | None:
    if notice is None:
        return None
    if not isinstance(notice, dict) or not set(notice) <= {"en", "nb"}:
        return _('Give the notice as {"en": "...", "nb": "..."}, or null for the default.')
    for text in notice.values():
        if not isinstance(text, str) or "\x00" in text:
            return _("Give the notice as text.")
        if len(text) > PRIVACY_LIMIT:
            return _("At most %(n)d characters.", n=PRIVACY_LIMIT)
    return None


def _window_problems(event: Event) -> dict[str, str]:
    errors = {}
    for name in ("registration_opens_at", "registration_closes_at"):
        value = getattr(event, name)
        if value is None:
            continue
        if not isinstance(value, datetime) or value.tzinfo is None:
            errors[name] = _("Give a date and time with its UTC offset.")
        elif not _year_in_range(value):
            errors[name] = _("Give a year from %(a)d to %(b)d.", a=YEARS[0], b=YEARS[-1])
    opens, closes = event.registration_opens_at, event.registration_closes_at
    if not errors and opens is not None and closes is not None and closes <= opens:
        errors["registration_closes_at"] = _("Registration must close after it opens.")
    return errors


def normalise_settings(data: dict[str, Any]) -> dict[str, Any]:
    """The settings as stored: texts trimmed, a privacy notice without text is the default
    (None), and each question whole (required, choices), as the API gives them back."""
    out = dict(data)
    notice = out.get("privacy_notice")
    if isinstance(notice, dict) and all(isinstance(v, str) for v in notice.values()):
        out["privacy_notice"] = {k: v.strip() for k, v in notice.items() if v.strip()} or None
    if isinstance(out.get("questions"), list):  # stored whole, as the API gives them back
        out["questions"] = [
            {"required": False, "choices": []} | q if isinstance(q, dict) else q
            for q in out["questions"]
        ]
    for name in ("organiser_name", "contact_email"):
        if isinstance(out.get(name), str):
            out[name] = out[name].strip() or None
    return out


def _slug_taken(slug: str, exclude_id: int | None = None) -> bool:
    query = select(Event.id).where(Event.slug == slug)
    if exclude_id is not None:
        query = query.where(Event.id != exclude_id)
    return db.session.scalar(query) is not None


def create_event(data: dict[str, Any], creator: User | None = None) -> Event:
    """Create an event; its creator becomes one of its organisers."""
    data = normalise_settings(data)
    event = Event(
        slug=data.get("slug", ""),
        timezone=data.get("timezone") or "UTC",
        categories=[],
        questions=[],
    )
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
    data = normalise_settings(data)
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
    for name in ("privacy_notice",):  # long texts: the log says that they changed
        if name in changed:
            changed[name] = ["…", "…"]
    if changed:
        audit.record("event.updated", event=event, target=event, details=changed)
    commit()
    if changed.keys() & {"onsite_capacity", "digital_capacity"}:
        signals.event_capacity_changed.send(event)
    if changed.keys() & {"starts_at", "ends_at"}:
        signals.event_rescheduled.send(event)
    return event


def _plain(value: Any) -> Any:
    """A JSON-friendly value for the audit log."""
    return value.isoformat() if hasattr(value, "isoformat") else value


# --------------------------------------------------------------------------- next year


def wall_clock_shift(source: Event, new_start: datetime) -> Callable[[datetime], datetime]:
    """A function moving an instant of `source` to next year's edition: by the distance between
    the two starts on the wall clock of the event's zone, so that a 10:30 talk stays at 10:30
    whatever summer time does in between."""
    zone = source.tz
    delta = new_start.astimezone(zone).replace(tzinfo=None) - source.local(
        source.starts_at
    ).replace(tzinfo=None)

    def shift(moment: datetime) -> datetime:
        wall = source.local(moment).replace(tzinfo=None) + delta
        return wall.replace(tzinfo=zone).astimezone(UTC)

    return shift


def copy_event(source: Event, data: dict[str, Any], creator: User | None = None) -> Event:
    """Next year's edition: a new unpublished event with this one's settings, and (through
    the event_copied signal) its rooms, people, programme, sponsors and networking settings,
    every time shifted to the new start; no registrations, check-ins or networking data.
    Its creator and this event's organisers organise it."""
    errors = {}
    start = data.get("starts_at")
    if not isinstance(start, datetime) or start.tzinfo is None:
        errors["starts_at"] = _("Give a date and time with its UTC offset.")
    elif not _year_in_range(start):
        errors["starts_at"] = _("Give a year from %(a)d to %(b)d.", a=YEARS[0], b=YEARS[-1])
    if errors:
        raise EventError(errors)
    shift = wall_clock_shift(source, start)
    event = Event(
        slug=data.get("slug") or "",
        name=data.get("name") or "",
        starts_at=start,
        ends_at=_shifted(shift, source.ends_at),
        published=False,
        registration_opens_at=_shifted(shift, source.registration_opens_at),
        registration_closes_at=_shifted(shift, source.registration_closes_at),
    )
    for name in COPIED:
        setattr(event, name, copy.deepcopy(getattr(source, name)))
    _check(event)
    if _slug_taken(event.slug):
        raise EventError({"slug": f"An event with the slug {event.slug!r} exists already."}, 409)
    db.session.add(event)
    db.session.flush()
    for user in _organisers(source):
        grant_role(user, Role.ORGANISER, event.id)
    if creator is not None and not creator.is_admin:
        grant_role(creator, Role.ORGANISER, event.id)
    signals.event_copied.send(source, copy=event, shift=shift)
    audit.record(
        "event.copied",
        event=event,
        target=event,
        details={"from": source.slug, "slug": event.slug},
    )
    commit()
    return event


def _shifted(shift: Callable[[datetime], datetime], moment: datetime | None) -> datetime | None:
    return None if moment is None else shift(moment)


def _organisers(event: Event) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(RoleAssignment.event_id == event.id, RoleAssignment.role == Role.ORGANISER)
        )
    )


def next_edition_defaults(event: Event) -> dict[str, Any]:
    """What the copy form suggests: the year in the name and slug moved on by one (when they
    carry it), and the same weekday 52 weeks later at the same time."""
    start = event.local(event.starts_at) + timedelta(weeks=52)  # wall-clock arithmetic
    year = event.local(event.starts_at).year

    def bump(text: str) -> str:
        return text.replace(str(year), str(year + 1)) if str(year) in text else text

    slug = bump(event.slug)
    if slug == event.slug:
        slug = f"{event.slug}-{start.year}"[:80]
    return {"name": bump(event.name), "slug": slug, "starts_at": start}


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
