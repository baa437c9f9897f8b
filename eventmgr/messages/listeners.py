"""Messages' reactions to other domains (platform/signals.py): a publication tells speakers
and moderators their items, tells people whose starred items changed, and moves reminders;
the speakers page shows who was told what and when."""

from __future__ import annotations

from typing import Any

from eventmgr.events.models import Event
from eventmgr.messages import contacts, reminders
from eventmgr.platform import signals
from eventmgr.platform.db import begin_write, commit, db
from eventmgr.programme.models import ProgrammeVersion


@signals.programme_published.connect
def programme_published(
    event: Event, version: ProgrammeVersion, previous: ProgrammeVersion | None
) -> None:
    settings = reminders.settings_of(event)
    if settings.speaker_briefs:
        contacts.brief_all(event, version)
    reminders.starred_changes(event, version, previous)
    begin_write(db.session)
    reminders.schedule_reminders(event, settings)
    commit()


@signals.event_rescheduled.connect
def event_rescheduled(event: Event) -> None:
    """The reminders follow the event's new times at once, not at the next publication."""
    begin_write(db.session)
    reminders.schedule_reminders(event)
    commit()


@signals.programme_people_context.connect
def people_context(event: Event) -> dict[str, Any]:
    return {"told": contacts.told_of(event)}
