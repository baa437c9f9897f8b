"""'Add to calendar' links that open Google Calendar and Outlook with the item filled in."""

from __future__ import annotations

from datetime import UTC
from urllib.parse import urlencode

from eventmgr.calendar.ics import CalendarEntry

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/action/compose"


def _details(entry: CalendarEntry) -> str:
    return "\n\n".join(part for part in (entry.description, entry.url or "") if part)


def google_link(entry: CalendarEntry) -> str:
    fmt = "%Y%m%dT%H%M%SZ"
    dates = f"{entry.start.astimezone(UTC):{fmt}}/{entry.end.astimezone(UTC):{fmt}}"
    query = {
        "action": "TEMPLATE",
        "text": entry.summary,
        "dates": dates,
        "details": _details(entry),
        "location": entry.location,
    }
    return f"{GOOGLE}?{urlencode(query)}"


def outlook_link(entry: CalendarEntry) -> str:
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": entry.summary,
        "startdt": entry.start.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "enddt": entry.end.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "body": _details(entry),
        "location": entry.location,
    }
    return f"{OUTLOOK}?{urlencode(query)}"
