"""Registration's reactions to other domains (platform/signals.py)."""

from __future__ import annotations

from eventmgr.events.models import Event
from eventmgr.platform import signals
from eventmgr.registration.services import fill_freed_places


@signals.event_capacity_changed.connect
def capacity_changed(event: Event) -> None:
    """A raised capacity takes effect at once: people waiting get the new places."""
    fill_freed_places(event, actor="organiser (capacity change)")
