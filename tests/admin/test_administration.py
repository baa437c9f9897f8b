"""The administrator lists and revokes API tokens, deactivates and reactivates accounts and
removes event roles, from the admin pages and from `flask users`; the audit log records each.
A token is shown by its first characters only; nobody deactivates themselves or removes the
last administrator."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import select

from eventmgr.accounts.models import ApiToken
from eventmgr.accounts.services import SHOWN_PREFIX, find_user, issue_api_token
from eventmgr.audit.models import AuditEntry
from eventmgr.platform.db import db
from tests.support import log_in


def _token_for(app, email: str) -> tuple[str, int]:
    with app.app_context():
        token = issue_api_token(find_user(email))
        db.session.commit()
        token_id = db.session.scalar(select(ApiToken.id).order_by(ApiToken.id.desc()))
        return token, token_id


def _user_id(app, email: str) -> int:
    with app.app_context():
        return find_user(email).id


def _actions(app, after: int = 0) -> list[tuple[str, str, dict]]:
    """The audit log's account entries (after entry number `after`): action, who, details."""
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action.startswith("account."), AuditEntry.id > after)
            .order_by(AuditEntry.id)
        )
        return [(e.action, e.actor_label, e.details) for e in entries]


def _last_entry(app) -> int:
    with app.app_context():
        return db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc())) or 0


def _events_api(live_server: str, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return requests.get(f"{live_server}/api/v1/events", headers=headers, timeout=10).status_code


def test_tokens_are_listed_by_prefix_and_revoked_from_the_admin_page(app, live_server, login, demo):
    organiser = demo["logins"]["organiser"][0]
    token, token_id = _token_for(app, organiser)
    assert _events_api(live_server, token) == 200  # "last used" is now
    admin = login("admin")
    page = admin.get(f"/admin/users/{_user_id(app, organiser)}").get_data(as_text=True)
    assert token[:SHOWN_PREFIX] in page and token not in page
    assert "Never" not in page  # created, and last used a moment ago
    revoked = admin.post(
        f"/admin/users/{_user_id(app, organiser)}/tokens/{token_id}/revoke", follow_redirects=True
    )
    assert "The API token is revoked." in revoked.get_data(as_text=True)
    assert _events_api(live_server, token) == 401
    admin_email = demo["logins"]["admin"][0]
    assert (
        "account.token_revoked",
        admin_email,
        {"email": organiser, "token": token[:SHOWN_PREFIX]},
    ) in _actions(app)


def test_a_deactivated_account_cannot_log_in_and_its_tokens_stop(app, live_server, login, demo):
    email, password = demo["logins"]["door_staff"]
    token, _token_id = _token_for(app, email)
    admin = login("admin")
    user_id = _user_id(app, email)
    done = admin.post(f"/admin/users/{user_id}/deactivate", follow_redirects=True)
    assert "The account is deactivated" in done.get_data(as_text=True)
    assert _events_api(live_server, token) == 401
    door = app.test_client()
    assert door.post("/login", data={"email": email, "password": password}).status_code == 200
    assert "Deactivated" in admin.get("/admin/users").get_data(as_text=True)
    admin.post(f"/admin/users/{user_id}/reactivate")
    assert door.post("/login", data={"email": email, "password": password}).status_code == 302
    assert _events_api(live_server, token) == 401  # revoked with the deactivation
    actions = [(a, d.get("email")) for a, _who, d in _actions(app)]
    assert ("account.deactivated", email) in actions and ("account.reactivated", email) in actions


def test_removing_an_event_role_takes_the_event_away(app, login, demo):
    email, password = demo["logins"]["organiser"]
    organiser = app.test_client()
    organiser.post("/login", data={"email": email, "password": password})
    edit = f"/manage/events/{demo['slug']}/edit"
    assert organiser.get(edit).status_code == 200
    with app.app_context():
        user = find_user(email)
        role_id = next(a.id for a in user.roles if a.role == "organiser")
        user_id = user.id
    admin = login("admin")
    assert admin.post(f"/admin/users/{user_id}/roles/{role_id}/remove").status_code == 302
    assert organiser.get(edit).status_code == 403
    removed = [d for a, _w, d in _actions(app) if a == "account.role_removed"]
    assert removed == [{"email": email, "role": "organiser", "event": demo["slug"]}]


def test_nobody_deactivates_themselves_or_removes_the_last_administrator(app, login, demo):
    before = _last_entry(app)
    admin_email = demo["logins"]["admin"][0]
    admin = login("admin")
    me = _user_id(app, admin_email)
    own = admin.post(f"/admin/users/{me}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in own.get_data(as_text=True)
    with app.app_context():
        role_id = next(a.id for a in find_user(admin_email).roles if a.role == "admin")
    last = admin.post(f"/admin/users/{me}/roles/{role_id}/remove", follow_redirects=True)
    assert f"{admin_email} is the last administrator." in last.get_data(as_text=True)
    with app.app_context():
        assert find_user(admin_email).active and find_user(admin_email).is_admin
    assert _actions(app, after=before) == []


def test_the_same_from_the_command_line(app, demo):
    before = _last_entry(app)
    runner = app.test_cli_runner()
    email = demo["logins"]["delegation_lead"][0]
    issued = runner.invoke(args=["users", "token", email])
    token = issued.output.strip()
    listed = runner.invoke(args=["users", "tokens", email])
    assert listed.exit_code == 0 and token[:SHOWN_PREFIX] in listed.output
    assert token not in listed.output and "last used never" in listed.output
    token_id = listed.output.split("\t", 1)[0]
    assert runner.invoke(args=["users", "revoke-token", email, token_id]).exit_code == 0
    assert "no API tokens" in runner.invoke(args=["users", "tokens", email]).output
    again = runner.invoke(args=["users", "revoke-token", email, token_id])
    assert again.exit_code == 1 and "no such token" in again.output

    assert runner.invoke(args=["users", "deactivate", email]).exit_code == 0
    assert f"{email}\tdeactivated" in runner.invoke(args=["users", "list"]).output
    refused = runner.invoke(args=["users", "token", email])
    assert refused.exit_code == 1 and "deactivated" in refused.output
    assert runner.invoke(args=["users", "reactivate", email]).exit_code == 0

    removed = runner.invoke(
        args=["users", "remove-role", email, "--role", "delegation_lead", "--event", demo["slug"]]
    )
    assert removed.exit_code == 0, removed.output
    missing = runner.invoke(
        args=["users", "remove-role", email, "--role", "delegation_lead", "--event", demo["slug"]]
    )
    assert missing.exit_code == 1 and "does not hold that role" in missing.output

    admin = demo["logins"]["admin"][0]
    last = runner.invoke(args=["users", "deactivate", admin])
    assert last.exit_code == 1 and "last administrator" in last.output
    actions = [a for a, who, _d in _actions(app, after=before) if who == "system"]
    assert actions == [
        "account.token_issued",
        "account.token_revoked",
        "account.deactivated",
        "account.reactivated",
        "account.role_removed",
    ]


@pytest.mark.browser
def test_deactivating_from_the_users_page_in_the_browser(page, demo, app):
    email = demo["logins"]["attendee"][0]
    log_in(page, *demo["logins"]["admin"])
    page.goto("/admin/users")
    page.get_by_role("link", name=email).click()
    page.get_by_role("button", name="Deactivate the account").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("The account is deactivated")).to_be_visible()
    expect(page.get_by_role("button", name="Reactivate the account")).to_be_visible()
    with app.app_context():
        assert not find_user(email).active
