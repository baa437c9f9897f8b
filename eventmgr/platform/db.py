"""The database layer: one declarative base, UTC timestamps, SQLite pragmas and transactions.

One convention for transactions: a service that changes data ends its unit of work with
`commit()`, which commits and then runs what the work asked to happen afterwards
(`after_commit`: mail delivery, signals with side effects). A rollback forgets those. Views,
the API, jobs and commands never commit themselves; they call services.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, event, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    """Aware UTC now; every stored timestamp is UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and returns them aware, on SQLite as on PostgreSQL.

    SQLite keeps no offset, so naive values read back are UTC by construction.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store aware UTC datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL lets readers work during a write; foreign keys are off in SQLite unless asked."""
    if not _is_sqlite(dbapi_connection):
        return
    # SQLAlchemy's documented pysqlite recipe: the driver no longer opens transactions on its
    # own (it would do so late, and never for reads); `_sqlite_begin` emits BEGIN instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_private_sqlite_file(url: str) -> None:
    """An SQLite database file that does not exist yet is created readable by its owner only
    (0600) before SQLite opens it; SQLite gives its -wal and -shm files the same mode."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    if parsed.query.get("uri") or parsed.database.startswith("file:"):
        return  # an SQLite URI names its own options
    path = Path(parsed.database)
    if path.exists() or not path.parent.is_dir():
        return
    with contextlib.suppress(FileExistsError):  # another process made it a moment ago
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


IMMEDIATE = "sqlite_immediate"
"""Execution option: start this SQLite transaction as a write transaction (BEGIN IMMEDIATE)."""


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn) -> None:
    """Open SQLite transactions ourselves; IMMEDIATE ones take the write lock up front, so that
    a read-then-write (count the seats, then book one) cannot interleave with another writer.

    A request that changes things begins that way too: a transaction that read first cannot
    become a writer once another connection (a worker delivering mail, another process) has
    committed since, and SQLite would refuse it at once (SQLITE_BUSY_SNAPSHOT) instead of
    waiting. Reading pages begin deferred, so readers never wait for writers."""
    if conn.dialect.name != "sqlite":
        return
    immediate = conn.get_execution_options().get(IMMEDIATE) or (
        has_request_context() and request.method in _CHANGING
    )
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def begin_write(session) -> None:
    """Start a fresh transaction in which the caller will read and then write.

    Ends the session's current transaction first (committing what it holds), then on SQLite
    begins with BEGIN IMMEDIATE; on PostgreSQL the caller locks rows with FOR UPDATE.
    """
    commit_keeping_state(session)
    session.connection(execution_options={IMMEDIATE: True})


def commit_keeping_state(session=None) -> None:
    """`commit()` without expiring loaded objects: the caller knows they are current, and
    reloading each one costs a query on the hot path (a registration surge)."""
    session = session or db.session
    if isinstance(session, scoped_session):
        session = session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        commit()
    finally:
        session.expire_on_commit = expire


# --------------------------------------------------------------------------- after the commit

_PENDING = "eventmgr.after_commit.pending"  # registered in the open transaction
_READY = "eventmgr.after_commit.ready"  # its transaction committed; to run


def after_commit(action: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run `action(*args, **kwargs)` once the current transaction has committed (by `commit()`);
    never when it rolls back. Mail and signals with side effects go through here, so nothing
    is sent for a change that did not happen."""
    db.session().info.setdefault(_PENDING, []).append((action, args, kwargs))


def after_commit_batch(action: Callable[[list[Any]], Any], item: Any) -> None:
    """Collect `item` for one call `action(items)` once the transaction commits: the mail of
    one change goes out over one SMTP connection, however many messages it has."""
    pending = db.session().info.setdefault(_PENDING, [])
    for queued, args, _kwargs in pending:
        if queued is _run_batch and args[0] is action:
            args[1].append(item)
            return
    pending.append((_run_batch, (action, [item]), {}))


def _run_batch(action: Callable[[list[Any]], Any], items: list[Any]) -> None:
    action(items)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        session.info.setdefault(_READY, []).extend(pending)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: its work is gone
        session.info.pop(_PENDING, None)


def commit() -> None:
    """Commit the unit of work, then run its after-commit actions in the order they came.

    An action may itself change data and commit (a reaction in another domain); what it
    registers runs in turn, after its own commit.
    """
    session = db.session()
    session.commit()
    while ready := session.info.pop(_READY, None):
        for action, args, kwargs in ready:
            action(*args, **kwargs)


def rollback() -> None:
    """Drop the unit of work and everything it meant to do after a commit."""
    db.session.rollback()
