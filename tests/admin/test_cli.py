"""The command line: users, tokens, the demo seed and the mail queue."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import func, select

from eventmgr.accounts.models import ApiToken, User
from eventmgr.events.models import Event
from eventmgr.mail.services import queue_mail
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


def test_users_create_with_roles(app, demo):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Door2@Example.org",
            "--role",
            "door_staff",
            "--event",
            demo["slug"],
            "--password",
            "long-enough-pw",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "door2@example.org"))
        assert user.has_role("door_staff", db.session.scalar(select(Event.id)))
    generated = runner.invoke(args=["users", "create", "new@example.org"])
    assert generated.exit_code == 0 and "password: " in generated.output


def test_users_create_refuses_bad_input(app, demo):
    runner = app.test_cli_runner()
    no_event = runner.invoke(args=["users", "create", "x@example.org", "--role", "organiser"])
    assert no_event.exit_code != 0 and "--event" in no_event.output
    unknown = runner.invoke(
        args=["users", "create", "x@example.org", "--role", "organiser", "--event", "nope"]
    )
    assert unknown.exit_code != 0 and "nope" in unknown.output
    bad_role = runner.invoke(args=["users", "create", "x@example.org", "--role", "king"])
    assert bad_role.exit_code != 0
    short = runner.invoke(args=["users", "create", "x@example.org", "--password", "short"])
    assert short.exit_code != 0 and "at least 10" in short.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "x@example.org")) is None


def test_users_token_prints_a_working_token_and_stores_only_its_hash(app, demo):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "token", "jutta.heix@example.org"])
    token = result.output.strip()
    assert result.exit_code == 0 and token.startswith("em_")
    with app.app_context():
        stored = db.session.scalars(select(ApiToken.token_hash)).all()
        assert token not in stored and len(stored) == 1
    response = app.test_client().patch(
        f"/api/v1/events/{demo['slug']}",
        json={"name": "Renamed"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    missing = runner.invoke(args=["users", "token", "nobody@example.org"])
    assert missing.exit_code != 0


def test_mail_send_delivers_the_queue(app, smtp):
    with app.app_context():
        queue_mail("someone@example.org", "Hei", "Velkommen til Cancer Crosslinks – æøå")
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "sent 1" in result.output
    assert smtp[0]["Subject"] == "Hei"
    assert "æøå" in smtp[0].get_content()


def test_mail_send_without_smtp_says_so(app):
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code != 0 and "MAIL_SERVER" in result.output


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
