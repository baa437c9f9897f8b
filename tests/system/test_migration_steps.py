"""Migrations with data in the tables: upgrade one revision at a time from the first to the last,
putting a few rows into every table that each step creates (plain SQL on the reflected tables,
no models), and checking after every later step, and after downgrading the last one, that the
rows are still there. Revisions are read from migrations/, so new ones are covered by name."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, Table, insert, select, types

from eventmgr.app import create_app
from eventmgr.platform.db import db
from tests.support import need_postgres, postgres_database

ROWS = 3
BASE = datetime(2030, 1, 24, 8, tzinfo=UTC)
# Values that a table's CHECK constraints need beyond what fits the column types.
CHECKED = {
    "agendas": {"user_id": None},  # one owner: a registration or an account, never both
    "meeting_tables": {"seats": 4},  # at least two people meet
}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'steps.sqlite3'}"
    return postgres_database(need_postgres(), "hardening_migration_steps")


def _revisions() -> list[str]:
    """Every revision from the first to the head, in order."""
    config = current_app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    return [r.revision for r in reversed(list(script.walk_revisions("base", "heads")))]


def _reflect() -> MetaData:
    metadata = MetaData()
    metadata.reflect(bind=db.engine)
    return metadata


def _value(table: Table, column, i: int, ids: dict[str, list]):
    """A value that fits the column's type, unique per row; foreign keys point at real rows
    (nullable self-references stay empty); later date columns are later (ends after starts)."""
    for fk in column.foreign_keys:
        target = fk.column.table.name
        if target == table.name:
            return None
        return ids[target][i % len(ids[target])]
    position = list(table.columns).index(column)
    kind = column.type
    if isinstance(kind, types.Boolean):
        return i % 2 == 0
    if isinstance(kind, types.Integer):
        return i + 1
    if isinstance(kind, types.Numeric | types.Float):
        return i + 0.5
    if isinstance(kind, types.DateTime):
        return BASE + timedelta(days=i, hours=position)
    if isinstance(kind, types.Date):
        return date(2030, 1, 1) + timedelta(days=i * 40 + position)
    if isinstance(kind, types.JSON):
        return {"step": i}
    if isinstance(kind, types.LargeBinary):
        return bytes([i]) * 4
    if isinstance(kind, types.String | types.Text):
        text = f"{column.name}-{table.name}-{i}"
        length = getattr(kind, "length", None)
        return text[-length:] if length else text
    raise AssertionError(f"no sample value for {table.name}.{column.name} ({kind!r})")


def _seed(table: Table, ids: dict[str, list]) -> None:
    rows = []
    for i in range(ROWS):
        row = {}
        for column in table.columns:
            numbered = (
                column.primary_key
                and len(table.primary_key.columns) == 1
                and isinstance(column.type, types.Integer)
            )
            if numbered and column.autoincrement is not False and not column.foreign_keys:
                continue  # the database numbers the rows
            row[column.name] = _value(table, column, i, ids)
        row.update(CHECKED.get(table.name, {}))
        rows.append(row)
    with db.engine.begin() as conn:
        conn.execute(insert(table), rows)
        pk = [c for c in table.primary_key.columns]
        if len(pk) == 1:
            ids[table.name] = list(conn.scalars(select(pk[0]).order_by(pk[0])))


def _rows(table: Table) -> tuple[set[tuple], list[str]]:
    """The table's rows (JSON values left out: they do not compare as set members)."""
    columns = [c for c in table.columns if not isinstance(c.type, types.JSON)]
    with db.engine.connect() as conn:
        return {tuple(r) for r in conn.execute(select(*columns))}, [c.name for c in columns]


def _still_there(seeded: dict[str, tuple[set, list]], revision: str) -> None:
    metadata = _reflect()
    for name, (rows, columns) in seeded.items():
        assert name in metadata.tables, f"table {name} is gone after {revision}"
        table = metadata.tables[name]
        kept = [c for c in columns if c in table.columns]
        with db.engine.connect() as conn:
            now = {tuple(r) for r in conn.execute(select(*(table.c[c] for c in kept)))}
        before = {tuple(v for v, c in zip(r, columns, strict=True) if c in kept) for r in rows}
        assert before <= now, f"rows of {name} changed or vanished after {revision}"


def test_each_step_keeps_the_data_of_the_steps_before(empty_database, tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": empty_database,
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x",
        }
    )
    with app.app_context():
        revisions = _revisions()
        assert len(revisions) >= 2
        seeded: dict[str, tuple[set, list]] = {}
        created_by: dict[str, str] = {}
        ids: dict[str, list] = {}
        for revision in revisions:
            upgrade(revision=revision)
            _still_there(seeded, revision)
            metadata = _reflect()
            for table in metadata.sorted_tables:
                if table.name == "alembic_version" or table.name in seeded:
                    continue
                _seed(table, ids)
                seeded[table.name] = _rows(table)
                created_by[table.name] = revision
        downgrade(revision="-1")
        last = revisions[-1]
        _still_there({n: r for n, r in seeded.items() if created_by[n] != last}, f"-{last}")
        db.engine.dispose()
