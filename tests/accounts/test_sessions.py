"""Sessions end: logging out, changing or resetting a password and an administrator's
deactivation end every session of the user on every device. Each test saves a session cookie
first, as a thief or a forgotten shared computer would keep it, and sends it again after."""

from __future__ import annotations

import re

from eventmgr.accounts.services import find_user
from eventmgr.platform.db import db

NEW_PASSWORD = "a-new-password-42"


def _signed_in(app, demo, role: str = "attendee"):
    client = app.test_client()
    email, password = demo["logins"][role]
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302
    assert client.get("/account").status_code == 200
    return client


def _replay(app, cookie) -> int:
    """A new browser carrying the saved session cookie: the status of the account page."""
    thief = app.test_client()
    thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    return thief.get("/account").status_code


def test_a_cookie_saved_before_logout_opens_nothing_after(app, demo):
    client = _signed_in(app, demo)
    other_device = _signed_in(app, demo)
    saved = client.get_cookie("session")
    assert _replay(app, saved) == 200  # the copy works while the session lives
    assert client.post("/logout").status_code == 302
    assert _replay(app, saved) == 302  # to the log-in page
    assert other_device.get("/account").status_code == 302  # every device is logged out


def test_changing_the_password_ends_the_other_sessions(app, demo):
    _email, password = demo["logins"]["attendee"]
    laptop = _signed_in(app, demo)
    phone = _signed_in(app, demo)
    saved = phone.get_cookie("session")
    changed = laptop.post(
        "/account",
        data={
            "current_password": password,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 302
    assert laptop.get("/account").status_code == 200  # the one that changed it goes on
    assert phone.get("/account").status_code == 302
    assert _replay(app, saved) == 302


def test_resetting_the_password_ends_every_session(app, demo, smtp):
    email, _password = demo["logins"]["attendee"]
    browser = _signed_in(app, demo)
    saved = browser.get_cookie("session")
    app.test_client().post("/account/reset", data={"email": email})
    link = re.search(r"/account/reset/\S+", smtp[-1].get_content()).group(0)
    done = app.test_client().post(
        link, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert browser.get("/account").status_code == 302
    assert _replay(app, saved) == 302


def test_deactivation_ends_every_session(app, demo):
    attendee = _signed_in(app, demo)
    saved = attendee.get_cookie("session")
    admin = _signed_in(app, demo, "admin")
    with app.app_context():
        user_id = find_user(demo["logins"]["attendee"][0]).id
    assert admin.post(f"/admin/users/{user_id}/deactivate").status_code == 302
    assert attendee.get("/account").status_code == 302
    assert _replay(app, saved) == 302
    assert admin.post(f"/admin/users/{user_id}/reactivate").status_code == 302
    assert _replay(app, saved) == 302  # reactivation revives no old session
    with app.app_context():
        assert find_user(demo["logins"]["attendee"][0]).active
        db.session.remove()
