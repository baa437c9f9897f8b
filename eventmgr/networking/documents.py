"""Printable files: a person's meeting agenda (PDF, .ics) and the table signs for the room."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from eventmgr.calendar.ics import Attendee, CalendarEntry, build_calendar
from eventmgr.events.models import Event
from eventmgr.networking.models import MeetingTable
from eventmgr.networking.schedule import MyMeeting, meetings_of
from eventmgr.platform.i18n import local_date, local_time
from eventmgr.registration.models import Registration


def _host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "eventmgr"


def calendar_entries(registration: Registration) -> list[CalendarEntry]:
    """The person's published meetings as calendar entries; both people are attendees."""
    event = registration.event
    out = []
    for item in meetings_of(event, registration):
        people = (*item.mine, *item.others)
        place = item.table.label
        if item.online:
            location = item.link or place
        else:
            location = place + (f", {event.venue}" if event.venue else "")
        out.append(
            CalendarEntry(
                uid=f"meeting-{item.meeting.id}@{_host()}",
                start=item.slot.starts_at,
                end=item.slot.ends_at,
                summary=_("Meeting: %(name)s", name=", ".join(p.name for p in item.others)),
                description=place + (f"\n{item.link}" if item.link else ""),
                location=location,
                categories=("networking",),
                attendees=tuple(Attendee(p.name, p.email) for p in people),
            )
        )
    return out


def agenda_ics(registration: Registration) -> bytes:
    event = registration.event
    return build_calendar(
        calendar_entries(registration),
        timezone=event.timezone,
        name=_("My meetings: %(event)s", event=event.name),
    )


def _hhmm(moment, zone: str) -> str:
    return local_time(moment, zone, "HH:mm")


def _rows(event: Event, items: list[MyMeeting]) -> list[tuple[str, str, str, str]]:
    zone = event.timezone
    return [
        (
            f"{local_date(i.slot.starts_at, zone, 'EEE d MMM')} "
            f"{_hhmm(i.slot.starts_at, zone)}–{_hhmm(i.slot.ends_at, zone)}",
            i.table.label,
            ", ".join(p.name for p in i.others),
            i.link or ", ".join(p.organisation for p in i.others if p.organisation),
        )
        for i in items
    ]


def agenda_pdf(registration: Registration) -> bytes:
    """One A4 page (or more) listing time, table and the other person, for printing."""
    event = registration.event
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4)
    pdf.setTitle(_("My meetings: %(event)s", event=event.name))
    width, height = A4
    y = height - 25 * mm

    def header() -> float:
        pdf.setFont("Helvetica-Bold", 18)
        pdf.drawString(20 * mm, height - 25 * mm, _("My meetings"))
        pdf.setFont("Helvetica", 11)
        pdf.drawString(20 * mm, height - 32 * mm, f"{registration.name} · {event.name}")
        pdf.drawString(20 * mm, height - 38 * mm, _("Times in %(zone)s", zone=event.timezone))
        return height - 50 * mm

    y = header()
    rows = _rows(event, meetings_of(event, registration))
    if not rows:
        pdf.drawString(20 * mm, y, _("No meetings are published for you yet."))
    for when, table, name, organisation in rows:
        if y < 25 * mm:
            pdf.showPage()
            y = header()
        pdf.setFont("Helvetica-Bold", 12)
        pdf.drawString(20 * mm, y, when)
        pdf.setFont("Helvetica", 12)
        pdf.drawString(72 * mm, y, table[:22])
        pdf.drawString(120 * mm, y, name[:36])
        if organisation:
            pdf.setFont("Helvetica", 9)
            pdf.drawString(120 * mm, y - 5 * mm, organisation[:60])
        y -= 13 * mm
    pdf.save()
    return buffer.getvalue()


def table_signs_pdf(
    event: Event, tables: list[MeetingTable], days: dict[int, list[str]] | None = None
) -> bytes:
    """One landscape A4 sign per physical place: a big number (or the place's name) readable
    across the room, and the days it is used for meetings. Video rooms get no sign."""
    buffer = io.BytesIO()
    size = landscape(A4)
    pdf = Canvas(buffer, pagesize=size)
    pdf.setTitle(_("Table signs: %(event)s", event=event.name))
    width, height = size
    tables = [t for t in tables or [] if not t.online]
    for table in tables:
        if table.name:
            pdf.setFont("Helvetica-Bold", 60)
            pdf.drawCentredString(width / 2, height / 2, table.name[:28])
        else:
            pdf.setFont("Helvetica", 28)
            pdf.drawCentredString(width / 2, height - 40 * mm, _("Table"))
            pdf.setFont("Helvetica-Bold", 220)
            pdf.drawCentredString(width / 2, height / 2 - 60 * mm, str(table.number))
        pdf.setFont("Helvetica", 14)
        used = (days or {}).get(table.id)
        footer = event.name + (" · " + ", ".join(used) if used else "")
        pdf.drawCentredString(width / 2, 15 * mm, footer)
        pdf.showPage()
    if not tables:
        pdf.setFont("Helvetica", 14)
        pdf.drawString(20 * mm, height - 30 * mm, _("No tables yet."))
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
