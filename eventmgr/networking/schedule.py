"""Slots, tables, the schedule and its publication, and the organiser's dashboard.

The schedule is built as an instance in the shared format (shared/formats/meeting-instance.md),
checked by solver/instance.py and solved by the CP-SAT solver; ids are "s<slot id>",
"t<table id>", "p<registration id>", "r<request id>" and, in auto-match mode, "a<id>_<id>" for
suggested pairs. Published meetings are `fixed` until the organiser releases them.

Each rule that changes data (slots, tables, solving, publishing, releasing, feedback) commits
its own work, with the mail it queued.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from sqlalchemy import select

from eventmgr.events.models import Event
from eventmgr.networking.mails import notify
from eventmgr.networking.models import (
    ACCEPTED,
    CANCELLED,
    DECLINED,
    REQUEST_STATUSES,
    Block,
    Delegation,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    MeetingTable,
    Profile,
)
from eventmgr.networking.services import (
    MESSAGE_LIMIT,
    NetworkingError,
    attends,
    settings_for,
    takes_part,
    withdraw,
)
from eventmgr.networking.solver.instance import parse_instance
from eventmgr.networking.suggest import pair_scores
from eventmgr.platform.db import commit, db, utcnow
from eventmgr.platform.i18n import local_date, local_day
from eventmgr.platform.text import has_control
from eventmgr.registration.models import DIGITAL, Registration

AUTO_MIN_SCORE = 30


# --------------------------------------------------------------------------- slots and tables


def slots_of(event: Event) -> list[MeetingSlot]:
    return list(
        db.session.scalars(
            select(MeetingSlot)
            .where(MeetingSlot.event_id == event.id)
            .order_by(MeetingSlot.starts_at, MeetingSlot.id)
        )
    )


def tables_of(event: Event) -> list[MeetingTable]:
    return list(
        db.session.scalars(
            select(MeetingTable)
            .where(MeetingTable.event_id == event.id)
            .order_by(MeetingTable.number)
        )
    )


def generate_slots(event: Event, start: datetime, end: datetime, minutes: int) -> int:
    """Add back-to-back slots from start to end (aware datetimes); existing ones stay."""
    if not isinstance(minutes, int) or not 5 <= minutes <= 240:
        raise NetworkingError({"minutes": _("Give a slot length from 5 to 240 minutes.")})
    if end <= start:
        raise NetworkingError({"end": _("The end must be after the start.")})
    if end - start > timedelta(hours=24):
        raise NetworkingError({"end": _("At most 24 hours of slots at once.")})
    existing = {(s.starts_at, s.ends_at) for s in slots_of(event)}
    added = 0
    at = start
    step = timedelta(minutes=minutes)
    while at + step <= end:
        if (at, at + step) not in existing:
            db.session.add(MeetingSlot(event_id=event.id, starts_at=at, ends_at=at + step))
            added += 1
        at += step
    if added == 0:
        raise NetworkingError({"end": _("No new slot fits between the start and the end.")})
    commit()
    return added


def place_days(event: Event) -> dict[int, list[str]]:
    """The days (in the event's zone, "Thu 26 Jan") on which each place is free for meetings."""
    slots = slots_of(event)
    out: dict[int, list[str]] = {}
    for table in tables_of(event):
        free = set(table.free_slots) if table.free_slots is not None else None
        days = [
            local_date(s.starts_at, event.timezone, "EEE d MMM")
            for s in slots
            if free is None or s.id in free
        ]
        out[table.id] = list(dict.fromkeys(days))
    return out


def slot_for(event: Event, slot_id: int) -> MeetingSlot:
    slot = db.session.get(MeetingSlot, slot_id)
    if slot is None or slot.event_id != event.id:
        raise NetworkingError({"slot": _("No such slot.")}, 404)
    return slot


def table_for(event: Event, table_id: int) -> MeetingTable:
    table = db.session.get(MeetingTable, table_id)
    if table is None or table.event_id != event.id:
        raise NetworkingError({"table": _("No such table.")}, 404)
    return table


def save_table(
    event: Event, data: dict[str, Any], table: MeetingTable | None = None
) -> MeetingTable:
    """Add or change a meeting place: number, name (a meeting room, an office; empty for a
    numbered table), seats, whether it is a video room, the slots it is free in (None: all)."""
    errors: dict[str, str] = {}
    number, seats = data.get("number"), data.get("seats", 4)
    name, online = data.get("name") or "", data.get("online", False)
    if not isinstance(name, str):
        errors["name"] = _("Give text.")
    elif has_control(name):
        errors["name"] = _("Remove the control characters.")
    elif len(name.strip()) > 200:
        errors["name"] = _("At most %(n)d characters.", n=200)
    else:
        name = " ".join(name.split())
    if not isinstance(online, bool):
        errors["online"] = _("Say yes or no.")
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 9999:
        errors["number"] = _("Give a table number from 1 to 9999.")
    else:
        clash = db.session.scalar(
            select(MeetingTable).where(
                MeetingTable.event_id == event.id, MeetingTable.number == number
            )
        )
        if clash is not None and clash is not table:
            errors["number"] = _("Table %(n)d exists already.", n=number)
    if not isinstance(seats, int) or isinstance(seats, bool) or not 2 <= seats <= 50:
        errors["seats"] = _("Give a number of seats from 2 to 50.")
    free = data.get("free_slots")
    if free is not None:
        known = {s.id for s in slots_of(event)}
        if not isinstance(free, list) or not all(
            isinstance(s, int) and not isinstance(s, bool) and s in known for s in free
        ):
            errors["free_slots"] = _("Give known slot numbers, or nothing for every slot.")
        else:
            free = sorted(set(free))
    if errors:
        raise NetworkingError(errors)
    if table is None:
        table = MeetingTable(event_id=event.id)
        db.session.add(table)
    table.number, table.seats, table.free_slots = number, seats, free
    table.name, table.online = name, online
    commit()
    return table


def clean_video_link(link: Any) -> str:
    """An http(s) address of at most 500 characters, or empty; else a named refusal."""
    if link is None:
        return ""
    if not isinstance(link, str) or has_control(link):
        raise NetworkingError({"video_link": _("Give a web address (https://...).")})
    link = link.strip()
    if link and (
        not link.startswith(("https://", "http://"))
        or len(link) > 500
        or " " in link
        or "." not in link.split("/")[2]
    ):
        raise NetworkingError({"video_link": _("Give a web address (https://...).")})
    return link


def set_video_link(event: Event, meeting_id: int, link: Any) -> Meeting:
    """The organiser pastes a meeting's video room (empty: the room service's, at publish).
    Its participants see it on their agendas; a meeting at a physical place has none."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.event_id != event.id:
        raise NetworkingError({"meeting": _("No such meeting.")}, 404)
    link = clean_video_link(link)
    if link and (meeting.table is None or not meeting.table.online):
        raise NetworkingError(
            {"video_link": _("This meeting is at a physical place; it has no video room.")}, 409
        )
    changed = link and link != meeting.video_link
    meeting.video_link = link
    if changed and meeting.published and meeting.published_slot_id is not None:
        slot = db.session.get(MeetingSlot, meeting.published_slot_id)
        digest = hashlib.sha256(link.encode()).hexdigest()[:16]
        req = meeting.request
        for person in req.people:
            with _person_locale(person):
                label = slot_label(event, slot)
            notify(
                person,
                "video_link",
                key=f"networking.video_link:{meeting.id}:{person.id}:{digest}",
                name=", ".join(o.name for o in req.others(person.id)),
                time=label,
                link=link,
            )
    commit()
    return meeting


def delete_slot(event: Event, slot: MeetingSlot) -> None:
    """Delete a slot; the meetings in it go back to unscheduled."""
    for meeting in meetings_in(event):
        if meeting.slot_id == slot.id:
            meeting.slot_id = meeting.table_id = None
            meeting.locked = False
    db.session.delete(slot)
    commit()


def delete_table(event: Event, table: MeetingTable) -> None:
    """Delete a table; the meetings at it go back to unscheduled."""
    for meeting in meetings_in(event):
        if meeting.table_id == table.id:
            meeting.slot_id = meeting.table_id = None
            meeting.locked = False
    db.session.delete(table)
    commit()


# --------------------------------------------------------------------------- the instance


def meetings_in(event: Event) -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(Meeting.event_id == event.id)))


def _accepted(event: Event) -> list[MeetingRequest]:
    rows = db.session.scalars(
        select(MeetingRequest)
        .where(MeetingRequest.event_id == event.id, MeetingRequest.status == ACCEPTED)
        .order_by(MeetingRequest.id)
    )
    return [r for r in rows if all(takes_part(p) for p in r.people)]


def _profiles(event: Event) -> dict[int, Profile]:
    rows = db.session.scalars(
        select(Profile)
        .join(Registration, Registration.id == Profile.registration_id)
        .where(Registration.event_id == event.id)
    )
    return {p.registration_id: p for p in rows if takes_part(p.registration)}


def _blocked_pairs(event: Event) -> set[tuple[int, int]]:
    """Every blocked pair of the event (smaller registration id first), in one query."""
    rows = db.session.execute(
        select(Block.blocker_id, Block.blocked_id)
        .join(Registration, Registration.id == Block.blocker_id)
        .where(Registration.event_id == event.id)
    )
    return {(min(a, b), max(a, b)) for a, b in rows}


def local_iso(event: Event, moment: datetime) -> str:
    return event.local(moment).isoformat()


def _asked_pairs(event: Event) -> set[tuple[int, int]]:
    """Every pair with a request of any status between them (smaller id first): a pending,
    declined, withdrawn or expired request, or an accepted one, is the people's own answer, so
    the auto-match never proposes that pair (a declined proposal stays declined)."""
    rows = db.session.execute(
        select(MeetingRequest.from_id, MeetingRequest.to_id).where(
            MeetingRequest.event_id == event.id
        )
    )
    return {(min(a, b), max(a, b)) for a, b in rows}


def build_instance(event: Event, auto_match: bool = False) -> dict:
    """The event's current instance: accepted requests (and, in auto-match mode, suggested
    pairs of people who did not opt out, scoring at least AUTO_MIN_SCORE, with no request of
    any status and no block between them, at most `max_auto_meetings` per person),
    availability, caps, places (video rooms are `online`), digital registrants `online`, and
    every locked meeting as `fixed`."""
    settings = settings_for(event)
    slots, tables = slots_of(event), tables_of(event)
    slot_ids = {s.id for s in slots}
    profiles = _profiles(event)
    requests = _accepted(event)
    pairs: list[tuple[str, list[int], int]] = []
    for req in requests:
        pairs.append((f"r{req.id}", req.person_ids, 100))
    if auto_match:
        excluded = _blocked_pairs(event) | _asked_pairs(event)
        willing = [p for p in profiles.values() if p.auto_match]
        scores = pair_scores(event, willing)
        # each person is in at most max_auto_meetings candidate pairs (best first), so the
        # organisers never fill anyone's agenda with meetings nobody asked for
        proposed: Counter[int] = Counter(p for req in requests if req.auto for p in req.person_ids)
        cap = settings.max_auto_meetings
        for (a, b), score in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
            if score < AUTO_MIN_SCORE or (a, b) in excluded:
                continue
            if proposed[a] >= cap or proposed[b] >= cap:
                continue
            excluded.add((a, b))
            proposed[a] += 1
            proposed[b] += 1
            pairs.append((f"a{a}_{b}", [a, b], max(1, min(50, score // 4))))
    people = sorted({p for _id, ps, _w in pairs for p in ps})
    rows = (
        db.session.execute(
            select(Registration.id, Registration.name, Registration.mode).where(
                Registration.id.in_(people)
            )
        ).all()
        if people
        else []
    )
    names = {pid: name for pid, name, _mode in rows}
    online = {pid for pid, _name, mode in rows if mode == DIGITAL}
    participants = []
    for person in people:
        unavailable = set(profiles[person].unavailable_slots or []) if person in profiles else set()
        participants.append(
            {
                "id": f"p{person}",
                "name": names.get(person, ""),
                "available": [f"s{s.id}" for s in slots if s.id not in unavailable],
                "max_meetings": settings.max_meetings,
                **({"online": True} if person in online else {}),
            }
        )
    fixed = []
    request_ids = {pid for pid, _ps, _w in pairs}
    for meeting in meetings_in(event):
        rid = f"r{meeting.request_id}"
        if meeting.locked and meeting.slot_id in slot_ids and rid in request_ids:
            entry = {"request": rid, "slot": f"s{meeting.slot_id}"}
            if meeting.table_id is not None:
                entry["table"] = f"t{meeting.table_id}"
            fixed.append(entry)
    instance = {
        "slots": [
            {
                "id": f"s{s.id}",
                "start": local_iso(event, s.starts_at),
                "end": local_iso(event, s.ends_at),
            }
            for s in slots
        ],
        "tables": [
            {
                "id": f"t{t.id}",
                "seats": t.seats,
                **(
                    {"available": [f"s{s}" for s in t.free_slots if s in slot_ids]}
                    if t.free_slots is not None
                    else {}
                ),
                **({"online": True} if t.online else {}),
            }
            for t in tables
        ],
        "participants": participants,
        "requests": [
            {"id": pid, "participants": [f"p{p}" for p in ps], "weight": w} for pid, ps, w in pairs
        ],
        "fixed": fixed,
    }
    parse_instance(instance)  # the format's own checks: a bug here must not reach the solver
    return instance


def run_schedule(event: Event, auto_match: bool = False, time_limit: float = 10.0) -> dict:
    """Solve the current instance and store the result as the draft schedule."""
    if not slots_of(event) or not tables_of(event):
        raise NetworkingError({"schedule": _("Add slots and tables first.")}, 409)
    # OR-Tools (and the pandas it loads) costs every web worker and CLI run ~1 s to import;
    # only scheduling needs it, so it is imported here, on first use.
    from eventmgr.networking.solver.model import solve

    instance = build_instance(event, auto_match)
    solution = solve(instance, time_limit=time_limit)
    if solution["status"] == "infeasible":
        raise NetworkingError(
            {"schedule": _("The published meetings cannot all stay; release some first.")}, 409
        )
    placed = {m["request"]: (m["slot"], m["table"]) for m in solution["meetings"]}
    meetings = {m.request_id: m for m in meetings_in(event)}
    for pid, (slot, table) in placed.items():
        if pid.startswith("a"):
            a, b = (int(x) for x in pid[1:].split("_"))
            now = utcnow()
            req = MeetingRequest(
                event_id=event.id,
                from_id=a,
                to_id=b,
                message="",
                status=ACCEPTED,
                auto=True,
                created_at=now,
                expires_at=now,
                decided_at=now,
            )
            db.session.add(req)
            db.session.flush()
            request_id = req.id
        else:
            request_id = int(pid[1:])
        meeting = meetings.pop(request_id, None)
        if meeting is None:
            meeting = Meeting(event_id=event.id, request_id=request_id)
            db.session.add(meeting)
        meeting.slot_id, meeting.table_id = int(slot[1:]), int(table[1:])
    for meeting in meetings.values():  # not placed this time
        if meeting.published_slot_id is None:
            db.session.delete(meeting)
        else:
            meeting.slot_id = meeting.table_id = None
            meeting.locked = False
    settings = settings_for(event)
    settings.solve_status = solution["status"]
    settings.solve_objective = solution["objective"]
    settings.solve_bound = solution["bound"]
    settings.solved_at = utcnow()
    commit()
    return solution


def slot_label(event: Event, slot: MeetingSlot) -> str:
    start = format_datetime(event.local(slot.starts_at), "HH:mm", rebase=False)
    end = format_datetime(event.local(slot.ends_at), "HH:mm", rebase=False)
    day = local_day(slot.starts_at, event.tz)
    return f"{day} {start}–{end} ({event.timezone})"


def _video_link(event: Event, base: str) -> str:
    """A room of the configured service: its base URL plus a random room name."""
    room = f"{event.slug}-{secrets.token_urlsafe(12)}".replace("_", "-")
    return base.rstrip("/") + "/" + room


def publish(event: Event) -> int:
    """Publish the draft; mail only the people whose meeting is new, moved or dropped. A
    meeting in a video room gets its link (the room service's, unless the organiser pasted
    one) and only its participants see it."""
    settings = settings_for(event)
    mailed = 0
    for meeting in meetings_in(event):
        req = meeting.request
        current = (meeting.slot_id, meeting.table_id)
        told = (meeting.published_slot_id, meeting.published_table_id)
        if current == told and meeting.published:
            meeting.locked = meeting.slot_id is not None
            continue
        people = req.people
        if meeting.slot_id is None:
            for person in people:
                others = ", ".join(o.name for o in req.others(person.id))
                notify(person, "unscheduled", name=others)
                mailed += 1
            db.session.delete(meeting)
            continue
        meeting.published_slot_id, meeting.published_table_id = current
        meeting.published = True
        meeting.locked = True
        db.session.flush()
        slot, table = db.session.get(MeetingSlot, meeting.slot_id), meeting.table
        if table.online and not meeting.video_link and settings.video_base_url:
            meeting.video_link = _video_link(event, settings.video_base_url)
        for person in people:
            with _person_locale(person):
                label = slot_label(event, slot)
                place = table.label
            others = ", ".join(o.name for o in req.others(person.id))
            notify(
                person,
                "proposed" if req.auto else "scheduled",
                key=f"networking.scheduled:{meeting.id}:{person.id}:{slot.id}:{table.id}",
                name=others,
                time=label,
                table=place,
                link=meeting.video_link if table.online else "",
                online=table.online,
            )
            mailed += 1
    settings.published_at = utcnow()
    commit()
    return mailed


def _person_locale(person: Registration):
    return force_locale(person.language or "en")


def release(event: Event, meeting_id: int) -> Meeting:
    """Let the next schedule move a published meeting."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.event_id != event.id:
        raise NetworkingError({"meeting": _("No such meeting.")}, 404)
    meeting.locked = False
    commit()
    return meeting


# --------------------------------------------------------------------------- people's meetings


@dataclass(frozen=True)
class MyMeeting:
    meeting: Meeting
    other: Registration
    slot: MeetingSlot
    table: MeetingTable
    side: str  # "from" or "to"
    others: tuple[Registration, ...] = ()
    mine: tuple[Registration, ...] = ()  # the person's own side, themselves first

    @property
    def happened(self) -> bool | None:
        return getattr(self.meeting, f"happened_{self.side}")

    @property
    def rating(self) -> int | None:
        return getattr(self.meeting, f"rating_{self.side}")

    @property
    def origin(self) -> str:
        return self.meeting.request.origin

    @property
    def online(self) -> bool:
        return self.table.online

    @property
    def link(self) -> str:
        """The video room, for this meeting's participants only (who alone get a MyMeeting)."""
        return self.meeting.video_link if self.table.online else ""


def meetings_of(event: Event, registration: Registration) -> list[MyMeeting]:
    """The person's published meetings, in time order: one query for the person's own
    (every agenda page, PDF, feed and API call asks, so not the whole event's meetings)."""
    rows = db.session.execute(
        select(Meeting, MeetingSlot, MeetingTable)
        .join(MeetingRequest, Meeting.request_id == MeetingRequest.id)
        .join(MeetingSlot, Meeting.published_slot_id == MeetingSlot.id)
        .join(MeetingTable, Meeting.published_table_id == MeetingTable.id)
        .where(
            Meeting.event_id == event.id,
            Meeting.published.is_(True),
            MeetingRequest.status == ACCEPTED,  # withdrawn since: the next publish drops it
            attends(registration.id),
        )
        .order_by(MeetingSlot.starts_at, MeetingTable.number)
    )
    out = []
    for meeting, slot, table in rows:
        req = meeting.request
        side = req.side_of(registration.id) or "from"
        others = req.others(registration.id)
        own = [p for p in req.people if req.side_of(p.id) == side and p.id != registration.id]
        out.append(
            MyMeeting(meeting, others[0], slot, table, side, tuple(others), (registration, *own))
        )
    return out


def my_meeting(event: Event, registration: Registration, meeting_id: int) -> MyMeeting:
    for item in meetings_of(event, registration):
        if item.meeting.id == meeting_id:
            return item
    raise NetworkingError({"meeting": _("No such meeting.")}, 404)


def cancel_meeting(
    event: Event, registration: Registration, meeting_id: int, reason: Any
) -> MeetingRequest:
    """Someone drops a published meeting from their agenda: it leaves every agenda at once and
    the others are told (once each). An organisers' proposal is declined (and never proposed
    again); a meeting people asked for, or were booked into, is cancelled, with a reason."""
    item = my_meeting(event, registration, meeting_id)
    req = item.meeting.request
    if item.slot.starts_at <= utcnow():
        raise NetworkingError({"meeting": _("It has begun; say whether it happened instead.")}, 409)
    if reason is None:
        reason = ""
    if not isinstance(reason, str):
        raise NetworkingError({"reason": _("Give text.")})
    if has_control(reason):
        raise NetworkingError({"reason": _("Remove the control characters.")})
    reason = reason.strip()
    if len(reason) > MESSAGE_LIMIT:
        raise NetworkingError({"reason": _("At most %(n)d characters.", n=MESSAGE_LIMIT)})
    if not reason and not req.auto:
        raise NetworkingError({"reason": _("Say why, for the others.")})
    kind = "proposal_declined" if req.auto else "meeting_cancelled"
    for person in req.people:
        if person.id == registration.id:
            continue
        with _person_locale(person):
            label = slot_label(event, item.slot)
        notify(
            person,
            kind,
            key=f"networking.{kind}:{req.id}:{person.id}",
            name=registration.name,
            time=label,
            reason=reason,
        )
    withdraw(req, DECLINED if req.auto else CANCELLED)
    req.reason = reason
    commit()
    return req


def record_feedback(
    event: Event, registration: Registration, meeting_id: int, happened: Any, rating: Any
) -> Meeting:
    """After the session: did the meeting happen, and how good was it (1-5)."""
    item = my_meeting(event, registration, meeting_id)
    if item.slot.starts_at > utcnow():
        raise NetworkingError({"happened": _("You can say this once the meeting has begun.")}, 409)
    if not isinstance(happened, bool):
        raise NetworkingError({"happened": _("Say yes or no.")})
    if rating is not None and (
        not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5
    ):
        raise NetworkingError({"rating": _("Give a rating from 1 to 5.")})
    setattr(item.meeting, f"happened_{item.side}", happened)
    setattr(item.meeting, f"rating_{item.side}", rating if happened else None)
    commit()
    return item.meeting


# --------------------------------------------------------------------------- organiser views


def grid(event: Event) -> tuple[list[MeetingSlot], list[MeetingTable], dict]:
    """Slots down, tables across; cells hold the draft schedule's meetings."""
    cells: dict[tuple[int, int], Meeting] = {}
    for meeting in meetings_in(event):
        if meeting.slot_id is not None and meeting.table_id is not None:
            cells[(meeting.slot_id, meeting.table_id)] = meeting
    return slots_of(event), tables_of(event), cells


def _reasons(
    event: Event, waiting: list[MeetingRequest], meetings: list[Meeting], cap: int
) -> list[tuple[MeetingRequest, str]]:
    """Why each accepted request has no place: the first rule that stands in its way (the
    meeting cap, then no slot both people have free, else no table was left)."""
    if not waiting:
        return []
    profiles = _profiles(event)
    slots = {s.id for s in slots_of(event)}
    load: Counter[int] = Counter()
    busy: dict[int, set[int]] = defaultdict(set)
    for meeting in meetings:
        if meeting.slot_id is not None:
            for person in meeting.request.person_ids:
                load[person] += 1
                busy[person].add(meeting.slot_id)
    out = []
    for req in waiting:
        people = req.person_ids
        if any(load[p] >= cap for p in people):
            out.append((req, "cap"))
            continue
        free = set(slots)
        for person in people:
            profile = profiles.get(person)
            free -= set(profile.unavailable_slots or []) if profile else set()
            free -= busy[person]
        out.append((req, "no_common_slot" if not free else "no_table"))
    return out


def reason_label(code: str) -> str:
    return {
        "no_common_slot": _("no common free slot"),
        "cap": _("cap reached"),
        "no_table": _("no table"),
    }[code]


def dashboard(event: Event) -> dict[str, Any]:
    """Counts for the organiser: requests by status, meetings, unscheduled with the reason,
    meetings per delegation member, and the feedback after the session."""
    rows = db.session.scalars(
        select(MeetingRequest).where(
            MeetingRequest.event_id == event.id, MeetingRequest.auto.is_(False)
        )
    ).all()
    booked = sorted((r for r in rows if r.booking is not None), key=lambda r: -r.id)
    rows = [r for r in rows if r.booking is None]  # requests people sent; bookings apart
    by_status = Counter(r.status for r in rows)
    meetings = meetings_in(event)
    scheduled = [m for m in meetings if m.slot_id is not None]
    placed = {m.request_id for m in scheduled}
    cap = settings_for(event).max_meetings
    waiting = [r for r in _accepted(event) if r.id not in placed]
    unscheduled = _reasons(event, waiting, meetings, cap)
    load: Counter[int] = Counter()
    for m in scheduled:
        for person in m.request.person_ids:
            load[person] += 1
    delegations = []
    for delegation in db.session.scalars(
        select(Delegation).where(Delegation.event_id == event.id).order_by(Delegation.name)
    ):
        delegations.append((delegation, [(m, load[m.registration_id]) for m in delegation.members]))
    answers = [(m.happened_from, m.rating_from) for m in meetings if m.published] + [
        (m.happened_to, m.rating_to) for m in meetings if m.published
    ]
    ratings = [r for h, r in answers if h and r]
    return {
        "requests": {s: by_status.get(s, 0) for s in REQUEST_STATUSES},
        "sent": len(rows),
        "scheduled": len(scheduled),
        "published": sum(1 for m in meetings if m.published),
        "unscheduled": unscheduled,
        "delegations": delegations,
        "happened": sum(1 for h, _r in answers if h),
        "not_happened": sum(1 for h, _r in answers if h is False),
        "average_rating": round(sum(ratings) / len(ratings), 1) if ratings else None,
        "booked": booked,
        "settings": settings_for(event),
    }
