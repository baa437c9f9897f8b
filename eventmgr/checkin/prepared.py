"""The scan path's statements, compiled once per dialect and run on the driver's cursor.

A door scan is three small statements. Through SQLAlchemy's Connection each costs about ten
times what the database spends on it (measured: ~250 us against ~20 us for the access query
on SQLite), so the scan path compiles its Core statements once, with SQLAlchemy, and runs the
SQL on the pooled DBAPI connection with the columns' own bind and result processors (UTC
datetimes stay as UTCDateTime stores them). Driver errors are raised as SQLAlchemy's, so the
API's handlers answer 503 or 422 as for any other statement.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import exc
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement

from eventmgr.platform.db import db, rollback


class Prepared:
    """One statement, compiled for one dialect: its SQL, bind order, processors, row shape."""

    def __init__(self, statement: ClauseElement, dialect: Dialect, keys: tuple[str, ...]):
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        self.sql = compiled.string
        # the values fixed in the statement (LIMIT 1, role names); the rest come per call
        given = compiled.construct_params(dict.fromkeys(keys))
        self.defaults = {k: v for k, v in given.items() if k not in keys}
        self.processors = {
            name: proc
            for name, bind in compiled.binds.items()
            if (proc := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        }
        self.names = tuple(compiled.positiontup) if compiled.positional else None
        columns = list(getattr(statement, "selected_columns", None) or [])
        if not columns and getattr(statement, "_returning", None):
            columns = list(statement._returning)  # type: ignore[attr-defined]
        self.row = namedtuple("Row", [c.key for c in columns]) if columns else None  # type: ignore[misc]
        self.results = [
            c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns
        ]

    def parameters(self, given: dict[str, Any]) -> tuple | dict:
        values = self.defaults | given
        for name, proc in self.processors.items():
            if name in values:
                values[name] = proc(values[name])
        if self.names is None:
            return values
        return tuple(values[name] for name in self.names)

    def shape(self, raw: tuple | None):
        if raw is None or self.row is None:
            return raw
        return self.row(*(v if p is None else p(v) for p, v in zip(self.results, raw, strict=True)))


class DoorConnection:
    """A pooled DBAPI connection running prepared statements; SQLite in autocommit between
    the scan's transactions (the read takes no lock), BEGIN IMMEDIATE for its writes."""

    def __init__(self, raw, dialect: Dialect):
        self.raw = raw
        self.dialect = dialect
        self.sqlite = dialect.name == "sqlite"
        self.cursor = raw.cursor()
        self._cache: dict[tuple, Prepared] = {}

    def first(self, statement: ClauseElement, params: dict[str, Any]):
        """The statement's first row (a named tuple), or None."""
        key = (id(statement), tuple(params))
        prepared = _PREPARED.get(key + (self.dialect.name,))
        if prepared is None:
            prepared = Prepared(statement, self.dialect, tuple(params))
            _PREPARED[key + (self.dialect.name,)] = prepared
            _KEEP.append(statement)  # the id stays this statement's
        args = prepared.parameters(params)
        try:
            self.cursor.execute(prepared.sql, args)
            raw = self.cursor.fetchone() if self.cursor.description else None
        except self.dialect.loaded_dbapi.Error as error:
            self._raise(error, prepared.sql, args)
        return prepared.shape(raw)

    def begin_write(self) -> None:
        """On SQLite take the write lock now; PostgreSQL writes in the open transaction."""
        if self.sqlite and not self.raw.driver_connection.in_transaction:
            self._call(self.cursor.execute, "BEGIN IMMEDIATE")

    def commit(self) -> None:
        self._call(self.raw.commit)

    def rollback(self) -> None:
        self._call(self.raw.rollback)

    def _call(self, fn, *args) -> None:
        try:
            fn(*args)
        except self.dialect.loaded_dbapi.Error as error:
            self._raise(error, str(args[0]) if args else fn.__name__, ())

    def _raise(self, error: Exception, sql: str, args) -> None:
        lost = self.dialect.is_disconnect(error, self.raw.dbapi_connection, self.cursor)
        if lost:
            self.raw.invalidate(error)
        raise exc.DBAPIError.instance(
            sql,
            args,
            error,
            self.dialect.loaded_dbapi.Error,
            connection_invalidated=lost,
            dialect=self.dialect,
        ) from error


_PREPARED: dict[tuple, Prepared] = {}
_KEEP: list[ClauseElement] = []


@contextmanager
def door_connection() -> Iterator[DoorConnection]:
    """A DoorConnection from the engine's pool; what is not committed is rolled back when it
    goes back (the pool's reset on return). The ORM session's transaction (the event's
    look-up) ends first: on SQLite a changing request's transaction holds the write lock that
    this connection's writes need."""
    if db.session().in_transaction():
        rollback()
    engine = db.engine
    raw = engine.raw_connection()
    conn = DoorConnection(raw, engine.dialect)
    try:
        yield conn
    finally:
        try:
            conn.cursor.close()
        finally:
            raw.close()
