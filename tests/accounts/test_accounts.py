"""Logging in and out, changing and resetting a password, throttling, CSRF."""

from __future__ import annotations

import re

import pytest

from eventmgr.app import create_app


def test_login_and_logout(client, world):
    email, password = world["logins"]["attendee"]
    response = client.post("/login", data={"email": email.upper(), "password": password})
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200
    client.post("/logout")
    assert client.get("/dashboard").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, world):
    email, _ = world["logins"]["attendee"]
    response = client.post("/login", data={"email": email, "password": "not-it-at-all"})
    assert response.status_code == 200
    assert b"Wrong email or password." in response.data
    assert client.get("/dashboard").status_code == 302


def test_login_redirects_only_within_the_site(client, world):
    email, password = world["logins"]["attendee"]
    response = client.post(
        "/login?next=//evil.example/x", data={"email": email, "password": password}
    )
    assert response.headers["Location"] == "/dashboard"


def test_password_change(client, login, world):
    login("attendee")
    _, old = world["logins"]["attendee"]
    bad = client.post(
        "/account",
        data={
            "current_password": "wrong-password",
            "new_password": "brand-new-pass-1",
            "confirm_password": "brand-new-pass-1",
        },
    )
    assert b"The current password is wrong." in bad.data
    short = client.post(
        "/account",
        data={
            "current_password": old,
            "new_password": "short",
            "confirm_password": "short",
        },
    )
    assert b"at least 10" in short.data or b"between 10" in short.data
    ok = client.post(
        "/account",
        data={
            "current_password": old,
            "new_password": "brand-new-pass-1",
            "confirm_password": "brand-new-pass-1",
        },
    )
    assert ok.status_code == 302
    client.post("/logout")
    email, _ = world["logins"]["attendee"]
    relogin = client.post("/login", data={"email": email, "password": "brand-new-pass-1"})
    assert relogin.status_code == 302


def test_password_reset_by_email(client, world, smtp):
    """The link arrives through a real SMTP server, works once, and sets the password."""
    email, _ = world["logins"]["attendee"]
    response = client.post("/account/reset", data={"email": email})
    assert response.status_code == 302
    assert len(smtp) == 1
    message = smtp[0]
    assert message["To"] == email
    link = re.search(r"http://\S+/account/reset/\S+", message.get_content()).group(0)
    path = link.split("127.0.0.1", 1)[1]
    assert client.get(path).status_code == 200
    done = client.post(
        path,
        data={
            "new_password": "reset-password-9",
            "confirm_password": "reset-password-9",
        },
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    assert (
        client.post("/login", data={"email": email, "password": "reset-password-9"}).status_code
        == 302
    )
    again = client.get(path)
    assert again.status_code == 302 and "/account/reset" in again.headers["Location"]


def test_reset_for_unknown_address_reveals_nothing(client, world, smtp):
    response = client.post(
        "/account/reset", data={"email": "nobody@example.org"}, follow_redirects=True
    )
    assert b"If that address has an account" in response.data
    assert smtp == []


def test_reset_without_smtp_waits_in_the_outbox(client, world, login):
    email, _ = world["logins"]["attendee"]
    client.post("/account/reset", data={"email": email})
    login("admin")
    outbox = client.get("/admin/outbox")
    assert b"Reset your password" in outbox.data
    assert b"Queued" in outbox.data


def test_login_is_throttled(client, world):
    email, _ = world["logins"]["attendee"]
    codes = [
        client.post("/login", data={"email": email, "password": f"guess-{i}"}).status_code
        for i in range(12)
    ]
    assert codes[:10] == [200] * 10
    assert codes[10] == 429


def test_forms_require_a_csrf_token(database_url, app, world, tmp_path):
    strict = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x" * 32,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": True,
        }
    )
    email, password = world["logins"]["attendee"]
    response = strict.test_client().post("/login", data={"email": email, "password": password})
    assert response.status_code == 400
    assert b"<html" in response.data


@pytest.mark.parametrize(
    "role", ["admin", "organiser", "door_staff", "delegation_lead", "attendee"]
)
def test_session_cookie_is_httponly(client, world, role):
    email, password = world["logins"][role]
    response = client.post("/login", data={"email": email, "password": password})
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
