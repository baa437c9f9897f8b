"""Real servers for the multi-process tests: a fresh database per test (empty, or a copy of
the migrated and seeded demo), gunicorn and the flask command on it, gunicorn's worker pids."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import requests
from flask import Flask
from sqlalchemy import Table, select, text

from eventmgr.app import create_app
from eventmgr.platform.config import ROOT
from eventmgr.platform.db import db
from tests.support import free_port, need_postgres, postgres_database

KINDS = ("sqlite", "postgresql")
# gunicorn 25.1+ opens a control socket at one path per user; the tests run several servers at
# once, each must keep its own process tree to itself.
GUNICORN_ARGS = ("--no-control-socket",)
START_TIMEOUT = 120


def scratch_database(kind: str, workdir: Path, name: str, template: str = "") -> str:
    """A database for one test alone, so that what it does (kill -9 included) stays its own:
    a SQLite file in `workdir` or a PostgreSQL database `name`; empty, or a copy of the
    database at URL `template` (of the same kind)."""
    if kind == "postgresql":
        return postgres_database(need_postgres(), name, template)
    path = workdir / f"{name}.sqlite3"
    if template:
        source = sqlite3.connect(template.removeprefix("sqlite:///"))
        with closing(source), closing(sqlite3.connect(path)) as copy:
            source.backup(copy)
    return f"sqlite:///{path}"


def migrated_app(url: str, instance: Path) -> Flask:
    """The app on `url`, the schema from the migrations: to prepare and check the data that
    the servers under test share."""
    from flask_migrate import upgrade

    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "x",
            "MAIL_SERVER": "",
        }
    )
    with app.app_context():
        upgrade()
    return app


def flask_env(url: str, **extra: str) -> dict:
    return os.environ | {"DATABASE_URL": url, "SECRET_KEY": "test-cli", "MAIL_SERVER": ""} | extra


def flask_command(url: str, *args: str, **env: str) -> str:
    """`flask ARGS` as an operator runs it, on `url`; fails the test unless it succeeds."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=flask_env(url, **env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


class DemoTemplates:
    """The demo as `flask db upgrade` and `flask seed-demo` make it, made once per kind of
    database in a run and process (the migrations and the command, run here: two processes
    would cost seconds each); every test gets its own copy."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.made: dict[str, str] = {}

    def copy(self, kind: str, workdir: Path, name: str) -> str:
        if kind not in self.made:
            # one template per pytest-xdist worker: they would drop each other's
            own = "demo_template" + os.environ.get("PYTEST_XDIST_WORKER", "")
            template = scratch_database(kind, self.workdir, own)
            app = migrated_app(template, self.workdir / f"instance-{kind}")
            done = app.test_cli_runner().invoke(args=["seed-demo"])
            assert done.exit_code == 0, done.output
            with app.app_context():
                db.engine.dispose()  # PostgreSQL copies a template nobody is connected to
            self.made[kind] = template
        return scratch_database(kind, workdir, name, self.made[kind])


class DemoRows:
    """What seed_demo() writes into an empty database, read back once per process and written
    again for each later test: the same rows, ids and sequence positions, in a few statements
    where the seed takes 150, an import and a publication. Inside an app context."""

    def __init__(self) -> None:
        self.info: dict | None = None
        self.rows: list[tuple[Table, list[dict]]] = []
        self.sequences: dict[str, int] = {}

    def load(self) -> dict:
        """The demo in this test's database; {"slug", "logins": {role: (email, password)}}."""
        if not _empty_database():
            return _seed()  # another fixture wrote first: its ids would clash with the copy
        if self.info is None:
            self.info = _seed()
            self._keep()
        else:
            self._restore()
        return self.info

    def _keep(self) -> None:
        db.session.remove()
        with db.engine.connect() as conn:
            for table in db.metadata.sorted_tables:  # parents before children
                rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
                if rows:
                    self.rows.append((table, [row._asdict() for row in rows]))
            if conn.dialect.name == "postgresql":
                self.sequences = dict(conn.execute(text(SEQUENCES)).all())

    def _restore(self) -> None:
        db.session.remove()
        with db.engine.begin() as conn:
            for table, rows in self.rows:
                conn.execute(table.insert(), rows)
            if self.sequences:
                conn.execute(
                    text("SELECT setval(CAST(:name AS regclass), :value)"),
                    [{"name": name, "value": value} for name, value in self.sequences.items()],
                )


SEQUENCES = """
SELECT sequencename, last_value FROM pg_sequences
WHERE schemaname = current_schema() AND last_value IS NOT NULL
"""


def _seed() -> dict:
    from eventmgr.demo.seed import seed_demo

    event, logins = seed_demo()
    return {"slug": event.slug, "logins": {role.value: (e, p) for role, e, p in logins}}


def _empty_database() -> bool:
    anything = " OR ".join(f"EXISTS (SELECT 1 FROM {t.name})" for t in db.metadata.sorted_tables)
    return not db.session.scalar(text(f"SELECT {anything}"))


def start_gunicorn(
    database_url: str, workers: int, log: Path, **env_extra: str
) -> tuple[subprocess.Popen, str]:
    """A real multi-process server on the given database; returns it and its base URL."""
    port = free_port()
    env = (
        os.environ
        | {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-gunicorn",
            "REGISTRATION_RATE_LIMIT": "",
            "MAIL_SERVER": "",
            "BASE_URL": f"http://127.0.0.1:{port}",
        }
        | env_extra
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "-w", str(workers), "-b", f"127.0.0.1:{port}", *GUNICORN_ARGS, "app:app"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    # Generous: under xdist on a shared machine, four workers importing the app took over 30 s.
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {log.read_text()[-2000:]}")
        try:
            if requests.get(base + "/", timeout=5).status_code < 500:
                return process, base
        except requests.RequestException:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"gunicorn did not start in {START_TIMEOUT} s")


@contextmanager
def serving(
    database_url: str, workers: int, log: Path, **env_extra: str
) -> Iterator[tuple[subprocess.Popen, str]]:
    """start_gunicorn for the length of a with block; stopped however the block ends."""
    process, base = start_gunicorn(database_url, workers, log, **env_extra)
    try:
        yield process, base
    finally:
        stop(process)


def stop(*processes: subprocess.Popen) -> None:
    """Stop servers started here (only those, by their own handle)."""
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


def workers(master: int) -> list[int]:
    """The pids of gunicorn's workers: the master's children, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            found.append(int(stat.parent.name))
    return found


def wait_for_workers(master: int, count: int, timeout: float = 60) -> list[int]:
    """Wait until gunicorn has started replacements; returns the worker pids."""
    deadline = time.monotonic() + timeout
    while len(workers(master)) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return workers(master)
