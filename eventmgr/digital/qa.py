"""Questions from the room and from home, upvotes, and the moderators' queue.

Questions belong to a top-level item of the published programme (a session, a keynote): the
moderators lead one discussion after it. Only approved (and answered) questions reach the
audience; a name marked anonymous is hidden from the audience, never from the moderators.

Polls are cheap: each item has a board row with two counters (what the audience sees, and the
whole queue). A poll reads one counter and answers 304 when the client's ETag carries it; a
200 serves the JSON this process already built for that counter (built once per change).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import unicodedata
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from eventmgr import audit
from eventmgr.digital.models import (
    ANSWERED,
    APPROVED,
    HIDDEN,
    PENDING,
    SHOWN,
    ModeratorLink,
    QaBoard,
    Question,
    QuestionVote,
)
from eventmgr.digital.settings import DigitalError
from eventmgr.events.models import Event
from eventmgr.platform.db import after_commit, commit, db, utcnow
from eventmgr.platform.tokens import hash_secret
from eventmgr.programme.models import Kind, ProgrammeItem
from eventmgr.programme.services import PublicItem, public_programme
from eventmgr.registration.models import CONFIRMED, Registration

MAX_TEXT = 500
BOARD_SIZE = 100  # the audience sees the top 100; the moderators see everything
NO_QUESTIONS = (Kind.BREAK.value,)
ACTIONS = ("approve", "hide", "answer", "reopen", "pin", "unpin")


# ---------------------------------------------------------------- which items and who


def qa_item(event: Event, item_id: int) -> PublicItem:
    """The published top-level item whose questions these are; a talk's questions go to its
    session, so a talk (or an unknown or unpublished item) names no board."""
    item = public_programme(event).by_id.get(item_id)
    if item is None or item.parent_id is not None or item.kind in NO_QUESTIONS:
        raise DigitalError(
            {"item_id": _("Questions are asked per session; this item has none.")}, 404
        )
    if db.session.get(ProgrammeItem, item_id) is None:  # deleted since the publication
        raise DigitalError({"item_id": _("This item no longer exists.")}, 404)
    return item


def may_ask(registration: Registration | None, event: Event) -> bool:
    return (
        registration is not None
        and registration.event_id == event.id
        and registration.status == CONFIRMED
        and registration.anonymised_at is None
    )


def _asker(registration: Registration | None, event: Event) -> Registration:
    if not may_ask(registration, event):
        raise DigitalError(
            {"registration": _("Questions are for confirmed registrants of this event.")}, 403
        )
    return registration  # type: ignore[return-value]


# ---------------------------------------------------------------- the board counters


def _board(event: Event, item_id: int) -> QaBoard:
    """The item's board row, created on first use (two first askers at once: one row)."""
    board = db.session.get(QaBoard, item_id)
    if board is not None:
        return board
    # Counters start anywhere: a board made again (an item id reused after a restore) never
    # meets a body this process cached for the old one.
    start = secrets.randbelow(2**30) + 1
    try:
        with db.session.begin_nested():
            board = QaBoard(item_id=item_id, event_id=event.id, version=start, queue_version=start)
            db.session.add(board)
    except IntegrityError:
        board = db.session.get(QaBoard, item_id)
    return board  # type: ignore[return-value]


def _touch(board: QaBoard, audience: bool) -> None:
    """Move the counters in the database (two writers never lose a step)."""
    values: dict[str, Any] = {"queue_version": QaBoard.queue_version + 1}
    if audience:
        values["version"] = QaBoard.version + 1
    db.session.execute(update(QaBoard).where(QaBoard.item_id == board.item_id).values(**values))
    after_commit(_forget, board.item_id)


_VERSION_SQL = (
    "SELECT b.version, b.queue_version, b.event_id FROM qa_boards b"
    " JOIN events e ON e.id = b.event_id WHERE b.item_id = {item} AND e.slug = {slug}"
)
# Sent to the driver as it is (no statement compiled per poll), in each driver's style.
_VERSION_SQL_BY_DIALECT = {
    "sqlite": _VERSION_SQL.format(item=":item", slug=":slug"),
    "postgresql": _VERSION_SQL.format(item="%(item)s", slug="%(slug)s"),
}


@dataclass(frozen=True)
class Versions:
    version: int  # what the audience sees
    queue_version: int  # any change
    event_id: int | None  # None before the item's first question


VERSION_TTL = 1.0
"""Seconds a process trusts the counters it read: 550 viewers polling every 5 seconds then
cost a handful of queries a second. A change made in this process is seen at once (the entry
is dropped on commit); one made in another process within VERSION_TTL."""

_VERSIONS: dict[int, tuple[float, str, Versions]] = {}


def versions(slug: str, item_id: int) -> Versions:
    """The counters of an item's board: from this process's last second, or one small query."""
    cached = _VERSIONS.get(item_id)
    now = time.monotonic()
    if cached is not None and cached[0] > now and cached[1] == slug:
        return cached[2]
    conn = db.session.connection()
    sql = _VERSION_SQL_BY_DIALECT[conn.dialect.name]
    row = conn.exec_driver_sql(sql, {"item": item_id, "slug": slug}).first()
    found = Versions(row[0], row[1], row[2]) if row else Versions(0, 0, None)
    if len(_VERSIONS) >= 1024:
        _VERSIONS.clear()
    _VERSIONS[item_id] = (now + VERSION_TTL, slug, found)
    return found


def _forget(*item_ids: int) -> None:
    for item_id in item_ids:
        _VERSIONS.pop(item_id, None)


GRANT_MINUTES = 10
"""How long a poller's proven access holds before its identity is checked again."""


def _sign(*parts: object) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = ":".join(map(str, parts)).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:16]


def etag(
    kind: str, item_id: int, version: int, person: str = "", granted: int | None = None
) -> str:
    """An entity tag naming one state of a board, for one reader, with the minute their access
    was last checked; signed, so nobody can make one up or use another reader's."""
    granted = minute() if granted is None else granted
    return f"{kind}.{item_id}.{version}.{granted}.{_sign(kind, item_id, version, granted, person)}"


def minute() -> int:
    return int(time.time() // 60)


@dataclass(frozen=True)
class Grant:
    """What a valid entity tag from the client proves: which version it has, and when the
    reader's access was checked."""

    version: int
    granted: int


def grant_of(tags, kind: str, item_id: int, person: str) -> Grant | None:
    """The client's tag for this board and reader if it is genuine and recent, else None."""
    now = minute()
    for tag in tags:
        parts = tag.split(".")
        if len(parts) != 5 or parts[0] != kind or parts[1] != str(item_id):
            continue
        try:
            version, granted = int(parts[2]), int(parts[3])
        except ValueError:
            continue
        if not 0 <= now - granted <= GRANT_MINUTES:
            continue
        if hmac.compare_digest(parts[4], _sign(kind, item_id, version, granted, person)):
            return Grant(version, granted)
    return None


# ---------------------------------------------------------------- asking and voting


def clean_text(value: Any) -> str:
    """One question as plain text: control characters out, spaces collapsed."""
    if not isinstance(value, str):
        return ""
    kept = "".join(
        " " if ch in "\r\n\t" else ch
        for ch in value
        if ch in "\r\n\t" or unicodedata.category(ch)[0] != "C"
    )
    return " ".join(kept.split())


def ask(
    event: Event, item_id: int, registration: Registration | None, text_: Any, anonymous: bool
) -> Question:
    """A new question, waiting for the moderators."""
    asker = _asker(registration, event)
    qa_item(event, item_id)
    body = clean_text(text_)
    if not body:
        raise DigitalError({"text": _("Write your question.")})
    if len(body) > MAX_TEXT:
        raise DigitalError({"text": _("At most %(n)d characters.", n=MAX_TEXT)})
    board = _board(event, item_id)
    question = Question(
        event_id=event.id,
        item_id=item_id,
        registration_id=asker.id,
        text=body,
        anonymous=bool(anonymous),
        status=PENDING,
        votes=0,
        asked_at=utcnow(),
    )
    db.session.add(question)
    _touch(board, audience=False)
    commit()
    return question


def _question(event: Event, item_id: int, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.item_id != item_id or question.event_id != event.id:
        raise DigitalError({"question_id": _("No such question in this session.")}, 404)
    return question


def vote(
    event: Event, item_id: int, registration: Registration | None, question_id: int, up: bool
) -> Question:
    """An upvote (once per person) or taking it back, on a question the audience sees."""
    voter = _asker(registration, event)
    question = _question(event, item_id, question_id)
    if question.status not in SHOWN:
        raise DigitalError({"question_id": _("This question is not shown.")}, 409)
    mine = (QuestionVote.question_id == question.id) & (QuestionVote.registration_id == voter.id)
    if up:
        try:
            with db.session.begin_nested():
                db.session.add(
                    QuestionVote(question_id=question.id, registration_id=voter.id, at=utcnow())
                )
        except IntegrityError:
            pass  # voted already: one vote per person
    else:
        db.session.execute(delete(QuestionVote).where(mine))
    _recount(question)
    _touch(_board(event, item_id), audience=True)
    commit()
    return question


def _recount(question: Question) -> None:
    count = select(func.count()).where(QuestionVote.question_id == question.id)
    question.votes = db.session.scalar(count) or 0


# ---------------------------------------------------------------- moderating


def moderate(event: Event, item_id: int, question_id: int, action: str) -> Question:
    """approve, hide, answer, reopen (answered back to approved), pin (approving it), unpin."""
    if action not in ACTIONS:
        raise DigitalError({"action": _("Choose one of: %(a)s.", a=", ".join(ACTIONS))})
    question = _question(event, item_id, question_id)
    board = _board(event, item_id)
    was_shown = question.status in SHOWN
    if action in ("approve", "pin", "reopen"):
        question.status = APPROVED
    elif action == "hide":
        question.status = HIDDEN
    elif action == "answer":
        question.status = ANSWERED
    if action == "pin":
        board.pinned_question_id = question.id
    elif board.pinned_question_id == question.id and action != "approve":
        board.pinned_question_id = None
    question.moderated_at = utcnow()
    db.session.flush()
    _touch(board, audience=was_shown or question.status in SHOWN or action == "unpin")
    commit()
    return question


def erase_questions(registration: Registration) -> None:
    """A person's questions and votes go with their data (in the caller's transaction); the
    boards they were on change, so every poll gets the new state."""
    asked = select(Question.item_id).where(Question.registration_id == registration.id)
    voted = (
        select(Question.item_id)
        .join(QuestionVote, QuestionVote.question_id == Question.id)
        .where(QuestionVote.registration_id == registration.id)
    )
    items = set(db.session.scalars(asked)) | set(db.session.scalars(voted))
    voted_on = list(
        db.session.scalars(
            select(QuestionVote.question_id).where(QuestionVote.registration_id == registration.id)
        )
    )
    mine = list(
        db.session.scalars(select(Question.id).where(Question.registration_id == registration.id))
    )
    db.session.execute(delete(QuestionVote).where(QuestionVote.registration_id == registration.id))
    if mine:
        db.session.execute(
            update(QaBoard)
            .where(QaBoard.pinned_question_id.in_(mine))
            .values(pinned_question_id=None)
        )
        db.session.execute(delete(QuestionVote).where(QuestionVote.question_id.in_(mine)))
        db.session.execute(delete(Question).where(Question.id.in_(mine)))
    for question_id in set(voted_on) - set(mine):
        question = db.session.get(Question, question_id)
        if question is not None:
            _recount(question)
    if items:
        db.session.execute(
            update(QaBoard)
            .where(QaBoard.item_id.in_(items))
            .values(version=QaBoard.version + 1, queue_version=QaBoard.queue_version + 1)
        )
        after_commit(_forget, *items)


# ---------------------------------------------------------------- what polls get


def _name(question: Question, name: str, moderators: bool) -> str | None:
    return name if moderators or not question.anonymous else None


def _row(question: Question, name: str, mode: str, moderators: bool) -> dict[str, Any]:
    row = {
        "id": question.id,
        "text": question.text,
        "name": _name(question, name, moderators),
        "votes": question.votes,
        "status": question.status,
        "asked_at": question.asked_at.isoformat(),
    }
    if moderators:
        row["anonymous"] = question.anonymous
        row["from"] = "home" if mode == "digital" else "room"
    return row


def _order(rows: list[dict]) -> list[dict]:
    """Open questions first, most votes first, then oldest; answered ones last."""
    return sorted(
        rows, key=lambda r: (r["status"] == ANSWERED, -r["votes"], r["asked_at"], r["id"])
    )


def _questions(item_id: int, statuses: tuple[str, ...] | None) -> list[tuple]:
    query = (
        select(Question, Registration.name, Registration.mode)
        .join(Registration, Registration.id == Question.registration_id)
        .where(Question.item_id == item_id)
    )
    if statuses is not None:
        query = query.where(Question.status.in_(statuses))
    return list(db.session.execute(query))


# One built body per board state and kind, per process: a change builds it once.
_BUILT: dict[tuple[str, int], tuple[int, bytes]] = {}


def _cached(kind: str, item_id: int, version: int, build) -> bytes:
    found = _BUILT.get((kind, item_id))
    if found is not None and found[0] == version:
        return found[1]
    body = json.dumps(build(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if len(_BUILT) >= 512:
        _BUILT.pop(next(iter(_BUILT)))
    _BUILT[(kind, item_id)] = (version, body)
    return body


def board_body(item_id: int, version: int) -> bytes:
    """What the audience sees of an item's questions (JSON bytes), for `version`."""

    def build() -> dict[str, Any]:
        board = db.session.get(QaBoard, item_id)
        rows = [_row(q, name, mode, False) for q, name, mode in _questions(item_id, SHOWN)]
        rows = _order(rows)
        pinned_id = board.pinned_question_id if board else None
        pinned = next((r for r in rows if r["id"] == pinned_id), None)
        return {
            "item_id": item_id,
            "version": version,
            "pinned": pinned,
            "questions": rows[:BOARD_SIZE],
            "total": len(rows),
        }

    return _cached("board", item_id, version, build)


def queue_body(item_id: int, version: int) -> bytes:
    """Every question of the item with its asker, for the moderators (JSON bytes)."""

    def build() -> dict[str, Any]:
        board = db.session.get(QaBoard, item_id)
        rows = [_row(q, name, mode, True) for q, name, mode in _questions(item_id, None)]
        counts = {s: 0 for s in (PENDING, APPROVED, ANSWERED, HIDDEN)}
        for row in rows:
            counts[row["status"]] += 1
        pending = sorted(
            (r for r in rows if r["status"] == PENDING), key=lambda r: (r["asked_at"], r["id"])
        )
        return {
            "item_id": item_id,
            "version": version,
            "pinned_id": board.pinned_question_id if board else None,
            "counts": counts,
            "pending": pending,
            "shown": _order([r for r in rows if r["status"] in SHOWN]),
            "hidden": [r for r in rows if r["status"] == HIDDEN],
        }

    return _cached("queue", item_id, version, build)


def mine(item_id: int, registration: Registration) -> dict[str, Any]:
    """The person's own votes and questions on an item (not cached: one person's)."""
    voted = select(QuestionVote.question_id).join(Question, Question.id == QuestionVote.question_id)
    voted = voted.where(
        QuestionVote.registration_id == registration.id, Question.item_id == item_id
    )
    asked = select(Question).where(
        Question.registration_id == registration.id, Question.item_id == item_id
    )
    return {
        "voted": sorted(db.session.scalars(voted)),
        "asked": [
            {"id": q.id, "text": q.text, "status": q.status, "anonymous": q.anonymous}
            for q in db.session.scalars(asked.order_by(Question.id))
        ],
    }


def questions_of(registration: Registration) -> list[dict[str, Any]]:
    """The person's questions, for their data download."""
    query = select(Question).where(Question.registration_id == registration.id)
    return [
        {
            "item_id": q.item_id,
            "text": q.text,
            "anonymous": q.anonymous,
            "status": q.status,
            "votes": q.votes,
            "asked_at": q.asked_at.isoformat(),
        }
        for q in db.session.scalars(query.order_by(Question.id))
    ]


def votes_of(registration: Registration) -> list[int]:
    query = select(QuestionVote.question_id).where(QuestionVote.registration_id == registration.id)
    return sorted(db.session.scalars(query))


# ---------------------------------------------------------------- moderator links


def find_link(token: str) -> ModeratorLink | None:
    """A moderator link that still works (not revoked)."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(ModeratorLink).where(
            ModeratorLink.token_hash == hash_secret(token), ModeratorLink.revoked_at.is_(None)
        )
    )


def links_of(event: Event, item_id: int | None = None) -> list[ModeratorLink]:
    query = select(ModeratorLink).where(ModeratorLink.event_id == event.id)
    if item_id is not None:
        query = query.where(ModeratorLink.item_id == item_id)
    return list(db.session.scalars(query.order_by(ModeratorLink.id)))


def create_link(event: Event, item_id: int, label: str = "") -> tuple[ModeratorLink, str]:
    """A new moderator link for an item's questions; the token is shown once, to the organiser."""
    qa_item(event, item_id)
    token = secrets.token_urlsafe(32)
    link = ModeratorLink(
        event_id=event.id,
        item_id=item_id,
        token_hash=hash_secret(token),
        label=clean_text(label)[:200],
        created_at=utcnow(),
    )
    db.session.add(link)
    db.session.flush()
    audit.record("digital.moderator_link_created", event=event, target=link)
    commit()
    return link, token


def revoke_link(event: Event, link_id: int) -> ModeratorLink:
    link = db.session.get(ModeratorLink, link_id)
    if link is None or link.event_id != event.id:
        raise DigitalError({"link_id": _("No such moderator link.")}, 404)
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        audit.record("digital.moderator_link_revoked", event=event, target=link)
    commit()
    return link
