"""Queue mail in the outbox; workers deliver it (mail/delivery.py).

The one way to send mail: `queue_mail` in the transaction of the change it tells about, with
the rule that sends it. Nothing is sent by the web request: once the transaction commits, a
worker claims the message and delivers it, and nothing is sent for a change that rolled back.

Once SMTP accepted a message its text is dropped: mails carry live manage, reset and password
links, and the outbox keeps only who got what and when (recipient, subject, rule, status).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, insert, select, update

from eventmgr.mail.delivery import wake_in_process_worker
from eventmgr.mail.models import QUEUED, HeldMessage, OutboxMessage
from eventmgr.platform.db import after_commit, commit, db, utcnow


def queue_mail(
    recipient: str,
    subject: str,
    body: str,
    *,
    rule: str,
    key: str | None = None,
    headers: dict[str, str] | None = None,
    due_at: datetime | None = None,
) -> OutboxMessage:
    """Store a message for delivery after the caller's transaction commits. `rule` names what
    sends it; with `key`, the rule sends at most one message per key (see `already_sent`)."""
    message = OutboxMessage(
        recipient=recipient,
        subject=subject,
        body=body,
        rule=rule,
        key=key,
        headers=headers or {},
        next_attempt_at=due_at or utcnow(),
    )
    db.session.add(message)
    queued()
    return message


def queue_many(messages: list[dict[str, Any]], *, rule: str) -> int:
    """Many messages of one rule in one statement (a campaign of 10,000 in a second or two),
    in the caller's transaction. Each dict has recipient, subject, body, key and optionally
    headers; a key already queued or sent is left out (each key sends once). Returns how many
    were queued."""
    keys = [m["key"] for m in messages]
    taken: set[str] = set()
    for start in range(0, len(keys), 5000):
        chunk = keys[start : start + 5000]
        taken.update(
            db.session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.in_(chunk)))
        )
    now = utcnow()
    rows = [
        {
            "recipient": m["recipient"],
            "subject": m["subject"],
            "body": m["body"],
            "rule": rule,
            "key": m["key"],
            "headers": m.get("headers") or {},
            "status": QUEUED,
            "next_attempt_at": now,
            "created_at": now,
            "attempts": 0,
        }
        for m in messages
        if m["key"] not in taken
    ]
    if rows:
        db.session.execute(insert(OutboxMessage.__table__), rows)
        queued()
    return len(rows)


def counts_of(rule: str) -> dict[str, int]:
    """Counts per status of the messages of exactly this rule."""
    rows = db.session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.rule == rule)
        .group_by(OutboxMessage.status)
    )
    return dict(rows.all())


def queued() -> None:
    """Some message was queued in this transaction: wake the in-process worker after the
    commit (when this process runs one; else the `flask jobs work` workers find it)."""
    after_commit(_wake)


def _wake() -> None:
    wake_in_process_worker(current_app._get_current_object())


def already_sent(key: str) -> bool:
    """Whether a message with this key exists (queued or sent): rules that run again (a
    reminder sweep) ask before queueing, and the unique key catches a race."""
    return db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None


def summary(rule_prefix: str) -> dict[str, Any]:
    """Counts per status of the messages a rule (or rules with this prefix) sent."""
    rows = db.session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.rule.startswith(rule_prefix))
        .group_by(OutboxMessage.status)
    )
    return dict(rows.all())


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
    db.session.execute(delete(HeldMessage).where(func.lower(HeldMessage.recipient).in_(keys)))
    return done.rowcount


def sent_since(recipient: str, rule_prefix: str, since: datetime) -> int:
    """How many messages of these rules were queued for the recipient since then."""
    return db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            func.lower(OutboxMessage.recipient) == recipient.lower(),
            OutboxMessage.rule.startswith(rule_prefix),
            OutboxMessage.created_at >= since,
        )
    )


def hold(recipient: str, grouping: str, subject: str, body: str) -> HeldMessage:
    """Keep a message back for a digest (the recipient had their share for now)."""
    held = HeldMessage(recipient=recipient, grouping=grouping, subject=subject, body=body)
    db.session.add(held)
    return held


def take_held(recipient: str, grouping: str) -> list[HeldMessage]:
    """The held messages of a recipient, oldest first, removed from the store."""
    rows = list(
        db.session.scalars(
            select(HeldMessage)
            .where(HeldMessage.recipient == recipient, HeldMessage.grouping == grouping)
            .order_by(HeldMessage.id)
        )
    )
    for row in rows:
        db.session.delete(row)
    return rows
