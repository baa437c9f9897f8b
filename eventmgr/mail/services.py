"""Queue mail in the outbox and deliver it through SMTP when a server is configured."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, g
from sqlalchemy import select

from eventmgr.db import db, utcnow
from eventmgr.mail.models import OutboxMessage

log = logging.getLogger(__name__)


def queue_mail(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Store a message; it is sent after the caller commits (see deliver_after_commit)."""
    message = OutboxMessage(recipient=recipient, subject=subject, body=body)
    db.session.add(message)
    return message


def smtp_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def _header(value: str) -> str:
    """One line: a newline in a name or event title (in a subject) must not make a header,
    and the email package refuses to send one, which would fail the request that sent it."""
    return " ".join(value.split())


def _as_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = _header(message.recipient)
    email["Subject"] = _header(message.subject)
    email["Message-ID"] = make_msgid(domain="eventmgr")
    email.set_content(message.body)
    return email


def _connect() -> smtplib.SMTP:
    config = current_app.config
    cls = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    smtp = cls(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15)
    if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
        smtp.starttls()
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return smtp


def send_messages(messages: list[OutboxMessage]) -> int:
    """Send over one connection; a failure is recorded on the message, which stays queued."""
    if not messages or not smtp_configured():
        return 0
    sent = 0
    try:
        smtp = _connect()
    except (OSError, smtplib.SMTPException) as exc:
        for message in messages:
            message.attempts += 1
            message.last_error = str(exc)[:1000]
        db.session.commit()
        log.warning("SMTP connection failed: %s", exc)
        return 0
    with smtp:
        for message in messages:
            message.attempts += 1
            try:
                smtp.send_message(_as_email(message))
            except smtplib.SMTPException as exc:
                message.last_error = str(exc)[:1000]
                continue
            message.sent_at = utcnow()
            message.last_error = None
            sent += 1
    db.session.commit()
    return sent


def send_queued(limit: int = 500) -> int:
    """Deliver what is waiting, oldest first (the `flask mail send` command)."""
    queued = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None))
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    return send_messages(list(queued))


def deliver_now(*messages: OutboxMessage) -> int:
    """Send freshly committed messages at once when SMTP is configured."""
    return send_messages([m for m in messages if m.sent_at is None])


def deliver_after_commit(*messages: OutboxMessage) -> None:
    """Remember messages queued deep inside a service; the view sends them after its commit."""
    g.setdefault("_mail_after_commit", []).extend(messages)


def deliver_pending() -> int:
    """Send what deliver_after_commit remembered in this request (after the commit)."""
    pending = g.pop("_mail_after_commit", [])
    return deliver_now(*pending) if pending else 0
