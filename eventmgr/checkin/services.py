"""The door's rules, shared by the scanner page, the API and the offline upload.

The scan path is kept lean on purpose (300 people in 30 minutes through a few doors, and a
benchmark): plain column queries, no ORM objects or relationships, one commit. One check-in per
registration is decided by the database's unique constraint (INSERT ... ON CONFLICT DO NOTHING),
so concurrent doors in several processes never both accept a badge. The reading happens
before the write transaction, which on SQLite starts as BEGIN IMMEDIATE (so no stale snapshot
is ever upgraded to a writer).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite

from eventmgr import audit
from eventmgr.checkin.models import (
    ACCEPTED,
    ALREADY_CHECKED_IN,
    CANCELLED,
    DIGITAL_REGISTRATION,
    REFUSED,
    REVOKED,
    UNKNOWN,
    WAITLISTED,
    WRONG_EVENT,
    Checkin,
    Scan,
)
from eventmgr.checkin.prepared import DoorConnection, door_connection
from eventmgr.platform.db import begin_write, commit, db, rollback, utcnow
from eventmgr.registration import models as reg
from eventmgr.registration.models import Registration, RevokedBadgeCode

CODE_PATTERN = re.compile(r"[A-Z2-7]{26}")
MAX_FIELD = 80
BUCKET = timedelta(minutes=5)

_R = Registration.__table__.c
_C = Checkin.__table__.c
_S = Scan.__table__.c


@dataclass
class Answer:
    """What the door shows: accepted, or refused with a reason; the person when known."""

    status: str
    reason: str | None = None
    registration: dict[str, Any] | None = None
    first_checkin: dict[str, Any] | None = None
    repeated: bool = False  # a nonce seen before: the stored answer, nothing new stored

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "reason": self.reason,
            "registration": self.registration,
            "first_checkin": self.first_checkin,
        }


# --------------------------------------------------------------------------- codes


def normalise(text: Any) -> str | None:
    """The badge code in scanned text (trimmed, upper case), or None for anything else."""
    if not isinstance(text, str) or len(text) > 200:
        return None
    code = text.strip().upper()
    return code if CODE_PATTERN.fullmatch(code) else None


def code_hash(code: str) -> str:
    """What the offline page compares: SHA-256 of the normalised code, as hex."""
    return hashlib.sha256(code.encode("ascii", "replace")).hexdigest()


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _clip(value: Any) -> str:
    """A door, device or nonce as stored: control characters (PostgreSQL refuses NUL in
    text) dropped, trimmed, bounded."""
    return _CONTROL.sub("", value).strip()[:MAX_FIELD] if isinstance(value, str) else ""


# --------------------------------------------------------------------------- deciding


def _person(row) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "organisation": row.organisation,
        "role": row.role,
        "mode": row.mode,
        "status": row.status,
    }


def _first(at: datetime | None, door: str | None) -> dict[str, Any] | None:
    return None if at is None else {"at": at.isoformat(), "door": door or ""}


PERSON_COLUMNS = (
    _R.id,
    _R.event_id,
    _R.name,
    _R.organisation,
    _R.role,
    _R.mode,
    _R.status,
    _C.at,
    _C.door,
)


def _decide(event_id: int, row) -> Answer:
    """The rules, in order: another event, cancelled, waiting list, digital, already in."""
    if row.event_id != event_id:
        return Answer(REFUSED, WRONG_EVENT)
    person = _person(row)
    if row.status == reg.CANCELLED:
        return Answer(REFUSED, CANCELLED, person)
    if row.status == reg.WAITLISTED:
        return Answer(REFUSED, WAITLISTED, person)
    if row.mode == reg.DIGITAL:
        return Answer(REFUSED, DIGITAL_REGISTRATION, person)
    if row.at is not None:
        return Answer(REFUSED, ALREADY_CHECKED_IN, person, _first(row.at, row.door))
    return Answer(ACCEPTED, None, person)


_JOINED = Registration.__table__.outerjoin(Checkin.__table__, _C.registration_id == _R.id)
_BY_CODE = select(*PERSON_COLUMNS).select_from(_JOINED).where(_R.badge_code == bindparam("code"))
_BY_ID = select(*PERSON_COLUMNS).select_from(_JOINED).where(_R.id == bindparam("rid"))
_BY_REVOKED = (
    select(*PERSON_COLUMNS)
    .select_from(
        RevokedBadgeCode.__table__.join(
            Registration.__table__, _R.id == RevokedBadgeCode.registration_id
        ).outerjoin(Checkin.__table__, _C.registration_id == _R.id)
    )
    .where(RevokedBadgeCode.code == bindparam("code"))
)
_FIRST = select(_C.at, _C.door).where(_C.registration_id == bindparam("rid"))


NOT_LOOKED_UP: Any = object()


def _look_up(
    conn, event_id: int, code: str | None, registration_id: int | None, row=NOT_LOOKED_UP
) -> Answer:
    """The decision; `row` is the badge's registration when the caller fetched it already
    (the API does, in its access query), None when there was none."""
    if row is not NOT_LOOKED_UP:
        pass
    elif registration_id is not None:
        row = conn.first(_BY_ID, {"rid": registration_id})
    elif code is None:
        return Answer(REFUSED, UNKNOWN)
    else:
        row = conn.first(_BY_CODE, {"code": code})
    if row is not None and row.id is not None:
        return _decide(event_id, row)
    if code is None:
        return Answer(REFUSED, UNKNOWN)
    revoked = conn.first(_BY_REVOKED, {"code": code})
    if revoked is None:
        return Answer(REFUSED, UNKNOWN)
    if revoked.event_id != event_id:
        return Answer(REFUSED, WRONG_EVENT)
    return Answer(REFUSED, REVOKED, _person(revoked))


_STATEMENTS: dict[str, tuple] = {}


def _inserts(dialect: str) -> tuple:
    """The two INSERTs of a scan, built once per dialect (building a statement costs more
    than running it on the hot path)."""
    if dialect not in _STATEMENTS:
        make = postgresql.insert if dialect == "postgresql" else sqlite.insert
        checkin = (
            make(Checkin.__table__)
            .on_conflict_do_nothing(index_elements=["registration_id"])
            .returning(_C.id)
        )
        scan_row = (
            make(Scan.__table__)
            .on_conflict_do_nothing(index_elements=["event_id", "nonce"])
            .returning(_S.id)
        )
        _STATEMENTS[dialect] = (checkin, scan_row)
    return _STATEMENTS[dialect]


class SessionConnection:
    """The ORM session's connection with DoorConnection's methods: a check-in by hand is
    audited, so it runs in the session's transaction."""

    def __init__(self) -> None:
        self.conn = db.session.connection()
        self.dialect = self.conn.dialect

    def first(self, statement, params: dict[str, Any]):
        return self.conn.execute(statement, params).first()

    def begin_write(self) -> None:
        """Already begun: `begin_scan` opened the session's write transaction."""


def begin_scan() -> SessionConnection:
    """Open the session's write transaction (BEGIN IMMEDIATE on SQLite) for a scan in it."""
    begin_write(db.session)
    return SessionConnection()


_BY_NONCE = select(_S.status, _S.reason, _S.registration_id).where(
    _S.event_id == bindparam("event_id"), _S.nonce == bindparam("nonce")
)


def _stored_answer(conn, event_id: int, nonce: str) -> Answer | None:
    """The answer given to a nonce before, rebuilt from the stored scan."""
    row = conn.first(_BY_NONCE, {"event_id": event_id, "nonce": nonce})
    if row is None:
        return None
    answer = Answer(row.status, row.reason, repeated=True)
    if row.registration_id is not None and row.reason != WRONG_EVENT:
        found = conn.first(_BY_ID, {"rid": row.registration_id})
        if found is not None:
            answer.registration = _person(found)
            if row.reason == ALREADY_CHECKED_IN:
                answer.first_checkin = _first(found.at, found.door)
    return answer


def scan(
    event_id: int,
    text: Any = None,
    *,
    registration_id: int | None = None,
    door: Any = "",
    device: Any = "",
    nonce: Any = None,
    scanned_at: datetime | None = None,
    offline: bool = False,
    local_status: str | None = None,
    connection=None,
    row=NOT_LOOKED_UP,
) -> Answer:
    """Decide one scan (or, with `registration_id`, a check-in by hand), store it, commit.

    A nonce seen before returns the first answer and stores nothing new: the scan's INSERT
    meets the (event, nonce) constraint, and the whole transaction, check-in included, is
    rolled back. So a fresh scan costs no look-up of its nonce."""
    values = {
        "registration_id": registration_id,
        "door": _clip(door),
        "device": _clip(device),
        "nonce": _clip(nonce) or None,
        "scanned_at": scanned_at,
        "offline": offline,
        "local_status": local_status,
    }
    if registration_id is not None:  # by hand: audited, so through the session
        return _scan(event_id, text, conn=begin_scan(), in_session=True, **values)
    if connection is not None:
        return _scan(event_id, text, conn=connection, in_session=False, row=row, **values)
    with scan_connection() as conn:
        return _scan(event_id, text, conn=conn, in_session=False, **values)


def scan_connection():
    """A connection outside the ORM session (the scan path needs none of it) running the
    prepared statements on the driver; whatever is not committed is rolled back."""
    return door_connection()


def _scan(
    event_id: int,
    text: Any,
    *,
    registration_id: int | None,
    door: str,
    device: str,
    nonce: str | None,
    scanned_at: datetime | None,
    offline: bool,
    local_status: str | None,
    conn: DoorConnection | SessionConnection,
    in_session: bool,
    row=NOT_LOOKED_UP,
) -> Answer:
    now = utcnow()
    values = {
        "registration_id": registration_id,
        "door": door,
        "device": device,
        "nonce": nonce,
        "scanned_at": scanned_at,
        "offline": offline,
        "local_status": local_status,
    }
    code = normalise(text) if registration_id is None else None
    answer = _look_up(conn, event_id, code, registration_id, row)
    # On SQLite the reading is done outside the write lock (the INSERT's constraint, not the
    # reading, decides a race), so that only the writing queues for it.
    conn.begin_write()
    return _store(conn, event_id, text, code, answer, now=now, in_session=in_session, **values)


def _store(
    conn: DoorConnection | SessionConnection,
    event_id: int,
    text: Any,
    code: str | None,
    answer: Answer,
    *,
    now: datetime,
    in_session: bool,
    registration_id: int | None,
    door: str,
    device: str,
    nonce: str | None,
    scanned_at: datetime | None,
    offline: bool,
    local_status: str | None,
) -> Answer:
    """Write the check-in (if accepted and still free) and the scan, then commit."""
    checkin_insert, scan_insert = _inserts(conn.dialect.name)
    manual = registration_id is not None
    at = scanned_at or now
    if answer.status == ACCEPTED:
        person = answer.registration
        inserted = conn.first(
            checkin_insert,
            {
                "event_id": event_id,
                "registration_id": person["id"],
                "at": at,
                "door": door,
                "device": device,
                "manual": manual,
                "created_at": now,
            },
        )
        if inserted is None:  # another door, a moment earlier, in another process
            first = conn.first(_FIRST, {"rid": person["id"]})
            answer = Answer(REFUSED, ALREADY_CHECKED_IN, person, _first(first.at, first.door))
    if code is not None:
        hashed = code_hash(code)
    elif manual or not isinstance(text, str):
        hashed = ""
    else:
        hashed = code_hash(text.strip().upper())
    stored_scan = conn.first(
        scan_insert,
        {
            "event_id": event_id,
            "code_hash": hashed,
            "door": door,
            "device": device,
            "nonce": nonce,
            "scanned_at": at,
            "received_at": now,
            "status": answer.status,
            "reason": answer.reason,
            "offline": offline,
            "manual": manual,
            "local_status": local_status if local_status in (ACCEPTED, REFUSED) else None,
            "registration_id": (answer.registration or {}).get("id"),
        },
    )
    if stored_scan is None:  # the same nonce seen before: its answer, nothing new stored
        if in_session:
            rollback()
            conn = SessionConnection()
        else:
            conn.rollback()
        return _stored_answer(conn, event_id, nonce) or answer
    if in_session:
        if manual:
            audit.record(
                "checkin.manual",
                event=event_id,
                target=("Registration", registration_id),
                details={"status": answer.status, "reason": answer.reason or "", "door": door},
            )
        commit()
    else:
        conn.commit()
    return answer


@dataclass
class BatchResult:
    answers: list[tuple[str, Answer]]
    twice: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        counted = Counter(
            "repeated"
            if a.repeated
            else "accepted"
            if a.status == ACCEPTED
            else "duplicates"
            if a.reason == ALREADY_CHECKED_IN
            else "refused"
            for _nonce, a in self.answers
        )
        return {
            "results": [{"nonce": n} | a.as_dict() for n, a in self.answers],
            "accepted": counted["accepted"],
            "duplicates": counted["duplicates"],
            "refused": counted["refused"],
            "repeated": counted["repeated"],
            "got_in_twice": self.twice,
        }


def upload(event_id: int, scans: Iterable[dict[str, Any]]) -> BatchResult:
    """Scans queued by an offline page, in the order they were made. The server keeps the
    check-in it has; a later scan of the same badge counts as a duplicate, and when the page had
    let that person in (it could not know), they are reported as having got in twice."""
    answers: list[tuple[str, Answer]] = []
    twice: list[dict[str, Any]] = []
    for item in sorted(scans, key=lambda s: s["scanned_at"]):
        answer = scan(
            event_id,
            item.get("code"),
            door=item.get("door", ""),
            device=item.get("device", ""),
            nonce=item["nonce"],
            scanned_at=item["scanned_at"],
            offline=True,
            local_status=item.get("local_status"),
        )
        answers.append((item["nonce"], answer))
        if (
            item.get("local_status") == ACCEPTED
            and answer.reason == ALREADY_CHECKED_IN
            and answer.registration
        ):
            twice.append(
                {
                    "registration": answer.registration,
                    "first_checkin": answer.first_checkin,
                    "second": {"at": item["scanned_at"].isoformat(), "door": item.get("door", "")},
                }
            )
    return BatchResult(answers, twice)


# --------------------------------------------------------------------------- the door's copy


def _state(mode: str, status: str) -> str:
    if status == reg.CANCELLED:
        return CANCELLED
    if status == reg.WAITLISTED:
        return WAITLISTED
    if mode == reg.DIGITAL:
        return DIGITAL_REGISTRATION
    return "ok"


def snapshot(event_id: int) -> dict[str, Any]:
    """What an offline page decides from: the codes as SHA-256 with the name to show and the
    state, who is in already, and the revoked codes. No code itself leaves the server."""
    rows = db.session.execute(
        select(_R.badge_code, _R.name, _R.organisation, _R.role, _R.mode, _R.status, _C.at, _C.door)
        .select_from(
            Registration.__table__.outerjoin(Checkin.__table__, _C.registration_id == _R.id)
        )
        .where(_R.event_id == event_id, _R.anonymised_at.is_(None))
    )
    codes = {
        code_hash(r.badge_code): {
            "name": r.name,
            "organisation": r.organisation,
            "role": r.role,
            "state": _state(r.mode, r.status),
            "checked_in": _first(r.at, r.door),
        }
        for r in rows
    }
    revoked = [
        code_hash(c)
        for c in db.session.scalars(
            select(RevokedBadgeCode.code).where(RevokedBadgeCode.event_id == event_id)
        )
    ]
    return {"generated_at": utcnow().isoformat(), "codes": codes, "revoked": revoked}


def search(event_id: int, q: str, limit: int = 20) -> list[dict[str, Any]]:
    """People by name, email or organisation, for the badge left at home. Matched in Python
    with full Unicode case folding (SQLite's lower() knows only ASCII: Ø, Å, İ)."""
    words = (q or "").casefold().split()[:5]
    if not words or sum(map(len, words)) < 2:
        return []
    rows = db.session.execute(
        select(*PERSON_COLUMNS, _R.email_key)
        .select_from(
            Registration.__table__.outerjoin(Checkin.__table__, _C.registration_id == _R.id)
        )
        .where(_R.event_id == event_id, _R.anonymised_at.is_(None))
    )
    found = []
    for row in rows:
        text = f"{row.name} {row.organisation} {row.email_key}".casefold()
        if all(word in text for word in words):
            found.append(row)
    found.sort(key=lambda r: (r.name.casefold(), r.id))
    out = []
    for row in found[:limit]:
        answer = _decide(event_id, row)
        out.append(
            _person(row)
            | {"state": answer.reason or "ok", "first_checkin": _first(row.at, row.door)}
        )
    return out


# --------------------------------------------------------------------------- figures


def stats(event_id: int) -> dict[str, Any]:
    """Checked in versus expected, refusals by reason, per door, arrivals per 5 minutes."""
    expected = db.session.scalar(
        select(func.count(_R.id)).where(
            _R.event_id == event_id, _R.status == reg.CONFIRMED, _R.mode == reg.ON_SITE
        )
    )
    arrivals = list(
        db.session.execute(select(_C.at, _C.door).where(_C.event_id == event_id).order_by(_C.at))
    )
    refused = dict(
        db.session.execute(
            select(_S.reason, func.count(_S.id))
            .where(_S.event_id == event_id, _S.status == REFUSED)
            .group_by(_S.reason)
        ).all()
    )
    doors: dict[str, dict[str, int]] = {}
    for door, status, n in db.session.execute(
        select(_S.door, _S.status, func.count(_S.id))
        .where(_S.event_id == event_id)
        .group_by(_S.door, _S.status)
    ):
        entry = doors.setdefault(door or "", {"scans": 0, "accepted": 0, "checked_in": 0})
        entry["scans"] += n
        if status == ACCEPTED:
            entry["accepted"] += n
    for _at, door in arrivals:
        doors.setdefault(door or "", {"scans": 0, "accepted": 0, "checked_in": 0})[
            "checked_in"
        ] += 1
    twice = db.session.scalar(
        select(func.count(_S.id)).where(
            _S.event_id == event_id,
            _S.local_status == ACCEPTED,
            _S.reason == ALREADY_CHECKED_IN,
        )
    )
    return {
        "checked_in": len(arrivals),
        "expected": expected,
        "refused": {reason: refused.get(reason, 0) for reason in REASON_ORDER},
        "scans": sum(d["scans"] for d in doors.values()),
        "doors": [{"door": k} | v for k, v in sorted(doors.items())],
        "arrivals": _buckets([a.at for a in arrivals]),
        "got_in_twice": twice,
    }


REASON_ORDER = (
    ALREADY_CHECKED_IN,
    DIGITAL_REGISTRATION,
    WAITLISTED,
    CANCELLED,
    REVOKED,
    WRONG_EVENT,
    UNKNOWN,
)


def _buckets(times: list[datetime]) -> list[dict[str, Any]]:
    """Arrivals per 5 minutes from the first to the last, empty intervals included."""
    if not times:
        return []
    size = int(BUCKET.total_seconds())
    counts = Counter(int(t.timestamp()) // size for t in times)
    first, last = min(counts), max(counts)
    # a stray clock far off: show only the busy intervals
    keys = sorted(counts) if last - first > 2000 else range(first, last + 1)
    return [
        {
            "start": datetime.fromtimestamp(k * size, tz=times[0].tzinfo).isoformat(),
            "count": counts[k],
        }
        for k in keys
    ]


MISSING_COLUMNS = ("name", "email", "organisation", "role", "category")


def not_arrived(event_id: int) -> Iterator[Registration]:
    """Confirmed on-site people without a check-in, by name."""
    query = (
        select(Registration)
        .outerjoin(Checkin, Checkin.registration_id == Registration.id)
        .where(
            and_(
                Registration.event_id == event_id,
                Registration.status == reg.CONFIRMED,
                Registration.mode == reg.ON_SITE,
                Checkin.id.is_(None),
            )
        )
        .order_by(func.lower(Registration.name), Registration.id)
    )
    return db.session.scalars(query.execution_options(yield_per=500))


def not_arrived_rows(event_id: int) -> Iterator[list[Any]]:
    for r in not_arrived(event_id):
        yield [r.name, r.email, r.organisation, r.role, r.category]
