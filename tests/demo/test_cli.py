"""`flask seed-demo`: the demo event and accounts from the command line."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import func, select

from eventmgr.accounts.models import User
from eventmgr.events.models import Event
from eventmgr.platform.config import ROOT
from eventmgr.platform.db import db


def test_seed_demo_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "jutta.heix@example.org" in first.output and "demo-organiser-2023" in first.output
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(Event.id))) == 1
        assert db.session.scalar(select(func.count(User.id))) == 5


def test_the_real_flask_command_migrates_and_seeds(tmp_path):
    """As `make run` does it: a fresh SQLite database, `flask db upgrade`, `flask seed-demo`."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "SECRET_KEY": "cli-test",
    }
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    for args in (["db", "upgrade"], ["seed-demo"]):
        done = subprocess.run(
            flask + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
    assert "admin@example.org" in done.stdout
