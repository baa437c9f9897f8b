"""Write, preview, test and send a message to an audience; unsubscribe from news.

A message is sent by expanding its audience into outbox rows, one per recipient, in one bulk
insert (10,000 recipients within a request): at once, or by a job at `send_at`. Each row has the
key `message:<id>:<registration id>`, so however often the expansion runs (a job retried after
a crash), each person gets the message once. Links in a message are signed stand-ins for the
person's manage token (registration/links.py), which is stored only as a hash and not rotated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from eventmgr.events.models import Event
from eventmgr.jobs.services import schedule, unschedule
from eventmgr.mail.models import FAILED, QUEUED, SENDING, SENT, OutboxMessage
from eventmgr.mail.services import counts_of, queue_mail, queue_many
from eventmgr.messages import audience as audiences
from eventmgr.messages.audience import MessageError
from eventmgr.messages.models import KINDS, NEWS, PRACTICAL, SCHEDULED, Message
from eventmgr.messages.models import QUEUED as EXPANDED
from eventmgr.platform.db import begin_write, commit, db, utcnow
from eventmgr.platform.urls import external_url
from eventmgr.registration.links import signed_token
from eventmgr.registration.models import CONFIRMED, LANGUAGES, ON_SITE, Registration
from eventmgr.registration.services import update_details

SEND_JOB = "messages.send"
UNSUBSCRIBE_ACTOR = "attendee (unsubscribe link)"
TEST_RULE = "message.test"
PLACEHOLDERS = ("name", "manage_link", "badge_link", "stream_link", "calendar_link")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
SUBJECT_LIMIT, BODY_LIMIT = 200, 20_000
OUTBOX_SUBJECT = 290  # the outbox keeps 300 characters; a long name must not overflow it
_TOKEN = "TOKEN-PLACEHOLDER"  # replaced in a link made once per message


# --------------------------------------------------------------------------- checking


def _texts(value: Any, field: str, limit: int, errors: dict[str, str]) -> dict[str, str]:
    """{"en", "nb"} texts, one of them at least; placeholders known."""
    if not isinstance(value, dict) or not value:
        errors[field] = _('Give the text as {"en": ..., "nb": ...}; one language is enough.')
        return {}
    out = {}
    for lang, text in value.items():
        where = f"{field}.{lang}"
        if lang not in LANGUAGES:
            errors[where] = _("Languages are en and nb.")
        elif text is None or (isinstance(text, str) and not text.strip()):
            continue
        elif not isinstance(text, str):
            errors[where] = _("Give text.")
        elif len(text) > limit:
            errors[where] = _("At most %(n)d characters.", n=limit)
        elif unknown := sorted(set(_PLACEHOLDER.findall(text)) - set(PLACEHOLDERS)):
            errors[where] = _(
                "Unknown placeholder %(names)s; use %(known)s.",
                names=", ".join(f"{{{n}}}" for n in unknown),
                known=", ".join(f"{{{n}}}" for n in PLACEHOLDERS),
            )
        else:
            out[lang] = text.strip() if field == "subject" else text.rstrip()
    if not out and field not in errors and not any(k.startswith(field) for k in errors):
        errors[field] = _("Write the text in English or Norwegian.")
    return out


def _when(event: Event, value: Any, errors: dict[str, str]) -> datetime | None:
    """An ISO date and time; without an offset it is the event's local time."""
    if value in (None, ""):
        return None
    moment = value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            errors["send_at"] = _("Give a date and time like 2030-01-25T09:00.")
            return None
    if not isinstance(moment, datetime):
        errors["send_at"] = _("Give a date and time like 2030-01-25T09:00.")
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(event.timezone or "UTC"))
    return moment.astimezone(ZoneInfo("UTC"))


@dataclass
class Draft:
    """A message as written, checked: what preview, test and sending share."""

    kind: str
    subject: dict[str, str]
    body: dict[str, str]
    audience: dict[str, Any]
    send_at: datetime | None


def check(event: Event, data: dict[str, Any]) -> Draft:
    """The message as given by the page or the API; a MessageError names every wrong field."""
    errors: dict[str, str] = {}
    kind = data.get("kind") or PRACTICAL
    if kind not in KINDS:
        errors["kind"] = _("Choose practical or news.")
    subject = _texts(data.get("subject"), "subject", SUBJECT_LIMIT, errors)
    body = _texts(data.get("body"), "body", BODY_LIMIT, errors)
    send_at = _when(event, data.get("send_at"), errors)
    try:
        audience = audiences.check(event, data.get("audience"))
    except MessageError as exc:
        errors.update(exc.fields)
        audience = {}
    if errors:
        raise MessageError(errors)
    return Draft(kind, subject, body, audience, send_at)


# --------------------------------------------------------------------------- rendering

_COLUMNS = (
    Registration.id,
    Registration.name,
    Registration.email,
    Registration.language,
    Registration.token_hash,
    Registration.mode,
    Registration.status,
)


@dataclass
class Recipient:
    id: int
    name: str
    email: str
    language: str
    token_hash: str
    mode: str
    status: str


class Renderer:
    """Texts for each recipient, with the links and footers made once per message."""

    def __init__(self, event: Event, kind: str, subject: dict, body: dict, masked: bool = False):
        self.event, self.kind, self.subject, self.body = event, kind, subject, body
        self.masked = masked
        self.used = set(_PLACEHOLDER.findall(" ".join([*subject.values(), *body.values()])))
        self.links = {
            "manage_link": external_url("registration.manage", token=_TOKEN),
            "badge_link": external_url("badges.registrant_badge", token=_TOKEN),
            "stream_link": external_url("digital.watch_from_link", token=_TOKEN),
            "calendar_link": external_url("registration.calendar", token=_TOKEN),
        }
        self.unsubscribe = external_url("messages.unsubscribe", token=_TOKEN)
        self.footers = {lang: self._footer(lang) for lang in LANGUAGES}

    def _footer(self, lang: str) -> str:
        with force_locale(lang):
            if self.kind == NEWS:
                return "\n\n-- \n" + _(
                    "You get news about %(event)s because you asked for it. To stop: %(link)s",
                    event=self.event.name,
                    link="{unsubscribe}",
                )
            return "\n\n-- \n" + _(
                "About your registration for %(event)s: %(link)s",
                event=self.event.name,
                link="{manage_link}",
            )

    def language(self, person: Recipient) -> str:
        wanted = person.language if person.language in LANGUAGES else "en"
        if self.body.get(wanted) and self.subject.get(wanted):
            return wanted
        other = "nb" if wanted == "en" else "en"
        return other if self.body.get(other) else wanted

    def values(self, person: Recipient) -> dict[str, str]:
        if self.masked:
            masked = _("(personal link)")
            return {"name": person.name, "unsubscribe": masked} | {
                key: f"{url.replace(_TOKEN, '')}{masked}" for key, url in self.links.items()
            }
        token = signed_token(person.id, person.token_hash)
        values = {"name": person.name}
        for key in ("manage_link", *self.used):
            if key in self.links:
                values[key] = self.links[key].replace(_TOKEN, token)
        if values.get("badge_link") and not (person.mode == ON_SITE and person.status == CONFIRMED):
            values["badge_link"] = values["manage_link"]  # no badge: their page says why
        if self.kind == NEWS:
            values["unsubscribe"] = self.unsubscribe.replace(_TOKEN, unsubscribe_token(person.id))
        return values

    def render(self, person: Recipient) -> tuple[str, str, dict[str, str]]:
        """(subject, body, headers) for one person, in their language."""
        lang = self.language(person)
        values = self.values(person)

        def fill(text: str) -> str:
            return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)

        subject = self.subject.get(lang) or next(iter(self.subject.values()))
        body = self.body.get(lang) or next(iter(self.body.values()))
        text = fill(body) + self.footers[lang].format(**values) + "\n"
        headers = {}
        if self.kind == NEWS and not self.masked:  # a test has no one to unsubscribe
            headers = {
                "List-Unsubscribe": f"<{values['unsubscribe']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        return fill(subject)[:OUTBOX_SUBJECT], text, headers


def _people(event: Event, draft: Draft) -> list[Recipient]:
    query = audiences.recipients(event, draft.audience, draft.kind == NEWS, *_COLUMNS)
    return [Recipient(*row) for row in db.session.execute(query.order_by(Registration.id))]


def count(event: Event, draft: Draft) -> int:
    return audiences.count(event, draft.audience, draft.kind == NEWS)


def in_audience(event: Event, draft: Draft) -> int:
    """Everyone the filters match, before the proof of address and the news consent."""
    query = audiences.matching(event, draft.audience, Registration.id)
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def preview(event: Event, draft: Draft) -> tuple[str, str, str] | None:
    """(recipient's name, subject, body) as the first recipient gets it, personal links
    masked: the organiser sees the text, not the person's keys."""
    query = audiences.recipients(event, draft.audience, draft.kind == NEWS, *_COLUMNS)
    row = db.session.execute(query.order_by(Registration.id).limit(1)).first()
    if row is None:
        return None
    person = Recipient(*row)
    subject, body, _headers = Renderer(
        event, draft.kind, draft.subject, draft.body, masked=True
    ).render(person)
    return person.name, subject, body


def send_test(event: Event, draft: Draft, name: str, email: str, language: str = "en") -> None:
    """The message to the organiser themself, links masked (they are nobody's)."""
    person = Recipient(0, name, email, language, "", ON_SITE, CONFIRMED)
    subject, body, headers = Renderer(
        event, draft.kind, draft.subject, draft.body, masked=True
    ).render(person)
    queue_mail(
        email, _("[Test] %(subject)s", subject=subject), body, rule=TEST_RULE, headers=headers
    )
    commit()


# --------------------------------------------------------------------------- sending


def create(event: Event, data: dict[str, Any], actor: str) -> Message:
    """Store the message and send it now, or schedule it for `send_at` (a job)."""
    draft = check(event, data)
    begin_write(db.session)
    message = Message(
        event_id=event.id,
        kind=draft.kind,
        subject=draft.subject,
        body=draft.body,
        audience=draft.audience,
        send_at=draft.send_at,
        created_by=actor[:254],
    )
    db.session.add(message)
    db.session.flush()
    if draft.send_at is not None and draft.send_at > utcnow():
        message.recipients = count(event, draft)
        schedule(
            SEND_JOB, {"message": message.id}, draft.send_at, key=_job_key(message), event=event
        )
    else:
        expand(message)
    commit()
    return message


def _job_key(message: Message) -> str:
    return f"message:{message.id}"


def expand(message: Message) -> int:
    """One outbox row per recipient, in one statement, in the caller's transaction; those
    who have theirs already are left out. Returns how many were queued."""
    event = db.session.get(Event, message.event_id)
    draft = Draft(message.kind, message.subject, message.body, message.audience, None)
    renderer = Renderer(event, message.kind, message.subject, message.body)
    people = _people(event, draft)
    rows = []
    for person in people:
        subject, body, headers = renderer.render(person)
        rows.append(
            {
                "recipient": person.email,
                "subject": subject,
                "body": body,
                "headers": headers,
                "key": f"message:{message.id}:{person.id}",
            }
        )
    queued = queue_many(rows, rule=message.rule)
    message.status = EXPANDED
    message.recipients = len(people)
    message.queued_at = utcnow()
    return queued


def cancel(message: Message) -> None:
    """A scheduled message that has not gone: dropped with its job."""
    if message.status != SCHEDULED:
        raise MessageError({"message": _("This message has been sent already.")}, 409)
    unschedule(_job_key(message))
    db.session.delete(message)
    commit()


def progress(message: Message) -> dict[str, Any]:
    """Where the message is: scheduled, sending or sent; how many recipients, waiting, sent
    and failed (from the outbox rows)."""
    counts = counts_of(message.rule)
    waiting = counts.get(QUEUED, 0) + counts.get(SENDING, 0)
    status = "scheduled" if message.status == SCHEDULED else "sending" if waiting else "sent"
    return {
        "status": status,
        "recipients": message.recipients,
        "queued": waiting,
        "sent": counts.get(SENT, 0),
        "failed": counts.get(FAILED, 0),
    }


def failures(message: Message, limit: int = 200) -> list[tuple[str, str]]:
    """(address, the server's answer) of each recipient the message could not reach."""
    rows = db.session.execute(
        select(OutboxMessage.recipient, OutboxMessage.last_error)
        .where(OutboxMessage.rule == message.rule, OutboxMessage.status == FAILED)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return [(recipient, error or "") for recipient, error in rows]


def messages_of(event: Event) -> list[Message]:
    return list(
        db.session.scalars(
            select(Message).where(Message.event_id == event.id).order_by(Message.id.desc())
        )
    )


def message_of(event: Event, message_id: int) -> Message | None:
    message = db.session.get(Message, message_id)
    return message if message is not None and message.event_id == event.id else None


def run_scheduled(message_id: int) -> str:
    """The job at `send_at`: expand the message (once)."""
    begin_write(db.session)
    message = db.session.get(Message, message_id)
    if message is None or message.status != SCHEDULED:
        return "nothing to send"
    queued = expand(message)
    return f"{queued} queued"


# --------------------------------------------------------------------------- news consent


def _unsubscriber() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="news-unsubscribe")


def unsubscribe_token(registration_id: int) -> str:
    """Does not expire: an unsubscribe link must work as long as the mail is kept."""
    return _unsubscriber().dumps(registration_id)


def registration_to_unsubscribe(token: str) -> Registration | None:
    try:
        registration_id = _unsubscriber().loads(token)
    except BadSignature:
        return None
    registration = (
        db.session.get(Registration, registration_id) if isinstance(registration_id, int) else None
    )
    if registration is None or registration.anonymised_at is not None:
        return None
    return registration


def unsubscribe(registration: Registration) -> None:
    """No more news for this person (RFC 8058 one-click, or the page's button); the
    registration's history says so."""
    if registration.news_opt_in:
        update_details(registration, {"news_opt_in": False}, UNSUBSCRIBE_ACTOR)
