"""Reminders and notices the event sends by itself (each on unless the organiser turns it off):
the day before (on-site people: time, venue, address and badge; digital people: how to watch;
speakers: their slot), the stream link thirty minutes before the first streamed item, and a
notice to people whose starred items moved, changed room or were cancelled.

Reminders are jobs with a due time, scheduled (or moved) when the programme is published and
when the settings are saved. Each person gets each reminder once: the outbox keys
`reminder:<which>:<registration id>` are unique, and a run again leaves out who has theirs.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from eventmgr.calendar.models import Agenda, StarredItem
from eventmgr.events.models import Event
from eventmgr.jobs.models import QUEUED as QUEUED_JOB
from eventmgr.jobs.models import Job
from eventmgr.jobs.services import schedule, unschedule
from eventmgr.mail.services import queue_many
from eventmgr.messages import contacts
from eventmgr.messages.models import PRACTICAL, MessageSettings
from eventmgr.messages.services import Recipient, Renderer
from eventmgr.messages.texts import at, when
from eventmgr.platform.db import begin_write, commit, db, utcnow
from eventmgr.platform.i18n import local_period
from eventmgr.programme.models import ProgrammeVersion
from eventmgr.programme.services import changes_between, public_programme
from eventmgr.registration.models import (
    CANCELLED,
    CONFIRMED,
    DIGITAL,
    LANGUAGES,
    ON_SITE,
    Registration,
)

REMINDER_JOB = "messages.reminder"
DAY_BEFORE, STREAM, SPEAKERS = "day_before", "stream", "speakers"
STREAM_LEAD = timedelta(minutes=30)
MOVED_AFTER = timedelta(minutes=10)
STARRED_RULE = "programme.starred_changes"
SETTINGS = (
    "speaker_briefs",
    "day_before",
    "stream_reminder",
    "speaker_reminder",
    "starred_changes",
)


def settings_of(event: Event) -> MessageSettings:
    """The event's settings; all on for an event that never saved any."""
    found = db.session.get(MessageSettings, event.id)
    return found or MessageSettings(event_id=event.id, **dict.fromkeys(SETTINGS, True))


def save_settings(event: Event, values: dict[str, bool]) -> MessageSettings:
    begin_write(db.session)
    found = db.session.get(MessageSettings, event.id)
    if found is None:
        found = MessageSettings(event_id=event.id, **dict.fromkeys(SETTINGS, True))
        db.session.add(found)
    for name in SETTINGS:
        if name in values:
            setattr(found, name, bool(values[name]))
    schedule_reminders(event, found)
    commit()
    return found


def first_streamed(event: Event) -> datetime | None:
    """When the first streamed item of the published programme starts."""
    starts = [
        i.starts_at for i in public_programme(event).top_level if i.streamed and not i.cancelled
    ]
    return min(starts) if starts else None


def due_times(event: Event, settings: MessageSettings) -> dict[str, datetime | None]:
    day_before = event.starts_at - timedelta(days=1)
    stream = first_streamed(event)
    return {
        DAY_BEFORE: day_before if settings.day_before else None,
        SPEAKERS: day_before if settings.speaker_reminder else None,
        STREAM: stream - STREAM_LEAD if stream and settings.stream_reminder else None,
    }


def _job_key(event: Event, which: str, due: datetime) -> str:
    """One job per reminder and due time: a job that ran stays, and an event moved later gets
    a new one (whose people who have their reminder already are left out)."""
    return f"reminder:{which}:event:{event.id}:{due:%Y%m%dT%H%M}"


def schedule_reminders(event: Event, settings: MessageSettings | None = None) -> None:
    """Schedule (or move, or drop) the event's reminder jobs, in the caller's transaction."""
    settings = settings or settings_of(event)
    now = utcnow()
    for which, due in due_times(event, settings).items():
        keep = _job_key(event, which, due) if due is not None and due > now else None
        waiting = db.session.scalars(
            select(Job.key).where(
                Job.kind == REMINDER_JOB,
                Job.status == QUEUED_JOB,
                Job.key.startswith(f"reminder:{which}:event:{event.id}:"),
            )
        ).all()
        for key in waiting:
            if key != keep:
                unschedule(key)
        if keep is not None:
            params = {"event": event.id, "which": which, "due": due.isoformat()}
            schedule(REMINDER_JOB, params, due, key=keep, event=event)


# --------------------------------------------------------------------------- sending


def _texts(build) -> tuple[dict[str, str], dict[str, str]]:
    subject, body = {}, {}
    for lang in LANGUAGES:
        with force_locale(lang):
            subject[lang], body[lang] = build()
    return subject, body


def _send(event: Event, which: str, query, build) -> int:
    """Render the texts once per language, then one outbox row per person, in bulk."""
    subject, body = _texts(build)
    renderer = Renderer(event, PRACTICAL, subject, body)
    rows = []
    for row in db.session.execute(query):
        person = Recipient(*row)
        text_subject, text, headers = renderer.render(person)
        rows.append(
            {
                "recipient": person.email,
                "subject": text_subject,
                "body": text,
                "headers": headers,
                "key": f"reminder:{which}:{person.id}",
            }
        )
    return queue_many(rows, rule=f"reminder.{which}")


def _people(event: Event, mode: str):
    return (
        select(
            Registration.id,
            Registration.name,
            Registration.email,
            Registration.language,
            Registration.token_hash,
            Registration.mode,
            Registration.status,
        )
        .where(
            Registration.event_id == event.id,
            Registration.status == CONFIRMED,
            Registration.mode == mode,
            Registration.email_proven_at.is_not(None),
            Registration.anonymised_at.is_(None),
        )
        .order_by(Registration.id)
    )


def day_before(event: Event) -> int:
    """On-site people: time, venue, address and badge; digital people: how to watch."""
    period = event.starts_at, event.ends_at

    def on_site() -> tuple[str, str]:
        lines = [
            _("Dear %(name)s,", name="{name}"),
            "",
            _(
                "%(event)s starts tomorrow: %(when)s.",
                event=event.name,
                when=local_period(*period, event.timezone),
            ),
        ]
        if event.venue:
            lines.append(_("Venue: %(venue)s", venue=event.venue))
        if event.address:
            lines.append(_("Address: %(address)s", address=event.address))
        lines += ["", _("Your badge (show its QR code at the door): %(link)s", link="{badge_link}")]
        return _("Tomorrow: %(event)s", event=event.name), "\n".join(lines)

    def digital() -> tuple[str, str]:
        lines = [
            _("Dear %(name)s,", name="{name}"),
            "",
            _(
                "%(event)s starts tomorrow: %(when)s.",
                event=event.name,
                when=local_period(*period, event.timezone),
            ),
            "",
            _("You watch online, from this page: %(link)s", link="{stream_link}"),
            _("Thirty minutes before the first streamed session you get the link again."),
        ]
        return _("Tomorrow: %(event)s online", event=event.name), "\n".join(lines)

    sent = _send(event, DAY_BEFORE, _people(event, ON_SITE), on_site)
    sent += _send(event, DAY_BEFORE, _people(event, DIGITAL), digital)
    return sent


def stream(event: Event) -> int:
    """Digital people: the stream link, thirty minutes before the first streamed item."""
    starts = first_streamed(event)
    if starts is None:
        return 0

    def text() -> tuple[str, str]:
        lines = [
            _("Dear %(name)s,", name="{name}"),
            "",
            _(
                "The stream of %(event)s starts at %(time)s. Watch here: %(link)s",
                event=event.name,
                time=at(event, starts),
                link="{stream_link}",
            ),
        ]
        return _("The stream starts soon: %(event)s", event=event.name), "\n".join(lines)

    return _send(event, STREAM, _people(event, DIGITAL), text)


def run(event_id: int, which: str, planned: str | None = None) -> str:
    """A reminder job: send the reminder, if still on and still due at the `planned` time."""
    begin_write(db.session)
    event = db.session.get(Event, event_id)
    if event is None:
        return "no event"
    settings = settings_of(event)
    due = due_times(event, settings).get(which)
    moved = planned is not None and due is not None and due.isoformat() != planned
    if moved and due > utcnow() + MOVED_AFTER:  # the event (or its stream) moved later
        schedule_reminders(event, settings)
        commit()
        return "moved"
    if which == DAY_BEFORE and settings.day_before:
        return f"{day_before(event)} queued"
    if which == STREAM and settings.stream_reminder:
        return f"{stream(event)} queued"
    if which == SPEAKERS and settings.speaker_reminder:
        return f"{contacts.remind_speakers(event)} queued"
    return "turned off"


# --------------------------------------------------------------------------- starred changes

NOTICE_KINDS = ("moved", "cancelled", "removed")


def starred_changes(
    event: Event, version: ProgrammeVersion, previous: ProgrammeVersion | None
) -> int:
    """One mail to each person (who has not turned these off) whose starred items moved,
    changed room or were cancelled in this publication; returns how many."""
    begin_write(db.session)
    if previous is None or not settings_of(event).starred_changes:
        return 0
    changes = {
        c.item_id: c
        for c in changes_between(previous.snapshot, version.snapshot)
        if c.kind in NOTICE_KINDS
    }
    if not changes:
        return 0
    rows = db.session.execute(
        select(
            Registration.id,
            Registration.name,
            Registration.email,
            Registration.language,
            Registration.token_hash,
            Registration.mode,
            Registration.status,
            StarredItem.item_id,
        )
        .join(Agenda, Agenda.registration_id == Registration.id)
        .join(StarredItem, StarredItem.agenda_id == Agenda.id)
        .where(
            Registration.event_id == event.id,
            Registration.status != CANCELLED,
            Registration.change_notices.is_(True),
            Registration.email_proven_at.is_not(None),
            Registration.anonymised_at.is_(None),
            StarredItem.item_id.in_(list(changes)),
        )
        .order_by(Registration.id, StarredItem.item_id)
    ).all()
    people: dict[int, tuple[Recipient, list[int]]] = {}
    for row in rows:
        person = Recipient(*row[:7])
        people.setdefault(person.id, (person, []))[1].append(row[7])
    # one text per set of changes and language: the links are filled per person
    by_changes: dict[tuple[int, ...], list[Recipient]] = defaultdict(list)
    for person, items in people.values():
        by_changes[tuple(items)].append(person)
    queued = 0
    for items, persons in by_changes.items():

        def text(items: tuple[int, ...] = items) -> tuple[str, str]:
            lines = [
                _("Dear %(name)s,", name="{name}"),
                "",
                _(
                    "Items you starred in the programme of %(event)s have changed:",
                    event=event.name,
                ),
            ]
            for item_id in items:
                lines += ["", *_change_lines(event, changes[item_id])]
            lines += [
                "",
                _(
                    "To stop these notices, untick them on your page: %(link)s",
                    link="{manage_link}",
                ),
            ]
            return _("Changes to your programme: %(event)s", event=event.name), "\n".join(lines)

        subject, body = _texts(text)
        renderer = Renderer(event, PRACTICAL, subject, body)
        rows_out: list[dict[str, Any]] = []
        for person in persons:
            s, b, h = renderer.render(person)
            rows_out.append(
                {
                    "recipient": person.email,
                    "subject": s,
                    "body": b,
                    "headers": h,
                    "key": f"starred:{version.id}:{person.id}",
                }
            )
        queued += queue_many(rows_out, rule=STARRED_RULE)
    commit()
    return queued


def _change_lines(event: Event, change) -> list[str]:
    before, after = change.before, change.after
    title = change.title
    if change.kind in ("cancelled", "removed"):
        return [
            f"* {title}: " + _("cancelled"),
            "  " + _("Was: %(when)s", when=when(event, before.starts_at, before.ends_at)),
        ]
    lines = [f"* {title}: " + _("moved")]
    lines.append(
        "  "
        + _("Was: %(when)s", when=when(event, before.starts_at, before.ends_at))
        + (f", {before.room}" if before.room else "")
    )
    lines.append(
        "  "
        + _("Now: %(when)s", when=when(event, after.starts_at, after.ends_at))
        + (f", {after.room}" if after.room else "")
    )
    return lines
