"""Record actions in the caller's transaction, so an entry exists exactly when the change does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import g, has_app_context, has_request_context
from flask_login import current_user
from sqlalchemy import Select, select

from eventmgr.audit.models import AuditEntry
from eventmgr.platform.db import db
from eventmgr.platform.redact import ERASED, Redactor, everything


def _current_actor() -> tuple[int | None, str]:
    """Whoever acts: a background job's owner, the API token's user, the signed-in user,
    else the system (commands)."""
    if not has_app_context():
        return None, "system"
    user = g.get("acting_user") or g.get("api_user")
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    return (user.id, user.email) if user is not None else (None, "system")


def record(
    action: str,
    *,
    event: Any = None,
    target: Any = None,
    details: dict[str, Any] | None = None,
    actor: Any = None,
) -> AuditEntry:
    """Add an entry to the session; the caller's commit stores it with the change it describes.

    `target` is a model instance (its class name and id are kept) or a (type, id) pair;
    `actor` defaults to the signed-in user, or "system" for commands and background work.
    """
    actor_id, label = (actor.id, actor.email) if actor is not None else _current_actor()
    if isinstance(target, tuple):
        target_type, target_id = target
    elif target is not None:
        target_type, target_id = type(target).__name__, getattr(target, "id", "")
    else:
        target_type, target_id = "", ""
    entry = AuditEntry(
        actor_id=actor_id,
        actor_label=label,
        event_id=getattr(event, "id", event),
        action=action,
        target_type=target_type,
        target_id=str(target_id or ""),
        details=details or {},
    )
    db.session.add(entry)
    return entry


def entries_query(event_id: int | None = None, action: str = "", actor: str = "") -> Select:
    """The filtered log, newest first."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if event_id:
        query = query.where(AuditEntry.event_id == event_id)
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    if actor:
        query = query.where(AuditEntry.actor_label.ilike(f"%{actor}%"))
    return query


EXPORT_COLUMNS = ("at_utc", "actor", "event_id", "action", "target_type", "target_id", "details")


def export_rows(query: Select) -> Iterator[list[str]]:
    """CSV rows for the administrator's export, streamed in batches."""
    for entry in db.session.scalars(query.execution_options(yield_per=500)):
        yield [
            entry.at.isoformat(),
            entry.actor_label,
            str(entry.event_id or ""),
            entry.action,
            entry.target_type,
            entry.target_id,
            _details_text(entry.details),
        ]


def _details_text(details: dict[str, Any]) -> str:
    return "; ".join(f"{key}={value}" for key, value in sorted((details or {}).items()))


def redact(targets: set[tuple[str, str]], event_id: int | None, redactor: Redactor) -> int:
    """Erasure, in the caller's transaction: entries about the erased records (`targets`, as
    (type, id)) keep who acted, when and which fields changed, but none of the values; other
    entries of the event (or of no event) lose the person's values (Redactor). Returns how
    many entries changed."""
    query = select(AuditEntry)
    if event_id is not None:
        query = query.where((AuditEntry.event_id == event_id) | AuditEntry.event_id.is_(None))
    changed = 0
    for entry in db.session.scalars(query.execution_options(yield_per=500)):
        about = (entry.target_type, entry.target_id) in targets
        details = everything(entry.details) if about else redactor(entry.details or {})
        target_id = ERASED if redactor.matches(entry.target_id) else entry.target_id
        label = ERASED if redactor.matches(entry.actor_label) else entry.actor_label
        if (details, target_id, label) != (entry.details, entry.target_id, entry.actor_label):
            entry.details, entry.target_id, entry.actor_label = details, target_id, label
            changed += 1
    return changed
