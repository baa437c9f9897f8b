"""Public programme pages (the published snapshot) and the programme lead's pages (the draft)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf.csrf import generate_csrf
from wtforms import SelectChoice

from eventmgr.events.web import event_or_404
from eventmgr.platform import signals
from eventmgr.platform.access import current_actor, public, roles_required, user_may
from eventmgr.platform.db import rollback
from eventmgr.platform.i18n import local_time
from eventmgr.platform.roles import Role
from eventmgr.platform.web import int_arg, run_rule
from eventmgr.programme import photos, services, transfer
from eventmgr.programme.forms import ImportForm, ItemForm, PersonForm, PublishForm, RoomForm
from eventmgr.programme.models import DELIVERY_LABELS, KIND_LABELS, Kind, ProgrammeItem, Room

bp = Blueprint("programme", __name__)


def _labels() -> dict:
    """Labels resolved once per request (lazy strings would be translated on every use)."""
    return {
        "kind_labels": {k.value: str(v) for k, v in KIND_LABELS.items()},
        "delivery_labels": {k.value: str(v) for k, v in DELIVERY_LABELS.items()},
    }


def _clock(event, items) -> dict:
    """Each distinct start and end time formatted once (items share a handful of times)."""
    instants = {i.starts_at for i in items} | {i.ends_at for i in items}
    return {moment: local_time(moment, event.tz) for moment in instants}


def _page_context(event, item_id: int | None = None) -> dict:
    """What other domains add to a public programme page (the calendar: stars and links)."""
    context: dict = {"starring": None}
    for extra in signals.collect(signals.programme_page_context, event, item_id=item_id):
        context.update(extra)
    return context


# ---------------------------------------------------------------- public pages


@bp.route("/events/<slug>/programme")
@public
def programme(slug: str):
    event = event_or_404(slug)
    published = services.public_programme(event)
    theme = request.args.get("theme", "")
    kind = request.args.get("kind", "")
    delivery = request.args.get("delivery", "")
    items = services.filter_items(published, theme, kind, delivery)
    return render_template(
        "programme/programme.html",
        event=event,
        programme=published,
        items=items,
        clock=_clock(event, published.items),
        # One url_for, then the id appended: building 200+ item links is most of the page.
        item_url=url_for("programme.item", slug=slug, item_id=0)[:-1],
        filters={"theme": theme, "kind": kind, "delivery": delivery},
        **_page_context(event),
        **_labels(),
    )


@bp.route("/events/<slug>/items/<int:item_id>")
@public
def item(slug: str, item_id: int):
    event = event_or_404(slug)
    published = services.public_programme(event)
    found = published.by_id.get(item_id)
    if found is None:
        abort(404)
    parent = published.by_id.get(found.parent_id) if found.parent_id else None
    return render_template(
        "programme/item.html",
        event=event,
        item=found,
        parent=parent,
        **_page_context(event, item_id),
        **_labels(),
    )


@bp.route("/events/<slug>/speakers")
@public
def speakers(slug: str):
    event = event_or_404(slug)
    published = services.public_programme(event)
    people = [(p, published.talks_of(p["id"])) for p in published.people]
    return render_template("programme/speakers.html", event=event, people=people, **_labels())


@bp.route("/events/<slug>/changes")
@public
def changes(slug: str):
    event = event_or_404(slug)
    return render_template(
        "programme/changes.html", event=event, history=services.publication_history(event)
    )


@bp.route("/events/<slug>/people/<int:person_id>/photo")
@public
def photo(slug: str, person_id: int):
    """A speaker's photo, resized at upload; `?size=thumb` for lists. Public for the people of
    the published programme; anyone else's only for the event's organisers."""
    event = event_or_404(slug)
    person = services.person_of(event, person_id)
    if person is None or not person.has_photo:
        abort(404)
    published = services.in_published_programme(event, person.id)
    if not published and not user_may(current_actor(), (Role.ORGANISER,), slug):
        abort(404)
    data = person.photo_thumb if request.args.get("size") == "thumb" else person.photo
    response = Response(data, mimetype="image/jpeg")
    cache = "public, max-age=86400" if published else "private, no-store"
    response.headers["Cache-Control"] = cache
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- the timetable


def _days(event) -> list:
    first = event.local(event.starts_at).date()
    last = event.local(event.ends_at).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _chosen_day(event):
    days = _days(event)
    wanted = request.args.get("day", "")
    return next((d for d in days if d.isoformat() == wanted), days[0]), days


@bp.route("/manage/events/<slug>/programme")
@roles_required(Role.ORGANISER)
def timetable(slug: str):
    event = event_or_404(slug)
    day, days = _chosen_day(event)
    items = services.items_of(event)
    rooms = services.rooms_of(event)
    clashes = services.find_clashes(event, items)
    return render_template(
        "manage/programme/timetable.html",
        event=event,
        day=day,
        days=days,
        grid=_grid(event, day, items, rooms),
        conflicts=services.conflicts(clashes, items),
        marks=services.clashes_by_item(clashes),
        rooms=rooms,
        versions=services.versions_of(event)[:1],
        coming=services.coming_changes(event, items),
        clock=_clock(event, items),
        t=_timetable_texts(slug),
        **_labels(),
    )


def _timetable_texts(slug: str) -> dict:
    """Every item's menu says the same things: translated and linked once a request ("{title}"
    stands for the item's title, an item's links are `item_url` + its id + "/edit" etc.)."""
    return {
        "item_url": url_for("programme.item_new", slug=slug).removesuffix("new"),
        "new_talk": url_for("programme.item_new", slug=slug, parent_id=0)[:-1],
        "csrf": generate_csrf(),
        "drag": _("Drag to move"),
        "clash": _("Clash"),
        "menu": _("Edit or move “%(title)s”", title="{title}"),
        "edit": _("Edit"),
        "delete": _("Delete"),
        "add_talk": _("Add a talk to this session"),
        "moves": [
            (
                m,
                _("Move “%(title)s” %(n)d minutes earlier", title="{title}", n=-m)
                if m < 0
                else _("Move “%(title)s” %(n)d minutes later", title="{title}", n=m),
            )
            for m in (-15, -5, 5, 15)
        ],
        "room": _("Room"),
        "no_room": _("No room"),
        "change_room": _("Change room"),
        "close": _("Close"),
    }


PX_PER_MINUTE = 4
"""The timetable's scale: an hour is 240 px high, a 10-minute welcome 40 px."""
MIN_BOX_MINUTES = 10
"""Shorter items are drawn this tall, so their time, title and menu show; lanes allow for it."""


@dataclass
class _Box:
    """An item's place on the timetable: pixels from the top, and its lane among the items it
    overlaps (they sit side by side, each `1 / lanes` of the column wide)."""

    item: ProgrammeItem
    start: int  # minutes after the timetable's first hour
    end: int  # drawn end, at least MIN_BOX_MINUTES after the start
    lane: int = 0
    lanes: int = 1

    @property
    def top(self) -> int:
        return self.start * PX_PER_MINUTE

    @property
    def height(self) -> int:
        return (self.end - self.start) * PX_PER_MINUTE


@dataclass
class _Column:
    room: Room | None  # None: the items without a room
    boxes: list[_Box]

    @property
    def lanes(self) -> int:
        return max([b.lanes for b in self.boxes] or [1])


def _side_by_side(boxes: list[_Box]) -> list[_Box]:
    """Give each box the first lane free at its start; a run of boxes that overlap one another
    (directly or through others) shares one lane count, so none is drawn over another."""
    boxes.sort(key=lambda b: (b.start, -b.end, b.item.id))
    run: list[_Box] = []
    lane_ends: list[int] = []
    run_end = 0

    def close() -> None:
        for box in run:
            box.lanes = len(lane_ends)

    for box in boxes:
        if run and box.start >= run_end:
            close()
            run, lane_ends = [], []
        free = [n for n, end in enumerate(lane_ends) if end <= box.start]
        box.lane = free[0] if free else len(lane_ends)
        if free:
            lane_ends[box.lane] = box.end
        else:
            lane_ends.append(box.end)
        run_end = max(run_end, box.end) if run else box.end
        run.append(box)
    close()
    return boxes


def _grid(event, day, items: list[ProgrammeItem], rooms: list[Room]) -> dict:
    """The day drawn to scale: one column per room (and one for items without a room), from
    the hour of the first item to the hour after the last, PX_PER_MINUTE pixels a minute."""
    tz = event.tz
    top = [i for i in items if i.parent_id is None and event.local(i.starts_at).date() == day]
    if top:
        first = min(event.local(i.starts_at) for i in top)
        last = max(event.local(i.ends_at) for i in top)
    else:
        first = datetime.combine(day, datetime.min.time(), tzinfo=tz).replace(hour=9)
        last = first.replace(hour=17)
    first = first.replace(minute=0, second=0, microsecond=0)
    last = (last + timedelta(minutes=59)).replace(minute=0, second=0, microsecond=0)
    total = int((last - first).total_seconds() // 60)

    def minute(moment) -> int:
        return int((event.local(moment) - first).total_seconds() // 60)

    by_room: dict[int | None, list[_Box]] = {room.id: [] for room in rooms}
    for item in top:
        start = minute(item.starts_at)
        end = max(minute(item.ends_at), start + MIN_BOX_MINUTES)
        by_room.setdefault(item.room_id if item.room_id in by_room else None, []).append(
            _Box(item, start, end)
        )
    columns = [_Column(room, _side_by_side(by_room[room.id])) for room in rooms]
    if None in by_room or not rooms:
        columns.append(_Column(None, _side_by_side(by_room.get(None, []))))
    total = max([total] + [b.end for c in columns for b in c.boxes])
    hours = [
        {"label": (first + timedelta(hours=n)).strftime("%H:%M"), "top": n * 60 * PX_PER_MINUTE}
        for n in range(total // 60 + (1 if total % 60 else 0))
    ]
    return {
        "columns": columns,
        "hours": hours,
        "height": total * PX_PER_MINUTE,
        "ppm": PX_PER_MINUTE,
        "first_minute": first.hour * 60 + first.minute,
    }


# ---------------------------------------------------------------- items


def _item_form(event, item: ProgrammeItem | None) -> ItemForm:
    form = ItemForm(obj=item) if item else ItemForm()
    form.room_id.choices = [SelectChoice(0, _("No room"))] + [
        SelectChoice(r.id, r.name) for r in services.rooms_of(event)
    ]
    form.parent_id.choices = [SelectChoice(0, _("None"))] + [
        SelectChoice(s.id, f"{event.local(s.starts_at):%H:%M} {s.title}")
        for s in services.sessions_of(event)
    ]
    people = services.people_of(event)
    names = Counter(p.name for p in people)
    choices = [
        SelectChoice(p.id, f"{p.name} ({p.affiliation})" if names[p.name] > 1 else p.name)
        for p in people
    ]
    form.speakers.choices = choices
    form.moderators.choices = choices
    form.speakers.render_kw = _picker(_("Chosen speakers"))
    form.moderators.render_kw = _picker(_("Chosen moderators"))
    if not form.is_submitted():
        if item is not None:
            form.day.data = event.local(item.starts_at).date()
            form.start.data = event.local(item.starts_at).time()
            form.end.data = event.local(item.ends_at).time()
            form.room_id.data = item.room_id or 0
            form.parent_id.data = item.parent_id or 0
            form.speakers.data = [p.id for p in item.speakers]
            form.moderators.data = [p.id for p in item.moderators]
            form.not_streamed.data = item.streamed is False
            if item.tech_check_at is not None:
                form.tech_check.data = event.local(item.tech_check_at).time()
        else:
            _prefill(event, form)
    return form


def _picker(chosen: str) -> dict:
    """What static/js/people-picker.js needs to turn a multiple select into typing a name."""
    return {
        "data-picker": "",
        "data-picker-chosen": chosen,
        "data-picker-placeholder": _("Type a name, then Enter"),
        "data-picker-remove": _("Remove %(name)s", name="{name}"),
        "data-picker-added": _("%(name)s added.", name="{name}"),
        "data-picker-removed": _("%(name)s removed.", name="{name}"),
        "data-picker-unknown": _(
            "No one called “%(name)s”: add the person under Speakers and moderators first.",
            name="{name}",
        ),
    }


def _prefill(event, form: ItemForm) -> None:
    """A new item from the timetable's 'add' links: kind, session, room and time given."""
    form.day.data = _chosen_day(event)[0]
    kind = request.args.get("kind", "")
    if kind in {k.value for k in Kind}:
        form.kind.data = kind
    parent = services.item_of(event, int_arg("parent_id"))
    if parent is not None and parent.kind == Kind.SESSION.value:
        form.kind.data = Kind.TALK.value
        form.parent_id.data = parent.id
        form.room_id.data = parent.room_id or 0
        last = max([c.ends_at for c in parent.children] or [parent.starts_at])
        form.day.data = event.local(last).date()
        form.start.data = event.local(last).time()
        form.end.data = event.local(min(last + timedelta(minutes=20), parent.ends_at)).time()
    room = int_arg("room_id")
    if room:
        form.room_id.data = room


def _item_data(event, form: ItemForm) -> dict:
    starts = datetime.combine(form.day.data, form.start.data, tzinfo=event.tz).astimezone(UTC)
    ends = datetime.combine(form.day.data, form.end.data, tzinfo=event.tz).astimezone(UTC)
    return {
        "kind": form.kind.data,
        "title": form.title.data,
        "abstract": form.abstract.data or None,
        "theme": form.theme.data or None,
        "starts_at": starts,
        "ends_at": ends,
        "room_id": form.room_id.data or None,
        "parent_id": form.parent_id.data or None,
        "delivery": form.delivery.data,
        "cancelled": form.cancelled.data,
        "stream_url": (form.stream_url.data or "").strip() or None,
        "streamed": not form.not_streamed.data,
        "tech_check_at": datetime.combine(
            form.day.data, form.tech_check.data, tzinfo=event.tz
        ).astimezone(UTC)
        if form.tech_check.data
        else None,
        "connection_url": (form.connection_url.data or "").strip() or None,
        "speaker_ids": form.speakers.data or [],
        "moderator_ids": form.moderators.data or [],
    }


def _save_item(event, form: ItemForm, item: ProgrammeItem | None):
    try:
        data = _item_data(event, form)
        saved = (
            services.update_item(event, item, data) if item else services.create_item(event, data)
        )
    except services.ProgrammeError as exc:
        rollback()
        for name, message in exc.fields.items():
            target = getattr(form, ItemForm.FIELD_FOR.get(name, name), form.title)
            target.errors = [*target.errors, message]
        return None
    flash(_("“%(title)s” is saved.", title=saved.title), "success")
    _flash_clashes(event, saved.id)
    return saved


def _flash_clashes(event, item_id: int) -> None:
    """One message per conflict the item is in, as the timetable's clash list names it."""
    items = services.items_of(event)
    for conflict in services.conflicts(services.find_clashes(event, items), items):
        if any(i.id == item_id for i in conflict.items):
            flash(_("Clash: %(message)s", message=conflict_text(conflict)), "error")


def conflict_text(conflict: services.Conflict) -> str:
    """“A” and “B”: what they break together."""
    titles = [f"“{item.title}”" for item in conflict.items]
    named = titles[0] if len(titles) == 1 else _("%(a)s and %(b)s", a=titles[0], b=titles[1])
    return f"{named}: {' '.join(c.reason for c in conflict.clashes)}"


def _back(event, item: ProgrammeItem | None = None):
    day = event.local(item.starts_at).date().isoformat() if item else None
    anchor = f"#item-{item.parent_id or item.id}" if item else ""
    return redirect(url_for("programme.timetable", slug=event.slug, day=day) + anchor)


@bp.route("/manage/events/<slug>/programme/items/new", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def item_new(slug: str):
    event = event_or_404(slug)
    form = _item_form(event, None)
    if form.validate_on_submit():
        saved = _save_item(event, form, None)
        if saved is not None:
            return _back(event, saved)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "manage/programme/item_form.html", event=event, form=form, item=None
    ), status


@bp.route("/manage/events/<slug>/programme/items/<int:item_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def item_edit(slug: str, item_id: int):
    event = event_or_404(slug)
    found = services.item_of(event, item_id)
    if found is None:
        abort(404)
    form = _item_form(event, found)
    if form.validate_on_submit():
        saved = _save_item(event, form, found)
        if saved is not None:
            return _back(event, saved)
    status = 422 if form.is_submitted() else 200
    marks = services.clashes_by_item(services.find_clashes(event)).get(found.id, [])
    return render_template(
        "manage/programme/item_form.html", event=event, form=form, item=found, marks=marks
    ), status


@bp.route("/manage/events/<slug>/programme/items/<int:item_id>/delete", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def item_delete(slug: str, item_id: int):
    """GET asks first (naming what goes with it); POST deletes."""
    event = event_or_404(slug)
    found = services.item_of(event, item_id)
    if found is None:
        abort(404)
    if request.method == "POST":
        title = found.title
        services.delete_item(found)
        flash(_("“%(title)s” is deleted.", title=title), "success")
        return redirect(url_for("programme.timetable", slug=slug))
    return render_template("manage/programme/item_delete.html", event=event, item=found)


@bp.route("/manage/events/<slug>/programme/items/<int:item_id>/move", methods=["POST"])
@roles_required(Role.ORGANISER)
def item_move(slug: str, item_id: int):
    """The quick move: a few minutes earlier or later, or another room."""
    event = event_or_404(slug)
    found = services.item_of(event, item_id)
    if found is None:
        abort(404)
    minutes = request.form.get("minutes", 0, type=int)
    if abs(minutes) > 24 * 60:
        abort(400)
    # Only a form that names a room changes it ("0": no room); the minute buttons keep it.
    room_id = (int_arg("room_id") or None) if "room_id" in request.form else services.KEEP_ROOM
    moved, _item = run_rule(
        lambda: services.move_item(event, found, minutes, room_id),
        _("“%(title)s” is moved.", title=found.title),
    )
    if moved:
        _flash_clashes(event, found.id)
    return _back(event, found)


# ---------------------------------------------------------------- publishing


@bp.route("/manage/events/<slug>/programme/coming-changes")
@roles_required(Role.ORGANISER)
def coming_changes(slug: str):
    """Before publishing: what attendees would see change, and the button that publishes."""
    event = event_or_404(slug)
    items = services.items_of(event)
    clashes = services.find_clashes(event, items)
    return render_template(
        "manage/programme/coming_changes.html",
        event=event,
        coming=services.coming_changes(event, items),
        conflicts=services.conflicts(clashes, items),
        publish_form=PublishForm(),
    )


@bp.route("/manage/events/<slug>/programme/publish", methods=["POST"])
@roles_required(Role.ORGANISER)
def publish(slug: str):
    event = event_or_404(slug)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        version = services.publish(event, confirm=form.confirm.data)
    except services.ClashesNeedConfirmation as exc:
        rollback()
        shown = services.conflicts(exc.clashes, services.items_of(event))
        message = ngettext(
            "Not published: there is %(num)d clash. Tick the confirmation to publish anyway.",
            "Not published: there are %(num)d clashes. Tick the confirmation to publish anyway.",
            len(shown),
        )
        flash(message, "error")
        return redirect(url_for("programme.coming_changes", slug=slug) + "#publish")
    flash(_("Version %(n)d of the programme is published.", n=version.number), "success")
    return redirect(url_for("programme.timetable", slug=slug))


# ---------------------------------------------------------------- rooms


@bp.route("/manage/events/<slug>/rooms", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def rooms(slug: str):
    event = event_or_404(slug)
    form = RoomForm()
    if form.validate_on_submit():
        data = {
            "name": form.name.data,
            "capacity": form.capacity.data,
            "stream_url": (form.stream_url.data or "").strip() or None,
        }
        if run_rule(lambda: services.save_room(event, data), _("The room is added."), form)[0]:
            return redirect(url_for("programme.rooms", slug=slug))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "manage/programme/rooms.html", event=event, form=form, rooms=services.rooms_of(event)
    ), status


@bp.route("/manage/events/<slug>/rooms/<int:room_id>/delete", methods=["POST"])
@roles_required(Role.ORGANISER)
def room_delete(slug: str, room_id: int):
    event = event_or_404(slug)
    room = services.room_of(event, room_id)
    if room is None:
        abort(404)
    services.delete_room(room)
    flash(_("The room is deleted; its items have no room now."), "success")
    return redirect(url_for("programme.rooms", slug=slug))


# ---------------------------------------------------------------- people


@bp.route("/manage/events/<slug>/people")
@roles_required(Role.ORGANISER)
def people(slug: str):
    event = event_or_404(slug)
    extra: dict = {}
    for answer in signals.collect(signals.programme_people_context, event):
        extra.update(answer)
    return render_template(
        "manage/programme/people.html", event=event, people=services.people_of(event), **extra
    )


def _person_page(event, person):
    form = PersonForm(obj=person) if person else PersonForm()
    if person and not form.is_submitted():
        form.links.data = "\n".join(person.links or [])
    if form.validate_on_submit():
        data = {
            "name": form.name.data,
            "title": form.title.data,
            "affiliation": form.affiliation.data,
            "bio": form.bio.data,
            "links": [
                line.strip() for line in (form.links.data or "").splitlines() if line.strip()
            ],
            "email": (form.email.data or "").strip() or None,
            "language": form.language.data or "en",
        }
        upload = form.photo.data
        photo = upload.read(photos.MAX_BYTES + 1) if getattr(upload, "filename", "") else None
        saved, _person = run_rule(
            lambda: services.save_person(
                event, data, person, photo=photo, remove_photo=form.remove_photo.data
            ),
            lambda saved: _("%(name)s is saved.", name=saved.name),
            form,
        )
        if saved:
            return redirect(url_for("programme.people", slug=event.slug))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "manage/programme/person_form.html", event=event, form=form, person=person
    ), status


@bp.route("/manage/events/<slug>/people/new", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def person_new(slug: str):
    return _person_page(event_or_404(slug), None)


@bp.route("/manage/events/<slug>/people/<int:person_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def person_edit(slug: str, person_id: int):
    event = event_or_404(slug)
    person = services.person_of(event, person_id)
    if person is None:
        abort(404)
    return _person_page(event, person)


@bp.route("/manage/events/<slug>/people/<int:person_id>/delete", methods=["POST"])
@roles_required(Role.ORGANISER)
def person_delete(slug: str, person_id: int):
    event = event_or_404(slug)
    person = services.person_of(event, person_id)
    if person is None:
        abort(404)
    services.delete_person(person)
    flash(_("The person is deleted."), "success")
    return redirect(url_for("programme.people", slug=slug))


# ---------------------------------------------------------------- import and export


@bp.route("/manage/events/<slug>/programme/import", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def import_programme(slug: str):
    event = event_or_404(slug)
    form = ImportForm()
    problems: list = []
    if form.validate_on_submit():
        upload = form.file.data
        name = (getattr(upload, "filename", "") or "").lower()
        if not name.endswith((".json", ".csv")):
            problems = [(_("file"), _("Choose a .json or .csv file."))]
        else:
            text = upload.read(5 * 1024 * 1024).decode("utf-8", errors="replace")
            importer = transfer.import_csv if name.endswith(".csv") else transfer.import_json
            try:
                count = importer(event, text)
            except transfer.ImportFailed as exc:
                rollback()
                problems = exc.problems
            else:
                flash(_("%(n)d items imported into the draft.", n=count), "success")
                return redirect(url_for("programme.timetable", slug=slug))
    status = 422 if problems else 200
    return render_template(
        "manage/programme/import.html", event=event, form=form, problems=problems
    ), status


@bp.route("/manage/events/<slug>/programme/export.<fmt>")
@roles_required(Role.ORGANISER)
def export_programme(slug: str, fmt: str):
    event = event_or_404(slug)
    if fmt == "json":
        body = json.dumps(transfer.export_json(event), ensure_ascii=False, indent=2)
        mimetype = "application/json"
    elif fmt == "csv":
        body, mimetype = transfer.export_csv(event), "text/csv"
    else:
        abort(404)
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}-programme.{fmt}"'
    return response
