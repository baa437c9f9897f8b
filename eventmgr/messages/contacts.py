"""Speakers and moderators as contacts: linked to a registration with the same proven address
(made, with the role speaker or moderator, when there is none), and told their items when the
programme is published; after a later publication only those whose items changed, and what.

Mail goes to the linked registration's address, and only when it is proven: the organiser
typed the person's address, and nobody is mailed beyond their own confirmation before they
opened a link sent there. `SpeakerBrief` keeps what each person was last told.
"""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from eventmgr.events.models import Event
from eventmgr.mail.models import OutboxMessage
from eventmgr.mail.services import queue_mail
from eventmgr.messages.models import SpeakerBrief
from eventmgr.messages.texts import item_lines
from eventmgr.platform.db import begin_write, commit, db, utcnow
from eventmgr.programme.models import Delivery, Person, ProgrammeItem, ProgrammeVersion
from eventmgr.programme.services import items_of
from eventmgr.registration import services as registrations
from eventmgr.registration.models import CANCELLED, DIGITAL, ON_SITE, Registration

BRIEF_RULE = "programme.speaker_items"
REMINDER_RULE = "reminder.speaker"
SPEAKING = ("speaker", "moderator")


def facts_of(event: Event, items: list[ProgrammeItem]) -> dict[int, dict[str, dict[str, Any]]]:
    """{person id: {item id: what they are told of it}}, in plain values to compare."""
    by_id = {i.id: i for i in items}
    out: dict[int, dict[str, dict[str, Any]]] = {}
    for item in items:
        for role, group in (("speaker", item.speakers), ("moderator", item.moderators)):
            for person in group:
                others = [p.name for p in [*item.speakers, *item.moderators] if p.id != person.id]
                parent = by_id.get(item.parent_id) if item.parent_id else None
                facts = {
                    "title": item.title,
                    "starts_at": item.starts_at.isoformat(),
                    "ends_at": item.ends_at.isoformat(),
                    "room": item.room.name if item.room else None,
                    "delivery": item.delivery,
                    "session": parent.title if parent else None,
                    "role": role,
                    "with": sorted(others),
                    "cancelled": item.cancelled,
                }
                if item.delivery == Delivery.DIGITAL.value or item.connection_url:
                    facts["tech_check"] = (
                        item.tech_check_at.isoformat() if item.tech_check_at else None
                    )
                    facts["connection"] = item.connection_url
                out.setdefault(person.id, {})[str(item.id)] = facts
    return out


def link(event: Event, person: Person, items: dict[str, dict]) -> Registration | None:
    """The person's registration: the one with their address (when proven), or a new one with
    the role speaker or moderator; the role of an attendee becomes theirs, so the badge
    follows. None when they have no address, or it belongs to an unproven registration."""
    if not person.email:
        return None
    role = "speaker" if any(f["role"] == "speaker" for f in items.values()) else "moderator"
    found = registrations.existing(event.id, person.email)
    if found is None:
        digital = items and all(f["delivery"] == Delivery.DIGITAL.value for f in items.values())
        data = {
            "name": person.name,
            "email": person.email,
            "organisation": person.affiliation or "",
            "mode": DIGITAL if digital else ON_SITE,
            "role": role,
            "language": person.language or "en",
            "category": event.category_keys[0] if event.category_keys else None,
        }
        try:
            found = registrations.register(
                event, data, actor="programme (speaker)", public=False, when_full="digital"
            ).registration
        except registrations.RegistrationError:
            return None
    if not found.is_proven or found.anonymised_at is not None:
        return None
    if found.role == "attendee":
        found.role = role
    person.registration_id = found.id
    return found


def _diff(before: dict[str, dict], now: dict[str, dict]) -> list[tuple[str, dict]]:
    """(kind, facts) of what changed: new, changed, removed."""
    changes = []
    for item_id, facts in now.items():
        if item_id not in before:
            changes.append(("new", facts))
        elif before[item_id] != facts:
            changes.append(("changed", facts))
    for item_id, facts in before.items():
        if item_id not in now:
            changes.append(("removed", facts))
    return changes


def _body(event: Event, person: Person, now: dict[str, dict], changes: list | None) -> str:
    lines = [_("Dear %(name)s,", name=person.name), ""]
    if changes is None:
        lines.append(_("The programme of %(event)s is published. Your part:", event=event.name))
    else:
        lines.append(_("The programme of %(event)s has changed for you:", event=event.name))
        for kind, facts in changes:
            label = {"new": _("New"), "changed": _("Changed"), "removed": _("No longer yours")}
            lines.append("")
            lines.append(f"{label[kind]}:")
            lines.extend(item_lines(event, facts))
        lines += ["", _("All your items now:")]
    for facts in sorted(now.values(), key=lambda f: f["starts_at"]):
        lines.append("")
        lines.extend(item_lines(event, facts))
    if not now:
        lines.append(_("You have no items in the programme now."))
    return "\n".join(lines) + "\n"


def brief_all(event: Event, version: ProgrammeVersion) -> int:
    """At a publication: tell each linked speaker and moderator whose items are new to them or
    changed; returns how many were told."""
    begin_write(db.session)
    facts = facts_of(event, items_of(event))
    briefs = {
        b.person_id: b
        for b in db.session.scalars(
            select(SpeakerBrief).join(Person).where(Person.event_id == event.id)
        )
    }
    people = db.session.scalars(select(Person).where(Person.event_id == event.id)).all()
    linked: list[tuple[Person, Registration]] = []
    for person in people:  # first link (a registration made commits on its own)
        if facts.get(person.id) or person.id in briefs:
            registration = link(event, person, facts.get(person.id, {}))
            if registration is not None and registration.status != CANCELLED:
                linked.append((person, registration))
    commit()
    begin_write(db.session)
    told = 0
    for person, registration in linked:
        now = facts.get(person.id, {})
        brief = db.session.get(SpeakerBrief, person.id)
        if brief is not None and brief.items == now:
            continue
        changes = None if brief is None else _diff(brief.items, now)
        with force_locale(person.language or registration.language or "en"):
            subject = (
                _("Your part in %(event)s", event=event.name)
                if changes is None
                else _("Your part in %(event)s has changed", event=event.name)
            )
            body = _body(event, person, now, changes)
        queue_mail(
            registration.email,
            subject,
            body,
            rule=BRIEF_RULE,
            key=f"speaker:{version.id}:{person.id}",
        )
        if brief is None:
            brief = SpeakerBrief(person_id=person.id)
            db.session.add(brief)
        brief.items, brief.told_at = now, utcnow()
        told += 1
    commit()
    return told


def remind_speakers(event: Event) -> int:
    """The day before: each linked speaker and moderator gets their slots (once)."""
    begin_write(db.session)
    facts = facts_of(event, items_of(event))
    told = 0
    for person in db.session.scalars(select(Person).where(Person.event_id == event.id)):
        now = {k: f for k, f in facts.get(person.id, {}).items() if not f["cancelled"]}
        if not now or person.registration_id is None:
            continue
        registration = db.session.get(Registration, person.registration_id)
        if registration is None or not registration.is_proven or registration.status == CANCELLED:
            continue
        key = f"reminder:speaker:{person.id}"
        if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)):
            continue
        with force_locale(person.language or "en"):
            subject = _("Tomorrow at %(event)s: your slot", event=event.name)
            lines = [_("Dear %(name)s,", name=person.name), "", _("A reminder of your part:")]
            for item in sorted(now.values(), key=lambda f: f["starts_at"]):
                lines.append("")
                lines.extend(item_lines(event, item))
        queue_mail(
            registration.email, subject, "\n".join(lines) + "\n", rule=REMINDER_RULE, key=key
        )
        told += 1
    commit()
    return told


def told_of(event: Event) -> dict[int, list[tuple]]:
    """{person id: [(when, subject, status)]}: who was told what and when, from the outbox
    rows of the rules that tell speakers (the key ends with the person's id)."""
    ids = set(db.session.scalars(select(Person.id).where(Person.event_id == event.id)))
    rows = db.session.execute(
        select(
            OutboxMessage.key,
            OutboxMessage.created_at,
            OutboxMessage.sent_at,
            OutboxMessage.subject,
            OutboxMessage.status,
        )
        .where(OutboxMessage.rule.in_((BRIEF_RULE, REMINDER_RULE)))
        .order_by(OutboxMessage.id)
    )
    out: dict[int, list[tuple]] = {}
    for key, created, sent_at, subject, status in rows:
        person_id = int((key or "0").rsplit(":", 1)[-1])
        if person_id in ids:
            out.setdefault(person_id, []).append((sent_at or created, subject, status))
    return out
