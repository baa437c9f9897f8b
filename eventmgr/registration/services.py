"""Registration rules shared by the pages, the API, CSV import and the CLI.

Capacity is decided inside one database transaction that holds the event's lock: a row lock
(SELECT ... FOR UPDATE) on PostgreSQL, the database write lock (BEGIN IMMEDIATE) on SQLite.
Counting and booking therefore never interleave, across threads or processes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached

from eventmgr import audit
from eventmgr.events.models import NOT_YET_OPEN, OPEN, Event
from eventmgr.jobs.services import redact_finished, schedule, schedule_new
from eventmgr.mail.models import OutboxMessage
from eventmgr.mail.services import forget_recipients, queued
from eventmgr.platform import signals
from eventmgr.platform.db import begin_write, commit, commit_keeping_state, db, rollback, utcnow
from eventmgr.platform.errors import RuleError
from eventmgr.platform.i18n import local_date, local_time
from eventmgr.platform.redact import Redactor
from eventmgr.platform.tokens import hash_secret
from eventmgr.registration.links import new_badge_code, new_token
from eventmgr.registration.mails import address_mail, mail, render_mail
from eventmgr.registration.models import (
    CANCELLED,
    CONFIRMED,
    DIGITAL,
    LANGUAGES,
    MODES,
    NO,
    ON_SITE,
    ROLE_MARKERS,
    WAITLISTED,
    YES,
    Registration,
    RegistrationAnswer,
    RegistrationHistory,
    RevokedBadgeCode,
)

# Control characters other than tab and line breaks: never typed, and PostgreSQL refuses NUL.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LIMITS = {"name": 200, "email": 254, "organisation": 200, "job_title": 200, "dietary_needs": 500}
DETAILS = (
    "name",
    "email",
    "organisation",
    "job_title",
    "category",
    "dietary_needs",
    "language",
    "networking_opt_in",
    "news_opt_in",
    "change_notices",
    "role",
    "answers",
)
TEXT_ANSWER_LIMIT = 500
ERASED_NAME = "[erased]"  # stored, so the same in every language
SYSTEM = "system"
ATTENDEE = "attendee (manage link)"


class RegistrationError(RuleError):
    """Input or an action that breaks a rule; `fields` names each wrong field."""


class AlreadyRegistered(Exception):
    """The address is registered for the event already; its manage link has been emailed."""

    def __init__(self, registration: Registration):
        super().__init__(registration.email)
        self.registration = registration


@dataclass
class Outcome:
    """A registration after an action, its fresh token (if one was issued) and the mail sent."""

    registration: Registration
    token: str | None = None
    mails: list[OutboxMessage] = field(default_factory=list)


# --------------------------------------------------------------------------- tokens and codes


# --------------------------------------------------------------------------- validation


def _text(value: Any, name: str, errors: dict[str, str], required: bool = False) -> str:
    text = "" if value is None else value
    if not isinstance(text, str):
        errors[name] = _("Give text.")
        return ""
    if CONTROL.search(text):
        errors[name] = _("Remove the control characters.")
        return ""
    text = " ".join(text.split()) if name != "dietary_needs" else text.strip()
    if required and not text:
        errors[name] = _("This field is required.")
    elif len(text) > LIMITS[name]:
        errors[name] = _("At most %(n)d characters.", n=LIMITS[name])
    return text


def _email(value: Any, errors: dict[str, str]) -> str:
    text = _text(value, "email", errors, required=True)
    if "email" in errors:
        return text
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        errors["email"] = _("Give a valid email address, such as name@example.org.")
        return text


def _choice(value: Any, name: str, choices: tuple[str, ...], errors: dict[str, str]) -> str:
    if value not in choices:
        errors[name] = _("Choose one of: %(choices)s.", choices=", ".join(choices))
    return value


def _category(
    value: Any, categories: tuple[str, ...], errors: dict[str, str], required: bool
) -> str:
    """One of the event's categories; none when the event has none, or when an organiser
    adds someone without one (`required` is for the public form)."""
    if value in (None, "") and (not required or not categories):
        return ""
    if not categories:
        errors["category"] = _("This event has no attendee categories.")
        return ""
    return _choice(value, "category", categories, errors)


def _answer(question: dict[str, Any], value: Any) -> str | list[str] | bool:
    """One answer, as stored: text, a choice's key ("" for none), a list of keys, or a bool.
    ValueError says what is wrong with it."""
    kind = question.get("kind")
    keys = [c["key"] for c in question.get("choices") or ()]
    if kind == "checkbox":
        if not isinstance(value, bool):
            raise ValueError(_("Answer true or false."))
        return value
    if kind == "multiple":
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(_("Give a list of choices."))
        if unknown := [v for v in value if v not in keys]:
            raise ValueError(
                _(
                    "%(given)s is not a choice: choose from %(choices)s.",
                    given=unknown[0],
                    choices=", ".join(keys),
                )
            )
        return [k for k in keys if k in value]
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(_("Give text."))
    if CONTROL.search(value):
        raise ValueError(_("Remove the control characters."))
    value = value.strip()
    if kind == "choice":
        if value and value not in keys:
            raise ValueError(_("Choose one of: %(choices)s.", choices=", ".join(keys)))
        return value
    if len(value) > TEXT_ANSWER_LIMIT:
        raise ValueError(_("At most %(n)d characters.", n=TEXT_ANSWER_LIMIT))
    return value


def _answers(
    value: Any,
    questions: list[dict[str, Any]],
    errors: dict[str, str],
    *,
    required: bool,
    partial: bool,
) -> dict[str, Any]:
    """The answers to the event's questions, each wrong one named `answers.<key>`. `required`:
    a required question must be answered (a required checkbox ticked); in a `partial` change
    only for the questions given."""
    if value is None:
        value = {}
    if not isinstance(value, dict):
        errors["answers"] = _("Give the answers as {question key: answer}.")
        return {}
    known = {q["key"]: q for q in questions}
    for key in value:
        if key not in known:
            errors[f"answers.{str(key)[:40]}"] = _("This event asks no such question.")
    out: dict[str, Any] = {}
    for key, question in known.items():
        name = f"answers.{key}"
        must = required and question.get("required")
        if key not in value:
            if must and not partial:
                errors[name] = _("This question needs an answer.")
            continue
        try:
            answer = _answer(question, value[key])
        except ValueError as exc:
            errors[name] = str(exc)
            continue
        if must and answer in ("", [], False):
            errors[name] = _("This question needs an answer.")
        else:
            out[key] = answer
    return out


def answer_rows(key: str, answer: str | list[str] | bool) -> list[str]:
    """The stored values of one answer: a row per choice, yes/no for a checkbox, none when
    there is no answer."""
    if isinstance(answer, bool):
        return [YES if answer else NO]
    if isinstance(answer, list):
        return list(answer)
    return [answer] if answer else []


def clean(
    data: dict[str, Any],
    *,
    categories: tuple[str, ...],
    public: bool,
    partial: bool = False,
    questions: list[dict[str, Any]] | None = None,
    answers_required: bool | None = None,
) -> dict:
    """Check registration data against the event's `categories` and `questions`; every wrong
    field is named (an answer as `answers.<key>`), nothing is half-accepted. `public`: the
    person registers themselves, so consent, (when the event has categories) a category and
    the required answers are required; `answers_required` says so for an edit."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}

    def given(name: str) -> bool:
        return not partial or name in data

    if given("name"):
        out["name"] = _text(data.get("name"), "name", errors, required=True)
    if given("email"):
        out["email"] = _email(data.get("email"), errors)
    for name in ("organisation", "job_title", "dietary_needs"):
        if given(name):
            out[name] = _text(data.get(name), name, errors)
    if given("category"):
        out["category"] = _category(data.get("category"), categories, errors, public)
    if not partial or "mode" in data:
        out["mode"] = _choice(data.get("mode"), "mode", MODES, errors)
    if given("language"):
        out["language"] = _choice(data.get("language") or "en", "language", LANGUAGES, errors)
    if given("role"):
        out["role"] = _choice(data.get("role") or "attendee", "role", ROLE_MARKERS, errors)
    for flag in ("networking_opt_in", "news_opt_in", "change_notices"):
        if flag in data:
            out[flag] = data[flag] is True
    if questions or "answers" in data:
        required = public if answers_required is None else answers_required
        given = _answers(
            data.get("answers"), questions or [], errors, required=required, partial=partial
        )
        if given or "answers" in data:
            out["answers"] = given
    if public and data.get("consent") is not True:
        errors["consent"] = _("You must accept the privacy notice to register.")
    if out.get("mode") == DIGITAL:
        out["dietary_needs"] = ""
    if errors:
        raise RegistrationError(errors)
    return out


# --------------------------------------------------------------------------- capacity


def lock_event(event_id: int) -> Event:
    """The event, locked until commit (FOR UPDATE on PostgreSQL; on SQLite the transaction
    already holds the write lock from begin_write)."""
    return db.session.scalars(
        select(Event)
        .where(Event.id == event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def confirmed_count(event_id: int, mode: str) -> int:
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == event_id,
            Registration.status == CONFIRMED,
            Registration.mode == mode,
        )
    )


def capacity(event: Event, mode: str) -> int | None:
    return event.onsite_capacity if mode == ON_SITE else event.digital_capacity


def free_places(event: Event, mode: str) -> int | None:
    """None means unlimited."""
    limit = capacity(event, mode)
    if limit is None:
        return None
    return max(0, limit - confirmed_count(event.id, mode))


def has_room(event: Event, mode: str) -> bool:
    free = free_places(event, mode)
    return free is None or free > 0


def counts(event_id: int) -> dict[tuple[str, str], int]:
    """(mode, status) -> number of registrations; one grouped query."""
    rows = db.session.execute(
        select(Registration.mode, Registration.status, func.count(Registration.id))
        .where(Registration.event_id == event_id)
        .group_by(Registration.mode, Registration.status)
    )
    return {(mode, status): n for mode, status, n in rows}


# The sign-up path runs these prepared Core statements on the session's connection: building an
# ORM query costs more than running it, and a registration surge runs them thousands of times.
_EVENTS = Event.__table__
_REGISTRATIONS = Registration.__table__
_LOCKED_CAPACITY = (
    select(_EVENTS.c.onsite_capacity, _EVENTS.c.digital_capacity)
    .where(_EVENTS.c.id == bindparam("event_id"))
    .with_for_update()
)
_CONFIRMED = (
    select(func.count())
    .select_from(_REGISTRATIONS)
    .where(
        _REGISTRATIONS.c.event_id == bindparam("event_id"),
        _REGISTRATIONS.c.status == CONFIRMED,
        _REGISTRATIONS.c.mode == bindparam("mode"),
    )
)
_INSERT_REGISTRATION = insert(_REGISTRATIONS)
_INSERT_HISTORY = insert(RegistrationHistory.__table__)
_INSERT_ANSWER = insert(RegistrationAnswer.__table__)
_INSERT_MAIL = insert(OutboxMessage.__table__)


def _booking_connection():
    """The connection of a transaction that counts and then books. SQLite cannot upgrade the
    request's read transaction, so it ends and BEGIN IMMEDIATE takes the write lock; on
    PostgreSQL the current transaction goes on and FOR UPDATE takes the event's row lock."""
    if db.session.get_bind().dialect.name == "sqlite":
        begin_write(db.session)
    return db.session.connection()


def _status_for(conn, event_id: int, mode: str, when_full: str) -> tuple[str, str]:
    """(mode, status) for a newcomer; the caller's transaction holds the event lock."""
    onsite, digital = conn.execute(_LOCKED_CAPACITY, {"event_id": event_id}).one()

    def room(mode: str) -> bool:
        limit = onsite if mode == ON_SITE else digital
        if limit is None:
            return True
        return conn.execute(_CONFIRMED, {"event_id": event_id, "mode": mode}).scalar() < limit

    if room(mode):
        return mode, CONFIRMED
    if mode == ON_SITE and when_full == "digital":
        return DIGITAL, CONFIRMED if room(DIGITAL) else WAITLISTED
    return mode, WAITLISTED


def _reload(registration: Registration) -> Registration:
    return db.session.scalars(
        select(Registration)
        .where(Registration.id == registration.id)
        .execution_options(populate_existing=True)
    ).one()


def _record(registration: Registration, actor: str, action: str, changes: dict) -> None:
    """The registration's own history; an organiser's change also goes to the audit log."""
    db.session.add(
        RegistrationHistory(
            registration=registration, actor=actor[:300], action=action, changes=changes
        )
    )
    if actor.startswith("organiser"):
        if registration.id is None:
            db.session.flush()
        audit.record(
            f"registration.{action}",
            event=registration.event_id,
            target=("Registration", registration.id),
            details=changes,
        )


def promote_waiting(event: Event, mode: str, actor: str = SYSTEM) -> list[OutboxMessage]:
    """Confirm waiting people, first come first served, while there is room. The caller holds
    the event lock, and only waitlisted rows are taken, so nobody is promoted twice."""
    messages: list[OutboxMessage] = []
    free = free_places(event, mode)
    while free is None or free > 0:
        nxt = db.session.scalar(
            select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.mode == mode,
                Registration.status == WAITLISTED,
                *_not_overdue(event, mode),
            )
            .order_by(Registration.queued_at, Registration.id)
            .limit(1)
        )
        if nxt is None:
            break
        nxt.status = CONFIRMED
        _record(nxt, actor, "promoted", {"status": [WAITLISTED, CONFIRMED]})
        messages.append(mail(nxt, "promoted"))
        db.session.flush()
        if free is not None:
            free -= 1
    return messages


def _not_overdue(event: Event, mode: str) -> list:
    """Who may get an on-site place: not someone whose address was due to be proven and
    is not (their place went back to the waiting list; proving it puts them in line again)."""
    if mode != ON_SITE or not event.proof_hours:
        return []
    due = utcnow() - timedelta(hours=event.proof_hours)
    return [Registration.email_proven_at.is_not(None) | (Registration.created_at > due)]


def fill_freed_places(event: Event, actor: str = SYSTEM) -> list[OutboxMessage]:
    """Promote in both modes, holding the event's lock (after a capacity change)."""
    begin_write(db.session)
    event = lock_event(event.id)
    messages = promote_waiting(event, ON_SITE, actor) + promote_waiting(event, DIGITAL, actor)
    commit()
    return messages


# --------------------------------------------------------------------------- mail


def _rotate(registration: Registration) -> str:
    """Issue a new manage token (only its hash is kept, so a link can only be re-sent new)."""
    token = new_token()
    registration.token_hash = hash_secret(token)
    return token


# --------------------------------------------------------------------------- actions


def open_for_registration(event: Event) -> bool:
    """Whether the event takes registrations at all: a published one (its window says when;
    the organiser may add people at any time)."""
    return event.published


def window_message(event: Event, state: str | None = None) -> str | None:
    """What the form says outside the registration window (None inside it)."""
    state = state or event.registration_state()
    if state == OPEN:
        return None
    if state == NOT_YET_OPEN:
        return _("Registration opens %(when)s.", when=readable(event, event.registration_opens_at))
    return _("Registration closed %(when)s.", when=readable(event, event.registration_closes))


def readable(event: Event, moment: datetime) -> str:
    """A moment as people at the event read it: "26 January 2023, 19:00 CET"."""
    day = local_date(moment, event.timezone, "long")
    zone = event.local(moment).tzname()
    return f"{day}, {local_time(moment, event.timezone, 'HH:mm')} {zone}"


def check_window(event: Event) -> None:
    """The public registers only inside the event's registration window (409 outside it)."""
    message = window_message(event)
    if message is not None:
        raise RegistrationError({"registration": message}, 409, code="registration_closed")


def waiting_position(registration: Registration) -> int | None:
    """The person's place in the queue of their mode (1: next to get a place); None when they
    are not waiting."""
    if registration.status != WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == registration.event_id,
            Registration.mode == registration.mode,
            Registration.status == WAITLISTED,
            (Registration.queued_at < registration.queued_at)
            | (
                (Registration.queued_at == registration.queued_at)
                & (Registration.id < registration.id)
            ),
        )
    )
    return ahead + 1


def registration_of(event: Event, registration_id: int) -> Registration | None:
    """A registration of this event (never another event's, whatever the id)."""
    return db.session.scalar(
        select(Registration).where(
            Registration.id == registration_id, Registration.event_id == event.id
        )
    )


def existing(event_id: int, email: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.event_id == event_id, Registration.email_key == email.lower()
        )
    )


def registered_email_keys(event_id: int) -> set[str]:
    """Every address registered for the event, in one query (a CSV import checks thousands)."""
    return set(
        db.session.scalars(select(Registration.email_key).where(Registration.event_id == event_id))
    )


def send_existing_link(registration: Registration) -> None:
    """Someone registered again: the address gets a new link, nobody else sees it. The old
    link keeps working until the new one is opened (whoever typed the address cannot end it)."""
    begin_write(db.session)
    registration = _reload(registration)
    mail(registration, "existing", token=_pending(registration))
    _record(registration, ATTENDEE, "link_resent", {})
    commit()


def _pending(registration: Registration, email: str | None = None) -> str:
    """A new link, waiting to be opened: then it replaces the manage link (and, with `email`,
    moves the registration to that address). A newer pending link replaces an older one."""
    token = new_token()
    registration.pending_token_hash = hash_secret(token)
    registration.pending_email = email
    return token


class AddressTaken(Exception):
    """A change link opened after someone else registered that address for the event: the
    registration keeps its former address (and link)."""


def open_pending(token: str) -> Registration | None:
    """The registration whose pending link this is, now with that link as its manage link and
    its address proven (the new address, for a change); None for an unknown link. Raises
    AddressTaken (the change dropped) when the new address was registered meanwhile."""
    if not token or len(token) > 100:
        return None
    begin_write(db.session)
    registration = db.session.scalar(
        select(Registration).where(
            Registration.pending_token_hash == hash_secret(token),
            Registration.anonymised_at.is_(None),
        )
    )
    if registration is None:
        rollback()
        return None
    changes: dict[str, Any] = {}
    new = registration.pending_email
    if new and new.lower() != registration.email_key:
        if existing(registration.event_id, new) is not None:
            registration.pending_email = registration.pending_token_hash = None
            commit()
            raise AddressTaken(new)
        changes["email"] = [registration.email, new]
        registration.email, registration.email_key = new, new.lower()
    registration.token_hash = registration.pending_token_hash
    registration.pending_email = registration.pending_token_hash = None
    _record(registration, ATTENDEE, "link_opened", changes)
    commit()
    return prove(registration)


def prove(registration: Registration) -> Registration:
    """Its manage link was opened: the address is the person's. Someone whose place went back
    to the waiting list for want of proof is in line again."""
    if registration.email_proven_at is not None:
        return registration
    begin_write(db.session)
    registration = _reload(registration)
    if registration.email_proven_at is None:
        registration.email_proven_at = utcnow()
        _record(registration, ATTENDEE, "address_proven", {})
        if registration.status == WAITLISTED:
            db.session.flush()
            promote_waiting(lock_event(registration.event_id), registration.mode)
    commit()
    return registration


def proof_due(registration_id: int) -> None:
    """The time to prove the address is up: an unproven confirmed on-site place goes back to
    the waiting list (the next in line gets it, as after a cancellation) and the person is
    told, with a new link. Idempotent: a proven, moved or cancelled registration is left."""
    begin_write(db.session)
    registration = db.session.get(Registration, registration_id, populate_existing=True)
    if registration is None or registration.is_proven or not registration.confirmed_on_site:
        rollback()
        return
    event = lock_event(registration.event_id)
    if not event.proof_hours:
        rollback()
        return
    due = registration.created_at + timedelta(hours=event.proof_hours)
    if utcnow() < due:  # the organiser gave more time
        schedule_proof(registration, event)
        commit()
        return
    registration.status = WAITLISTED
    registration.queued_at = utcnow()
    _record(registration, SYSTEM, "unproven", {"status": [CONFIRMED, WAITLISTED]})
    db.session.flush()
    promote_waiting(event, ON_SITE)
    mail(registration, "unproven", token=_pending(registration))
    commit()


PROOF_DUE = "registration.proof_due"


def schedule_proof(registration: Registration, event: Event) -> None:
    """Check the address's proof when its time is up (a job, in the caller's transaction)."""
    due = registration.created_at + timedelta(hours=event.proof_hours)
    schedule(
        PROOF_DUE,
        {"registration_id": registration.id},
        due,
        key=_proof_key(registration, due),
        event=event,
    )


def _proof_key(registration: Registration, due: datetime) -> str:
    return f"proof:{registration.id}:{due.isoformat()}"


def register(
    event: Event,
    data: dict[str, Any],
    *,
    actor: str = ATTENDEE,
    when_full: str = "waitlist",
    public: bool = True,
    vouched: bool = False,
) -> Outcome:
    """Register someone; confirmed when there is room, else waiting list (or a digital place
    when `when_full` is "digital"). Raises AlreadyRegistered after emailing the manage link.
    The public registers inside the event's registration window only, and their address is
    a claim until its mailed link is opened; an organiser's addition (or `vouched`: an
    organiser's API call) is proven by the organiser."""
    if public:
        check_window(event)
    values = clean(data, categories=event.category_keys, public=public, questions=event.questions)
    answers = values.pop("answers", {})
    if when_full not in ("waitlist", "digital"):
        raise RegistrationError(
            {"when_full": _("Choose one of: %(choices)s.", choices="waitlist, digital")}
        )
    if not public:
        values.setdefault("role", data.get("role") or "attendee")
    else:
        values["role"] = "attendee"
    event_id = event.id
    conn = _booking_connection()
    mode, status = _status_for(conn, event_id, values.pop("mode"), when_full)
    token = new_token()
    now = utcnow()
    row = {
        "event_id": event_id,
        "email_key": values["email"].lower(),
        "mode": mode,
        "status": status,
        "token_hash": hash_secret(token),
        "badge_code": new_badge_code(),
        "consent_at": now if data.get("consent") is True else None,
        "email_proven_at": now if (vouched or not public or not event.proof_hours) else None,
        "created_at": now,
        "updated_at": now,
        "queued_at": now,
        "cancelled_at": None,
        "anonymised_at": None,
        "organisation": "",
        "job_title": "",
        "dietary_needs": "",
        "language": "en",
        "networking_opt_in": False,
        "news_opt_in": False,
        "change_notices": True,
    } | values
    try:
        # The unique (event, address) constraint is the one check for a second registration.
        row["id"] = conn.execute(_INSERT_REGISTRATION, row).inserted_primary_key[0]
    except IntegrityError:
        rollback()  # the address is registered (perhaps a moment ago, elsewhere)
        found = existing(event_id, values["email"])
        if found is None:
            raise
        send_existing_link(found)
        raise AlreadyRegistered(found) from None
    stored = [
        {"registration_id": row["id"], "question": key, "value": value}
        for key, answer in answers.items()
        for value in answer_rows(key, answer)
    ]
    if stored:
        conn.execute(_INSERT_ANSWER, stored)
    registration = _persistent(Registration(**row, event=event))
    changes = {"mode": mode, "status": status}
    conn.execute(
        _INSERT_HISTORY,
        {
            "registration_id": row["id"],
            "at": now,
            "actor": actor[:300],
            "action": "registered",
            "changes": changes,
        },
    )
    if actor.startswith("organiser"):
        audit.record(
            "registration.registered",
            event=event_id,
            target=("Registration", row["id"]),
            details=changes,
        )
    if registration.email_proven_at is None:  # a new row: its key is new too
        due = registration.created_at + timedelta(hours=event.proof_hours)
        schedule_new(
            PROOF_DUE,
            {"registration_id": registration.id},
            due,
            key=_proof_key(registration, due),
            event_id=event.id,
        )
    recipient, subject, body = render_mail(registration, "confirmation", token)
    conn.execute(
        _INSERT_MAIL,
        {
            "recipient": recipient,
            "subject": subject,
            "body": body,
            "rule": "registration.confirmation",
            "created_at": now,
            "next_attempt_at": now,
        },
    )
    queued()
    commit_keeping_state()
    return Outcome(registration, token)


def _persistent(instance):
    """An object for a row just inserted with Core, in the session as if loaded: no query."""
    make_transient_to_detached(instance)
    db.session.add(instance)
    return instance


def _diff(registration: Registration, values: dict[str, Any]) -> dict[str, list]:
    changes = {}
    for name, value in values.items():
        old = getattr(registration, name)
        if old != value:
            changes[name] = [old, value]
    return changes


def update_details(registration: Registration, data: dict[str, Any], actor: str) -> Registration:
    """Change personal details and answers (not mode or status); the history keeps what
    changed. The person themselves (manage link) must answer the required questions they are
    given."""
    # A category the event no longer offers stays valid for those who have it.
    kept = (registration.category,) if registration.category else ()
    event = registration.event
    categories = tuple(dict.fromkeys(event.category_keys + kept))
    values = clean(
        data,
        categories=categories,
        public=False,
        partial=True,
        questions=event.questions,
        answers_required=actor == ATTENDEE,
    )
    values.pop("mode", None)
    answers = values.pop("answers", {})
    values = {k: v for k, v in values.items() if k in DETAILS}
    if registration.mode == DIGITAL:
        values.pop("dietary_needs", None)
    if "email" in values and values["email"].lower() == registration.email_key:
        values.pop("email")
    if "email" in values and actor == ATTENDEE:
        _ask_new_address(registration, values.pop("email"))
    if "email" in values:
        other = existing(registration.event_id, values["email"])
        if other is not None:
            raise RegistrationError(
                {"email": _("Another registration for this event uses that address.")}, 409
            )
        values["email_key"] = values["email"].lower()
    changes = _diff(registration, values)
    if answer_changes := _set_answers(registration, answers):
        changes["answers"] = answer_changes
    if not changes:
        commit()  # a requested address change, if any
        return registration
    for name, value in values.items():
        setattr(registration, name, value)
    _record(registration, actor, "edited", {k: v for k, v in changes.items() if k != "email_key"})
    commit()
    return registration


def _ask_new_address(registration: Registration, email: str) -> None:
    """The person asks for a new address: it takes effect when a link mailed there is opened,
    and the old address is told. An address registered already gets a notice (no link) and
    the answer is the same, so nobody learns who is registered."""
    other = existing(registration.event_id, email)
    if other is not None:
        address_mail(other, "address_taken", other.email)
        _record(registration, ATTENDEE, "address_change_refused", {})
        return
    token = _pending(registration, email)
    address_mail(registration, "address_confirm", email, token)
    address_mail(registration, "address_change", registration.email)
    _record(registration, ATTENDEE, "address_change_asked", {"email": [registration.email, email]})


def _set_answers(registration: Registration, answers: dict[str, Any]) -> list | None:
    """Replace the given answers (the others stay); [before, after] of those that changed."""
    before = registration.answers
    changed = {key for key, answer in answers.items() if before.get(key) != answer}
    # no answer before and none now is no change
    changed -= {key for key in changed if key not in before and not answer_rows(key, answers[key])}
    if not changed:
        return None
    for row in [r for r in registration.answer_rows if r.question in changed]:
        registration.answer_rows.remove(row)
    for key in sorted(changed):
        for value in answer_rows(key, answers[key]):
            registration.answer_rows.append(RegistrationAnswer(question=key, value=value))
    return [
        {k: before[k] for k in sorted(changed) if k in before},
        {k: answers[k] for k in sorted(changed)},
    ]


def switch_mode(
    registration: Registration, mode: str, actor: str, join_waitlist: bool = False
) -> Outcome:
    """Move between on site and digital. A freed on-site place goes to the next in line.
    When the new mode is full the person joins its waiting list only if they agreed to."""
    if mode not in MODES:
        raise RegistrationError(
            {"mode": _("Choose one of: %(choices)s.", choices=", ".join(MODES))}
        )
    begin_write(db.session)
    registration = _reload(registration)
    if registration.status == CANCELLED:
        raise RegistrationError({"mode": _("This registration is cancelled.")}, 409)
    if registration.mode == mode:
        rollback()
        return Outcome(registration)
    event = lock_event(registration.event_id)
    old_mode, old_status = registration.mode, registration.status
    if has_room(event, mode):
        status = CONFIRMED
    elif join_waitlist:
        status = WAITLISTED
    else:
        rollback()
        raise RegistrationError(
            {"mode": _("No place is free there; you may join its waiting list.")}, 409
        )
    registration.mode = mode
    registration.status = status
    if mode == DIGITAL:
        registration.dietary_needs = ""
    if status == WAITLISTED:
        registration.queued_at = utcnow()
    _record(
        registration,
        actor,
        "mode_changed",
        {"mode": [old_mode, mode], "status": [old_status, status]},
    )
    db.session.flush()
    messages = promote_waiting(event, old_mode) if old_status == CONFIRMED else []
    commit()
    return Outcome(registration, mails=messages)


def cancel(registration: Registration, actor: str) -> Registration:
    """Cancel; a confirmed place goes to the first person waiting for that mode."""
    begin_write(db.session)
    registration = _reload(registration)
    if registration.status == CANCELLED:
        rollback()
        return registration
    event = lock_event(registration.event_id)
    was = registration.status
    registration.status = CANCELLED
    registration.cancelled_at = utcnow()
    _record(registration, actor, "cancelled", {"status": [was, CANCELLED]})
    db.session.flush()
    if was == CONFIRMED:
        promote_waiting(event, registration.mode)
    if registration.anonymised_at is None:
        mail(registration, "cancelled")
    commit()
    signals.registration_cancelled.send(registration, actor=actor)
    return registration


def promote(registration: Registration, actor: str) -> Registration:
    """The organiser confirms someone from the waiting list out of turn, if a place is free."""
    begin_write(db.session)
    registration = _reload(registration)
    if registration.status != WAITLISTED:
        rollback()
        raise RegistrationError(
            {"status": _("Only people on the waiting list can be promoted.")}, 409
        )
    event = lock_event(registration.event_id)
    if not has_room(event, registration.mode):
        rollback()
        raise RegistrationError(
            {"status": _("No place is free; raise the capacity or cancel someone first.")}, 409
        )
    registration.status = CONFIRMED
    _record(registration, actor, "promoted", {"status": [WAITLISTED, CONFIRMED]})
    mail(registration, "promoted")
    commit()
    return registration


def resend(registration: Registration, actor: str) -> None:
    """Send the confirmation again, with a new manage link (the old one stops working)."""
    token = _rotate(registration)
    _record(registration, actor, "confirmation_resent", {})
    mail(registration, "confirmation", token)
    commit()


def erase(registration: Registration, actor: str, cancel_first: bool = True) -> None:
    """Anonymise personal data; mode, status, category and dates stay so counts still add up."""
    if cancel_first and registration.status != CANCELLED:
        registration = cancel(registration, actor)
    event_id = registration.event_id
    _forget_elsewhere(event_id, [_anonymise(registration, actor)])
    commit()


@dataclass
class Erased:
    """Who an erased registration was: its id, and the addresses and names it ever had."""

    registration_id: int
    emails: set[str]
    names: set[str]


def _former_values(registration: Registration) -> Erased:
    """The addresses and names the registration holds now and held before (its history)."""
    emails = {registration.email, registration.email_key}
    names = {registration.name}
    for entry in registration.history:
        for name, change in (entry.changes or {}).items():
            values = change if isinstance(change, list) else [change]
            texts = {v for v in values if isinstance(v, str)}
            if name == "email":
                emails |= texts
            elif name == "name":
                names |= texts
    return Erased(registration.id, emails, names)


def _forget_elsewhere(event_id: int, erased: list[Erased]) -> None:
    """What the layers below keep of erased people, in the same transaction: their mail in
    the outbox (deleted), their values in the audit log and in finished jobs (redacted)."""
    erased = [e for e in erased if e is not None]
    if not erased:
        return
    emails = set().union(*(e.emails for e in erased))
    names = set().union(*(e.names for e in erased))
    redactor = Redactor(keys=emails, values=emails | names)
    forget_recipients(emails)
    audit.redact({("Registration", str(e.registration_id)) for e in erased}, event_id, redactor)
    redact_finished(event_id, redactor)


def _anonymise(registration: Registration, actor: str) -> Erased | None:
    """Blank the registration; who it was is returned, for _forget_elsewhere."""
    if registration.anonymised_at is not None:
        return None
    former = _former_values(registration)
    placeholder = f"erased-{registration.id}@invalid"
    registration.name = ERASED_NAME
    registration.email = placeholder
    registration.email_key = placeholder
    registration.organisation = ""
    registration.job_title = ""
    registration.dietary_needs = ""
    registration.networking_opt_in = False
    registration.pending_email = registration.pending_token_hash = None
    registration.news_opt_in = False
    registration.answer_rows.clear()
    registration.token_hash = hash_secret(new_token())
    registration.anonymised_at = utcnow()
    for entry in registration.history:
        entry.changes = {}
    _record(registration, actor, "erased", {})
    signals.registration_erased.send(registration)
    return former


def purge_event(event: Event, actor: str = SYSTEM) -> int:
    """Anonymise every registration of an event (after it); returns how many were changed."""
    rows = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id, Registration.anonymised_at.is_(None)
        )
    ).all()
    _forget_elsewhere(event.id, [_anonymise(registration, actor) for registration in rows])
    commit()
    return len(rows)


def reissue_badge(registration: Registration, actor: str, reason: str = "") -> Registration:
    """A new badge (lost, name corrected): a new code, and the old one kept as revoked so that
    the door refuses it as such."""
    old = registration.badge_code
    registration.badge_code = new_badge_code()
    db.session.add(
        RevokedBadgeCode(
            registration_id=registration.id,
            event_id=registration.event_id,
            code=old,
            reason=reason[:200],
        )
    )
    _record(registration, actor, "badge_reissued", {"reason": reason[:200]} if reason else {})
    commit()
    return registration
