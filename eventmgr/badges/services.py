"""Who gets a badge and what it shows: one place for the attendee's page, the organiser's
bulk export (a background job) and `flask badges export`.

Only confirmed on-site registrations get a badge; digital, waiting and cancelled ones do not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO, Protocol

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from eventmgr.badges.pdf import FORMATS, ROLES, BadgeCard, render_badges
from eventmgr.events.models import Event
from eventmgr.jobs.models import DONE, Job
from eventmgr.platform.db import db
from eventmgr.platform.i18n import local_date
from eventmgr.registration import labels
from eventmgr.registration.models import CONFIRMED, ON_SITE, Registration
from eventmgr.sponsors.services import badge_logos

EXPORT_JOB = "badges.export"
DEFAULT_FORMAT = "a6"

FORMAT_LABELS = {
    "a6": _l("A6, one badge per page"),
    "a7": _l("A7, one badge per page"),
    "a4-4xa6": _l("A4 sheets of 4 A6 badges, with cut marks"),
    "a4-8xa7": _l("A4 sheets of 8 A7 badges, with cut marks"),
    "card": _l("85 × 54 mm card, one per page"),
}
ROLE_LABELS = labels.ROLE  # the registration's role markers, named in one place


class BadgeError(ValueError):
    """A wrong format, role or date, or nobody to print; the message says which."""


class BadgePerson(Protocol):
    """What a badge needs of a registration (an ORM object or a selected row)."""

    name: str
    organisation: str
    role: str
    badge_code: str


@dataclass(frozen=True)
class BadgeFilter:
    """Which confirmed on-site registrations to print.

    ``since`` keeps those registered at or after it; ``changed_since`` those registered,
    promoted, switched on site or edited at or after it (a print run's reprint list)."""

    role: str | None = None
    since: datetime | None = None
    changed_since: datetime | None = None


# --------------------------------------------------------------------------- checks


def check_format(fmt: str | None) -> str:
    fmt = (fmt or DEFAULT_FORMAT).strip().lower()
    if fmt not in FORMATS:
        raise BadgeError(
            _(
                "Unknown badge format %(fmt)s; choose one of %(known)s.",
                fmt=repr(fmt),
                known=", ".join(FORMATS),
            )
        )
    return fmt


def check_role(role: str | None) -> str | None:
    if not role:
        return None
    if role not in ROLES:
        raise BadgeError(
            _(
                "Unknown role %(role)s; choose one of %(known)s.",
                role=repr(role),
                known=", ".join(ROLES),
            )
        )
    return role


def parse_since(text: str | None, event: Event) -> datetime | None:
    """An ISO date or date and time; without an offset it is in the event's zone."""
    if not text or not text.strip():
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=event.tz)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 beyond UTC
        raise BadgeError(
            _(
                "%(text)s is not a date or time; write it as 2023-01-20 or 2023-01-20T14:30.",
                text=repr(text),
            )
        ) from None


# --------------------------------------------------------------------------- who and what


def badge_role(role: str) -> str:
    """The ribbon of a registration's role; anything unknown prints as an attendee."""
    return role if role in ROLES else "attendee"


def role_labels() -> dict[str, str]:
    """Ribbon texts in the current language."""
    return {role: str(label) for role, label in ROLE_LABELS.items()}


def event_date(event: Event) -> str:
    """The event's day (or first and last day) in its zone and the current language."""
    first = local_date(event.starts_at, event.timezone)
    last = local_date(event.ends_at, event.timezone) if event.ends_at else first
    return first if last == first else f"{first} – {last}"


def badge_card(person: BadgePerson, event: Event, date: str | None = None) -> BadgeCard:
    """Registration -> what its badge shows; ``date`` saves formatting it once per badge."""
    return BadgeCard(
        name=person.name,
        organisation=person.organisation or "",
        role=badge_role(person.role),
        event_name=event.name,
        event_date=date if date is not None else event_date(event),
        code=person.badge_code,
    )


def eligible(event: Event, flt: BadgeFilter = BadgeFilter()) -> Select:
    """Confirmed on-site registrations of the event matching the filter, by name."""
    stmt = select(Registration).where(
        Registration.event_id == event.id,
        Registration.status == CONFIRMED,
        Registration.mode == ON_SITE,
        Registration.anonymised_at.is_(None),
    )
    if flt.role:
        stmt = stmt.where(Registration.role == flt.role)
    if flt.since:
        stmt = stmt.where(Registration.created_at >= flt.since)
    if flt.changed_since:
        stmt = stmt.where(Registration.updated_at >= flt.changed_since)
    return stmt


def count(event: Event, flt: BadgeFilter = BadgeFilter()) -> int:
    return db.session.scalar(select(func.count()).select_from(eligible(event, flt).subquery()))


def people(event: Event, flt: BadgeFilter = BadgeFilter()) -> Iterator[BadgePerson]:
    """Only the four columns a badge needs, streamed: a big event is not loaded at once."""
    subquery = eligible(event, flt).subquery()
    stmt = select(
        subquery.c.name, subquery.c.organisation, subquery.c.role, subquery.c.badge_code
    ).order_by(subquery.c.name, subquery.c.id)
    yield from db.session.execute(stmt.execution_options(yield_per=500))


def last_print_run(event: Event) -> Job | None:
    """The newest finished bulk export of the event; its start is where the next one begins."""
    return db.session.scalar(
        select(Job)
        .where(Job.event_id == event.id, Job.kind == EXPORT_JOB, Job.status == DONE)
        .order_by(Job.created_at.desc(), Job.id.desc())
        .limit(1)
    )


# --------------------------------------------------------------------------- PDFs


def render(
    cards: Iterable[BadgeCard],
    fmt: str,
    out: BinaryIO | None = None,
    logos: list[bytes] | None = None,
) -> bytes | None:
    """render_badges with the ribbon texts in the current language, and the logos of the
    sponsors the organiser shows on badges."""
    return render_badges(
        cards, check_format(fmt), out, role_labels=role_labels(), logos=logos or ()
    )


def badge_pdf(registration: Registration, fmt: str = DEFAULT_FORMAT) -> bytes:
    """One person's badge; only a confirmed on-site registration has one."""
    if not registration.confirmed_on_site:
        raise BadgeError(_("Only a confirmed on-site registration has a badge."))
    event = registration.event
    pdf = render([badge_card(registration, event)], fmt, logos=badge_logos(event))
    assert pdf is not None
    return pdf


def export(
    event: Event,
    fmt: str,
    flt: BadgeFilter = BadgeFilter(),
    out: BinaryIO | None = None,
    progress: Callable[[int, int], None] | None = None,
    every: int = 25,
) -> tuple[int, bytes | None]:
    """All badges of the filter in one PDF; returns (number of badges, bytes or None).

    Raises BadgeError for a bad format or when nobody matches (nothing is written then)."""
    fmt = check_format(fmt)
    total = count(event, flt)
    if total == 0:
        raise BadgeError(_("No confirmed on-site registrations match; no badges to print."))
    date = event_date(event)
    done = 0

    def cards() -> Iterator[BadgeCard]:
        nonlocal done
        for person in people(event, flt):
            yield badge_card(person, event, date)
            done += 1
            if progress and done % every == 0:
                progress(done, total)

    pdf = render(cards(), fmt, out, logos=badge_logos(event))
    if progress:
        progress(done, total)
    return done, pdf


def filename(event: Event, fmt: str) -> str:
    return f"{event.slug}-badges-{fmt}.pdf"
