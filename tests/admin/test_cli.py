"""`flask users create|token`: accounts from the command line."""

from __future__ import annotations

from sqlalchemy import select

from eventmgr.accounts.models import ApiToken, User
from eventmgr.events.models import Event
from eventmgr.platform.db import db


def test_users_create_with_roles(app, world):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Door2@Example.org",
            "--role",
            "door_staff",
            "--event",
            world["slug"],
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


def test_users_create_refuses_bad_input(app, world):
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


def test_users_token_prints_a_working_token_and_stores_only_its_hash(app, world):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "token", world["logins"]["organiser"][0]])
    token = result.output.strip()
    assert result.exit_code == 0 and token.startswith("em_")
    with app.app_context():
        stored = db.session.scalars(select(ApiToken.token_hash)).all()
        assert token not in stored and len(stored) == 1
    response = app.test_client().patch(
        f"/api/v1/events/{world['slug']}",
        json={"name": "Renamed"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    missing = runner.invoke(args=["users", "token", "nobody@example.org"])
    assert missing.exit_code != 0
