"""Pieces of automatic mail that several rules share: a programme item as one person reads it."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from eventmgr.events.models import Event
from eventmgr.platform.i18n import local_day, local_time, zone_name
from eventmgr.programme.models import DELIVERY_LABELS, Delivery


def when(event: Event, starts_at, ends_at) -> str:
    """ "Thursday, January 24, 10:30–11:00 CET" in the reader's language."""
    return (
        f"{local_day(starts_at, event.timezone)}, {local_time(starts_at, event.timezone)}–"
        f"{local_time(ends_at, event.timezone)} {zone_name(starts_at, event.timezone)}"
    )


def at(event: Event, moment) -> str:
    return f"{local_time(moment, event.timezone)} {zone_name(moment, event.timezone)}"


def delivery(value: str) -> str:
    try:
        return str(DELIVERY_LABELS[Delivery(value)])
    except ValueError:
        return value


def item_lines(event: Event, facts: dict) -> list[str]:
    """One item for its speaker: title, time, room, delivery, session, co-speakers,
    moderators, and (for them only) the technical check and connection link."""
    lines = [f"* {facts['title']}" + (f" ({_('cancelled')})" if facts.get("cancelled") else "")]
    starts, ends = (
        datetime.fromisoformat(facts["starts_at"]),
        datetime.fromisoformat(facts["ends_at"]),
    )
    lines.append("  " + when(event, starts, ends))
    if facts.get("room"):
        lines.append("  " + _("Room: %(room)s", room=facts["room"]))
    lines.append("  " + _("Delivery: %(how)s", how=delivery(facts["delivery"])))
    if facts.get("session"):
        lines.append("  " + _("Session: %(title)s", title=facts["session"]))
    if facts.get("role") == "moderator":
        lines.append("  " + _("You moderate this."))
    if facts.get("with"):
        lines.append("  " + _("With: %(names)s", names=", ".join(facts["with"])))
    if facts.get("tech_check"):
        check = datetime.fromisoformat(facts["tech_check"])
        lines.append("  " + _("Technical check: %(time)s", time=at(event, check)))
    if facts.get("connection"):
        lines.append("  " + _("Connection: %(link)s", link=facts["connection"]))
    return lines
