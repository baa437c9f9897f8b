"""Queue mail in the outbox and deliver it through SMTP when a server is configured.

The one way to send mail: `queue_mail` in the transaction of the change it tells about; the
message is delivered once that transaction commits (platform.db.commit), and never when it
rolls back. Without an SMTP server it waits in the outbox for `flask mail send`.

Once SMTP accepted a message its text is dropped: mails carry live manage, reset and password
links, and the outbox keeps only who got what and when (recipient, subject, status).
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import delete, func, select, update

from eventmgr.mail.models import OutboxMessage
from eventmgr.platform.db import after_commit, after_commit_batch, commit, db, utcnow

log = logging.getLogger(__name__)


def queue_mail(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Store a message; it is delivered once the caller's transaction commits."""
    message = OutboxMessage(recipient=recipient, subject=subject, body=body)
    db.session.add(message)
    if smtp_configured():  # else it waits in the outbox for `flask mail send`
        after_commit_batch(_deliver_batch, message)
    return message


def _deliver_batch(messages: list[OutboxMessage]) -> None:
    deliver_now(*messages)


def queued_row(message_id: int) -> None:
    """A message the caller inserted itself (the registration hot path inserts with Core):
    delivered after the commit like any other."""
    if smtp_configured():  # else nothing to do: it waits in the outbox
        after_commit(lambda: deliver_now(db.session.get(OutboxMessage, message_id)))


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
        commit()
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
            message.body = ""  # its links stay with the recipient only
            sent += 1
    commit()
    return sent


def drop_sent_texts() -> int:
    """Empty the text of sent messages that still have one (sent before texts were dropped
    at sending); returns how many."""
    done = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.sent_at.is_not(None), OutboxMessage.body != "")
        .values(body="")
    )
    commit()
    return done.rowcount


def forget_recipients(addresses: set[str]) -> int:
    """Erasure: delete every message to these addresses, sent or waiting, in the caller's
    transaction; returns how many."""
    keys = {a.strip().lower() for a in addresses if a and a.strip()}
    if not keys:
        return 0
    done = db.session.execute(
        delete(OutboxMessage).where(func.lower(OutboxMessage.recipient).in_(keys))
    )
    return done.rowcount


def send_queued(limit: int = 500) -> int:
    """Deliver what is waiting, oldest first (the `flask mail send` command); texts of mail
    sent before they were dropped at sending are emptied first."""
    drop_sent_texts()
    queued = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None))
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    return send_messages(list(queued))


def deliver_now(*messages: OutboxMessage) -> int:
    """Send committed messages at once when SMTP is configured (else they wait)."""
    if not smtp_configured():
        return 0
    return send_messages([m for m in messages if m is not None and m.sent_at is None])
