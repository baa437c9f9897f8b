"""Workers deliver the outbox, several at once, on one host or many.

A worker claims a batch of due messages in one short transaction (PostgreSQL: FOR UPDATE SKIP
LOCKED, so workers never wait for each other; SQLite: the write lock), marking them `sending`
until a lease ends. It sends each over one SMTP connection and records the outcome the moment
the server answers: `sent` on acceptance, `queued` again with a back-off on a temporary refusal
(4xx, a dropped connection), `failed` on a permanent one (5xx) or after MAX_ATTEMPTS. A worker
killed mid-batch leaves its claimed messages `sending`; when their lease ends another worker
claims them again. A message is only ever `sent` once, because SMTP's acceptance and our record
of it are one round trip apart (the window RFC 1047 describes; our record follows at once).
"""

from __future__ import annotations

import logging
import smtplib
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import or_, select, update

from eventmgr.mail.models import FAILED, QUEUED, SENDING, SENT, OutboxMessage
from eventmgr.platform.db import begin_write, commit, db, utcnow

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
BATCH = 100
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=1)
_OUTBOX = OutboxMessage.__table__


@dataclass(frozen=True)
class Claimed:
    """A claimed message, as plain values (sending needs no ORM object)."""

    id: int
    recipient: str
    subject: str
    body: str
    headers: dict[str, str]
    created_at: Any
    attempts: int


def smtp_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


# --------------------------------------------------------------------------- claiming


def _due():
    now = utcnow()
    return or_(
        (_OUTBOX.c.status == QUEUED) & (_OUTBOX.c.next_attempt_at <= now),
        (_OUTBOX.c.status == SENDING) & (_OUTBOX.c.claimed_until < now),
    )


def claim(limit: int = BATCH) -> list[Claimed]:
    """Take up to `limit` due messages (and those whose worker died) for this worker."""
    session = db.session
    postgres = session.get_bind().dialect.name == "postgresql"
    if not postgres:
        begin_write(session)  # SQLite: the write lock makes the claim atomic
    query = select(_OUTBOX).where(_due()).order_by(_OUTBOX.c.id).limit(limit)
    if postgres:
        query = query.with_for_update(skip_locked=True)
    rows = session.execute(query).all()
    if not rows:
        commit()
        return []
    ids = [row.id for row in rows]
    lease = timedelta(seconds=current_app.config.get("MAIL_LEASE_SECONDS", LEASE.total_seconds()))
    session.execute(
        update(_OUTBOX)
        .where(_OUTBOX.c.id.in_(ids))
        .values(status=SENDING, claimed_until=utcnow() + lease, attempts=_OUTBOX.c.attempts + 1)
    )
    commit()
    return [
        Claimed(r.id, r.recipient, r.subject, r.body, r.headers or {}, r.created_at, r.attempts + 1)
        for r in rows
    ]


# --------------------------------------------------------------------------- sending


def _header(value: str) -> str:
    """One line: a newline in a name or event title (in a subject) must not make a header,
    and the email package refuses to send one."""
    return " ".join(value.split())


def _host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "eventmgr"


def as_email(message: Claimed) -> EmailMessage:
    """The message as sent. Its Message-ID is the same on every attempt, so a receiver can
    tell a repeated delivery (the RFC 1047 window) from a new message."""
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = _header(message.recipient)
    email["Subject"] = _header(message.subject)
    stamp = int(message.created_at.timestamp() * 1_000_000)
    email["Message-ID"] = f"<outbox.{message.id}.{stamp}@{_host()}>"
    for name, value in message.headers.items():
        email[name] = _header(value)
    email.set_content(message.body)
    return email


def _connect() -> smtplib.SMTP:
    config = current_app.config
    cls = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    smtp = cls(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
    if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
        smtp.starttls()
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return smtp


def _record(message_id: int, **values: Any) -> None:
    """The outcome of one message, committed at once (a kill a moment later loses nothing)."""
    db.session.execute(
        update(_OUTBOX).where(_OUTBOX.c.id == message_id).values(claimed_until=None, **values)
    )
    commit()


def _retry_later(message: Claimed, error: str) -> None:
    if message.attempts >= MAX_ATTEMPTS:
        _record(message.id, status=FAILED, last_error=error[:1000])
        return
    wait = min(FIRST_RETRY * 2 ** (message.attempts - 1), LAST_RETRY)
    _record(message.id, status=QUEUED, next_attempt_at=utcnow() + wait, last_error=error[:1000])


def _give_back(messages: list[Claimed]) -> None:
    """Claimed but not tried (the sending rate is used up): due again at once, the claim not
    counted as an attempt."""
    db.session.execute(
        update(_OUTBOX)
        .where(_OUTBOX.c.id.in_([m.id for m in messages]))
        .values(status=QUEUED, claimed_until=None, attempts=_OUTBOX.c.attempts - 1)
    )
    commit()


def _release(messages: list[Claimed], error: str) -> None:
    """Messages not tried (the connection failed): back in the queue, this try not counted
    against them beyond the back-off."""
    for message in messages:
        _retry_later(message, error)


def _describe(exc: smtplib.SMTPException) -> str:
    """The server's answer as people read it: "550 5.1.1 No such user"."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{who}: {code} {_text(text)}" for who, (code, text) in exc.recipients.items()
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return str(exc)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _permanent(exc: smtplib.SMTPException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        return all(500 <= code < 600 for code in codes)
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


@dataclass
class Sent:
    """What one batch came to: accepted by the server, and whether the rate ran out."""

    accepted: int = 0
    rate_used_up: bool = False


def send(messages: list[Claimed]) -> Sent:
    """Send claimed messages over one connection, recording each outcome as it comes."""
    outcome = Sent()
    if not messages:
        return outcome
    try:
        smtp = _connect()
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("SMTP connection failed: %s", exc)
        _release(messages, f"connection: {exc}")
        return outcome
    with smtp:
        for n, message in enumerate(messages):
            if not _wait_for_rate():
                _give_back(messages[n:])
                outcome.rate_used_up = True
                break
            try:
                smtp.send_message(as_email(message))
            except smtplib.SMTPServerDisconnected as exc:
                _release(messages[n:], f"connection: {exc}")
                break
            except smtplib.SMTPException as exc:  # (an OSError too: this clause comes first)
                if _permanent(exc):
                    _record(message.id, status=FAILED, last_error=_describe(exc)[:1000])
                else:
                    _retry_later(message, _describe(exc))
                continue
            except OSError as exc:
                _release(messages[n:], f"connection: {exc}")
                break
            # its text goes: the links in it stay with the recipient only
            _record(message.id, status=SENT, sent_at=utcnow(), last_error=None, body="")
            outcome.accepted += 1
    return outcome


def deliver_due(limit: int | None = None) -> int:
    """Claim and send until nothing is due, the sending rate is used up, or `limit` messages
    were tried; returns how many the server accepted."""
    if not smtp_configured():
        return 0
    size = current_app.config.get("MAIL_BATCH", BATCH)
    sent = tried = 0
    while limit is None or tried < limit:
        batch = claim(size if limit is None else min(size, limit - tried))
        if not batch:
            break
        tried += len(batch)
        outcome = send(batch)
        sent += outcome.accepted
        if outcome.rate_used_up:
            break  # come back later
    return sent


# --------------------------------------------------------------------------- sending rate


@cache
def _rate_window(uri: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage_from_string(uri))


def _wait_for_rate() -> bool:
    """At most MAIL_RATE_LIMIT messages (e.g. "14 per second", the provider's limit) over all
    workers that share the rate-limit storage (Redis when several hosts send). Waits up to a
    second for the next turn; False when it is further off (the worker gives its batch back)."""
    rate = current_app.config.get("MAIL_RATE_LIMIT")
    if not rate:
        return True
    item = parse(rate)
    window = _rate_window(current_app.config["RATELIMIT_STORAGE_URI"])
    deadline = time.monotonic() + 1
    while not window.hit(item, "eventmgr-smtp"):
        if time.monotonic() > deadline:
            return False
        time.sleep(min(0.02, item.get_expiry() / max(item.amount, 1)))
    return True


# --------------------------------------------------------------------------- in the web process


class _InProcess:
    """One delivery thread per application, woken after a commit that queued mail: so that a
    single process (`make run`, the tests) needs no separate worker. Production runs
    `flask jobs work --loop` workers and sets MAIL_IN_PROCESS=0."""

    def __init__(self, app: Flask):
        self.app = app
        self.wanted = threading.Event()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def wake(self) -> None:
        self.wanted.set()
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, daemon=True)
                self.thread.start()

    def _run(self) -> None:
        with self.app.app_context():
            try:
                while self.wanted.wait(timeout=30):
                    self.wanted.clear()
                    while deliver_due():
                        pass
                    if _waiting():  # a retry or a scheduled message: look again soon
                        self.wanted.set()
                        time.sleep(1)
            except Exception:  # noqa: BLE001 - a worker thread must not die silently
                log.exception("in-process mail delivery failed")
            finally:
                db.session.remove()


def _waiting() -> bool:
    """Messages queued for later, or claimed by a worker that may have died."""
    return (
        db.session.scalar(
            select(_OUTBOX.c.id).where(_OUTBOX.c.status.in_((QUEUED, SENDING))).limit(1)
        )
        is not None
    )


def wake_in_process_worker(app: Flask) -> None:
    if not app.config.get("MAIL_IN_PROCESS", True) or not app.config.get("MAIL_SERVER"):
        return
    worker = app.extensions.get("eventmgr.mail.worker")
    if worker is None:
        worker = app.extensions.setdefault("eventmgr.mail.worker", _InProcess(app))
    worker.wake()
