"""Who a message goes to: the organiser's filters, checked, as one SQL query.

Filters (all optional, all must hold): `mode`, `status`, `category`, `role` as lists;
`checked_in`, `networking`, `speakers` as booleans; `delegation`, `starred_item` as ids;
`answers` as {question key: value}. `{}` is every registration that is not cancelled. Only
people whose address is proven are ever mailed, and news only those who asked for it.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, exists, func, select

from eventmgr.calendar.models import Agenda, StarredItem
from eventmgr.checkin.models import Checkin
from eventmgr.events.models import Event
from eventmgr.networking.models import Delegation, DelegationMember
from eventmgr.platform.db import db
from eventmgr.platform.errors import RuleError
from eventmgr.programme.models import Person
from eventmgr.registration.models import (
    CANCELLED,
    MODES,
    ROLE_MARKERS,
    STATUSES,
    Registration,
    RegistrationAnswer,
)

LISTS = ("mode", "status", "category", "role")
FLAGS = ("checked_in", "networking", "speakers")
IDS = ("delegation", "starred_item")
FILTERS = (*LISTS, *FLAGS, *IDS, "answers")
SPEAKING_ROLES = ("speaker", "moderator")


class MessageError(RuleError):
    """A message or its audience that cannot be sent as given; `fields` names what."""


def _allowed(event: Event, name: str) -> tuple[str, ...]:
    return {
        "mode": MODES,
        "status": STATUSES,
        "category": event.category_keys,
        "role": ROLE_MARKERS,
    }[name]


def check(event: Event, audience: Any) -> dict[str, Any]:
    """The audience as stored: known filters with valid values; else a MessageError naming
    each wrong one as `audience.<filter>`."""
    if audience is None:
        audience = {}
    if not isinstance(audience, dict):
        raise MessageError({"audience": _("Give the audience as an object of filters.")})
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for name, value in audience.items():
        field = f"audience.{name}"
        if name not in FILTERS:
            errors[field] = _("Unknown filter; use %(names)s.", names=", ".join(FILTERS))
        elif value is None:
            continue
        elif name in LISTS:
            allowed = _allowed(event, name)
            if not isinstance(value, list) or not value:
                errors[field] = _("Give a list of values.")
            elif bad := [v for v in value if v not in allowed]:
                errors[field] = _(
                    "%(bad)s: choose from %(allowed)s.",
                    bad=", ".join(map(str, bad)),
                    allowed=", ".join(allowed),
                )
            else:
                out[name] = list(dict.fromkeys(value))
        elif name in FLAGS:
            if not isinstance(value, bool):
                errors[field] = _("Give true or false.")
            else:
                out[name] = value
        elif name in IDS:
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                errors[field] = _("Give the id as a whole number.")
            elif name == "delegation" and not _delegation_of(event, value):
                errors[field] = _("No delegation %(id)d at this event.", id=value)
            else:
                out[name] = value
        else:
            answers = _answers(event, value, errors)
            if answers:
                out[name] = answers
    if errors:
        raise MessageError(errors)
    return out


def _delegation_of(event: Event, delegation_id: int) -> bool:
    found = db.session.scalar(
        select(Delegation.id).where(Delegation.id == delegation_id, Delegation.event_id == event.id)
    )
    return found is not None


def _answers(event: Event, value: Any, errors: dict[str, str]) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        errors["audience.answers"] = _("Give the answers as {question key: value}.")
        return {}
    out = {}
    for key, wanted in value.items():
        field = f"audience.answers.{key}"
        question = event.question(key)
        if question is None:
            errors[field] = _("The event asks no question %(key)s.", key=key)
            continue
        if isinstance(wanted, bool) and question["kind"] == "checkbox":
            wanted = "yes" if wanted else "no"
        if not isinstance(wanted, str) or not wanted.strip():
            errors[field] = _("Give the answer as text.")
        elif question["kind"] in ("choice", "multiple"):
            keys = [c["key"] for c in question.get("choices") or ()]
            if wanted not in keys:
                errors[field] = _("Choose from %(allowed)s.", allowed=", ".join(keys))
            else:
                out[key] = wanted
        elif question["kind"] == "checkbox" and wanted not in ("yes", "no"):
            errors[field] = _("A checkbox is yes or no.")
        else:
            out[key] = wanted
    return out


def _answered(event: Event, key: str, value: str):
    condition = select(RegistrationAnswer.id).where(
        RegistrationAnswer.registration_id == Registration.id, RegistrationAnswer.question == key
    )
    question = event.question(key)
    if question is not None and question.get("kind") == "text":
        condition = condition.where(
            func.lower(RegistrationAnswer.value).like(f"%{value.strip().lower()}%")
        )
    else:
        condition = condition.where(RegistrationAnswer.value == value)
    return condition.exists()


def matching(event: Event, audience: dict[str, Any], *columns) -> Select:
    """The registrations in the (checked) audience, not yet narrowed to who may be mailed."""
    query = select(*(columns or (Registration,))).where(
        Registration.event_id == event.id, Registration.anonymised_at.is_(None)
    )
    if "status" in audience:
        query = query.where(Registration.status.in_(audience["status"]))
    else:
        query = query.where(Registration.status != CANCELLED)
    for name in ("mode", "category", "role"):
        if name in audience:
            query = query.where(getattr(Registration, name).in_(audience[name]))
    if "checked_in" in audience:
        arrived = exists().where(Checkin.registration_id == Registration.id)
        query = query.where(arrived if audience["checked_in"] else ~arrived)
    if "networking" in audience:
        query = query.where(Registration.networking_opt_in.is_(audience["networking"]))
    if "speakers" in audience:
        linked = exists().where(Person.registration_id == Registration.id)
        speaking = Registration.role.in_(SPEAKING_ROLES) | linked
        query = query.where(speaking if audience["speakers"] else ~speaking)
    if "delegation" in audience:
        query = query.where(
            exists().where(
                DelegationMember.registration_id == Registration.id,
                DelegationMember.delegation_id == audience["delegation"],
            )
        )
    if "starred_item" in audience:
        query = query.where(
            exists().where(
                Agenda.registration_id == Registration.id,
                StarredItem.agenda_id == Agenda.id,
                StarredItem.item_id == audience["starred_item"],
            )
        )
    for key, value in (audience.get("answers") or {}).items():
        query = query.where(_answered(event, key, value))
    return query


def recipients(event: Event, audience: dict[str, Any], news: bool, *columns) -> Select:
    """Who gets the message: in the audience, with a proven address, and for news only those
    who opted in."""
    query = matching(event, audience, *columns).where(Registration.email_proven_at.is_not(None))
    if news:
        query = query.where(Registration.news_opt_in.is_(True))
    return query


def count(event: Event, audience: dict[str, Any], news: bool) -> int:
    query = recipients(event, audience, news, Registration.id)
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
