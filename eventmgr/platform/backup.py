"""`flask backup PATH` and `flask restore PATH` for SQLite, using SQLite's online backup API,
which copies a consistent snapshot while the application keeps serving.
PostgreSQL has better tools of its own (pg_dump/pg_restore, see the README)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import click
from flask.cli import with_appcontext

from eventmgr.platform.db import db


def _sqlite_path() -> Path:
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise click.ClickException(
            "backup and restore work on an SQLite file; for PostgreSQL use pg_dump -Fc and "
            "pg_restore (see the README)."
        )
    return Path(url.database)


def _copy(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    dst.close()
    src.close()


def _check_backup(path: Path) -> None:
    """Refuse anything that is not an SQLite database of this application."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        conn.close()
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"{path} is not an SQLite database: {exc}") from exc
    if "alembic_version" not in tables:
        raise click.ClickException(f"{path} is not a backup of this application.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write a consistent copy of the SQLite database to PATH (safe while serving)."""
    source = _sqlite_path()
    try:  # readable by its owner only, as the database it copies (0600)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise click.ClickException(f"{path} exists already; choose a new file.") from None
    except OSError as exc:
        raise click.ClickException(f"Cannot write {path}: {exc.strerror}.") from None
    try:
        _copy(source, path)
    except Exception:
        path.unlink(missing_ok=True)
        raise
    click.echo(f"backed up {source} to {path}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the current data without asking.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the SQLite database with the backup at PATH."""
    target = _sqlite_path()
    _check_backup(path)
    if not yes:
        click.confirm(f"Replace every row in {target} with {path}?", abort=True)
    db.session.remove()
    db.engine.dispose()
    _copy(path, target)
    click.echo(f"restored {path} into {target}")
