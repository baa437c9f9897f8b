"""Backup and restore of an SQLite database from the command line."""

from __future__ import annotations

import os
import subprocess
import sys

from eventmgr import ROOT


def _flask(tmp_path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'live.sqlite3'}",
        "SECRET_KEY": "backup-test",
    }
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


def _count(tmp_path, table: str) -> int:
    import sqlite3

    with sqlite3.connect(tmp_path / "live.sqlite3") as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_backup_then_restore_finds_every_row(tmp_path):
    _flask(tmp_path, "db", "upgrade")
    _flask(tmp_path, "seed-demo")
    backup = tmp_path / "backup.sqlite3"
    _flask(tmp_path, "backup", str(backup))
    _flask(tmp_path, "users", "create", "late@example.org", "--password", "long-enough-1")
    assert _count(tmp_path, "users") == 6
    _flask(tmp_path, "restore", str(backup), "--yes")
    assert _count(tmp_path, "users") == 5
    assert _count(tmp_path, "events") == 1
    assert _count(tmp_path, "role_assignments") == 5


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    _flask(tmp_path, "db", "upgrade")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database at all" * 100)
    done = _flask(tmp_path, "restore", str(junk), "--yes", check=False)
    assert done.returncode != 0 and "not an SQLite database" in done.stderr
    existing = tmp_path / "exists.sqlite3"
    existing.write_text("x")
    refused = _flask(tmp_path, "backup", str(existing), check=False)
    assert refused.returncode != 0 and "exists already" in refused.stderr
