"""The organiser's networking pages: dashboard and settings, delegations, slots, tables,
the schedule (solve, grid, publish, release), table signs and the instance JSON."""

from __future__ import annotations

import json
from datetime import datetime

from flask import Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from eventmgr.events.models import Event
from eventmgr.events.web import event_or_404
from eventmgr.networking import bookings, documents, schedule, services
from eventmgr.networking import delegations as delegation_services
from eventmgr.networking.blueprint import act, bp, run
from eventmgr.networking.forms import (
    ActionForm,
    DelegationForm,
    HostForm,
    ScheduleForm,
    SettingsForm,
    SlotsForm,
    TableForm,
    VideoLinkForm,
)
from eventmgr.platform.access import roles_required
from eventmgr.platform.roles import Role

PREFIX = "/manage/events/<slug>/networking"


@bp.route(PREFIX, methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def admin(slug: str):
    """The dashboard, with the rules (expiry, caps, interest tags) at the bottom."""
    event = event_or_404(slug)
    settings = services.settings_for(event)
    services.expire_due(event)
    form = SettingsForm(obj=settings)
    if request.method == "GET":
        form.interest_tags.data = "\n".join(settings.interest_tags)
    if form.validate_on_submit():
        data = {
            "request_expiry_hours": form.request_expiry_hours.data,
            "max_open_requests": form.max_open_requests.data,
            "max_meetings": form.max_meetings.data,
            "max_auto_meetings": form.max_auto_meetings.data,
            "interest_tags": [t for t in (form.interest_tags.data or "").splitlines() if t.strip()],
            "video_base_url": form.video_base_url.data or "",
        }
        if run(lambda: services.update_settings(event, data), _("Saved."), form):
            return redirect(url_for("networking.admin", slug=slug))
    return render_template(
        "networking/admin.html",
        event=event,
        form=form,
        stats=schedule.dashboard(event),
        reason_label=schedule.reason_label,
        hosts=bookings.hosts_of(event),
        host_form=HostForm(formdata=None),
        action_form=ActionForm(),
    ), (422 if form.errors else 200)


@bp.route(PREFIX + "/hosts", methods=["POST"])
@roles_required(Role.ORGANISER)
def admin_hosts(slug: str):
    """Name a host: they may book meetings between participants."""
    event = event_or_404(slug)
    form = HostForm()
    act(
        lambda: bookings.add_host(event, form.email.data, form.name.data),
        _("The host may book meetings now."),
        form,
    )
    return redirect(url_for("networking.admin", slug=slug))


@bp.route(PREFIX + "/hosts/<int:host_id>/delete", methods=["POST"])
@roles_required(Role.ORGANISER)
def admin_host_remove(slug: str, host_id: int):
    event = event_or_404(slug)
    act(lambda: bookings.remove_host(event, host_id), _("Removed."))
    return redirect(url_for("networking.admin", slug=slug))


@bp.route(PREFIX + "/delegations", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def admin_delegations(slug: str):
    event = event_or_404(slug)
    form = DelegationForm()
    if form.validate_on_submit():
        data = {k: form[k].data for k in ("name", "home_organisation", "lead_name", "lead_email")}
        created = _("The delegation is created and its lead invited.")
        if run(lambda: delegation_services.create_delegation(event, data), created, form):
            return redirect(url_for("networking.admin_delegations", slug=slug))
    return render_template(
        "networking/admin_delegations.html",
        event=event,
        form=form,
        delegations=delegation_services.delegations_of(event),
    ), (422 if form.errors else 200)


def _parse_local(event: Event, date: str, clock: str) -> datetime | None:
    try:
        moment = datetime.strptime(f"{date.strip()} {clock.strip()}", "%Y-%m-%d %H:%M")
    except ValueError:
        return None
    return moment.replace(tzinfo=event.tz)


@bp.route(PREFIX + "/slots", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def admin_slots(slug: str):
    event = event_or_404(slug)
    form = SlotsForm()
    if request.method == "GET" and not form.date.data:
        form.date.data = event.local(event.starts_at).date().isoformat()
    if form.validate_on_submit():
        start = _parse_local(event, form.date.data or "", form.start.data or "")
        end = _parse_local(event, form.date.data or "", form.end.data or "")
        if start is None or end is None:
            form.date.errors = [_("Give the date as YYYY-MM-DD and the times as HH:MM.")]
        elif run(
            lambda: schedule.generate_slots(event, start, end, form.minutes.data or 0),
            lambda added: _("Slots added: %(n)d.", n=added),
            form,
        ):
            return redirect(url_for("networking.admin_slots", slug=slug))
    return render_template(
        "networking/admin_slots.html",
        event=event,
        form=form,
        slots=schedule.slots_of(event),
        action_form=ActionForm(),
    ), (422 if form.errors else 200)


@bp.route(PREFIX + "/slots/<int:slot_id>/delete", methods=["POST"])
@roles_required(Role.ORGANISER)
def admin_slot_delete(slug: str, slot_id: int):
    event = event_or_404(slug)
    act(lambda: schedule.delete_slot(event, schedule.slot_for(event, slot_id)), _("Deleted."))
    return redirect(url_for("networking.admin_slots", slug=slug))


@bp.route(PREFIX + "/tables", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def admin_tables(slug: str):
    event = event_or_404(slug)
    form = TableForm()
    slots = schedule.slots_of(event)
    form.free_slots.choices = [SelectChoice(s.id, schedule.slot_label(event, s)) for s in slots]
    tables = schedule.tables_of(event)
    if request.method == "GET":
        form.number.data = max((t.number for t in tables), default=0) + 1
    if form.validate_on_submit():
        data = {
            "number": form.number.data,
            "name": form.name.data or "",
            "seats": form.seats.data if form.seats.data is not None else 4,
            "online": bool(form.online.data),
            "free_slots": list(form.free_slots.data) or None,
        }
        added = _("Place %(n)d added.", n=data["number"])
        if run(lambda: schedule.save_table(event, data), added, form):
            return redirect(url_for("networking.admin_tables", slug=slug))
    labels = {s.id: schedule.slot_label(event, s) for s in slots}
    return render_template(
        "networking/admin_tables.html",
        event=event,
        form=form,
        tables=tables,
        labels=labels,
        days=schedule.place_days(event),
        action_form=ActionForm(),
    ), (422 if form.errors else 200)


@bp.route(PREFIX + "/tables/<int:table_id>/delete", methods=["POST"])
@roles_required(Role.ORGANISER)
def admin_table_delete(slug: str, table_id: int):
    event = event_or_404(slug)
    act(lambda: schedule.delete_table(event, schedule.table_for(event, table_id)), _("Deleted."))
    return redirect(url_for("networking.admin_tables", slug=slug))


def _scheduled(solution: dict) -> str:
    return _(
        "Meetings scheduled: %(n)d (%(status)s); left out: %(left)d.",
        n=len(solution["meetings"]),
        status=solution["status"],
        left=len(solution["unscheduled"]),
    )


@bp.route(PREFIX + "/schedule", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def admin_schedule(slug: str):
    """The grid (tables across, slots down); solving and publishing post here and below."""
    event = event_or_404(slug)
    form = ScheduleForm()
    if form.validate_on_submit():
        limit = min(max(form.time_limit.data or 10, 1), 120)
        if run(
            lambda: schedule.run_schedule(event, bool(form.auto_match.data), float(limit)),
            _scheduled,
        ):
            return redirect(url_for("networking.admin_schedule", slug=slug))
    slots, tables, cells = schedule.grid(event)
    return render_template(
        "networking/admin_schedule.html",
        event=event,
        form=form,
        slots=slots,
        tables=tables,
        cells=cells,
        settings=services.settings_for(event),
        action_form=ActionForm(),
        slot_label=schedule.slot_label,
    )


@bp.route(PREFIX + "/schedule/publish", methods=["POST"])
@roles_required(Role.ORGANISER)
def admin_publish(slug: str):
    event = event_or_404(slug)
    act(
        lambda: schedule.publish(event),
        lambda mailed: _("Published; emails sent to the people affected: %(n)d.", n=mailed),
    )
    return redirect(url_for("networking.admin_schedule", slug=slug))


@bp.route(PREFIX + "/meetings/<int:meeting_id>/release", methods=["POST"])
@roles_required(Role.ORGANISER)
def admin_release(slug: str, meeting_id: int):
    event = event_or_404(slug)
    act(
        lambda: schedule.release(event, meeting_id),
        _("Released: the next schedule may move this meeting."),
    )
    return redirect(url_for("networking.admin_schedule", slug=slug))


@bp.route(PREFIX + "/meetings/<int:meeting_id>/video-link", methods=["POST"])
@roles_required(Role.ORGANISER)
def admin_video_link(slug: str, meeting_id: int):
    """The organiser pastes the video room of one online meeting."""
    event = event_or_404(slug)
    form = VideoLinkForm()
    act(
        lambda: schedule.set_video_link(event, meeting_id, form.video_link.data),
        _("The link is saved; the meeting's participants see it on their agendas."),
        form,
    )
    return redirect(url_for("networking.admin_schedule", slug=slug))


@bp.route(PREFIX + "/table-signs.pdf")
@roles_required(Role.ORGANISER)
def admin_table_signs(slug: str):
    event = event_or_404(slug)
    return Response(
        documents.table_signs_pdf(event, schedule.tables_of(event), schedule.place_days(event)),
        mimetype="application/pdf",
        headers={"Content-Disposition": 'inline; filename="table-signs.pdf"'},
    )


@bp.route(PREFIX + "/instance.json")
@roles_required(Role.ORGANISER)
def admin_instance(slug: str):
    event = event_or_404(slug)
    body = json.dumps(schedule.build_instance(event), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{slug}-instance.json"'},
    )
