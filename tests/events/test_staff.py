"""Staff: an organiser invites by email with a role, the link creates the account or adds the
role to the invited address's account, once and for seven days; resend, withdraw, remove a
role, never the last organiser; every change in the audit log. The API answers never carry a
link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventmgr.accounts.models import RoleAssignment, User
from eventmgr.audit.models import AuditEntry
from eventmgr.events.models import Event, StaffInvitation
from eventmgr.platform.db import db
from eventmgr.platform.roles import Role

LINK = re.compile(r"https?://\S+/invitations/([A-Za-z0-9_-]+)")


def _staff_url(demo) -> str:
    return f"/api/v1/events/{demo['slug']}/staff"


def _token(message) -> str:
    match = LINK.search(message.get_content())
    assert match, message.get_content()
    return match.group(1)


def _invite(api, demo, email="kollega@example.org", role="door_staff"):
    return api("POST", _staff_url(demo), role="organiser", json={"email": email, "role": role})


def _actions(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.action.startswith("staff."))
                .order_by(AuditEntry.id)
            )
        )


def test_an_invitation_is_mailed_and_its_answer_holds_no_secret(api, app, demo, smtp):
    answer = _invite(api, demo, "Kollega@Example.org")
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert set(body) == {
        "id",
        "email",
        "role",
        "status",
        "created_at",
        "sent_at",
        "expires_at",
        "accepted_at",
    }
    assert (body["email"], body["role"], body["status"]) == (
        "kollega@example.org",
        "door_staff",
        "pending",
    )
    [message] = smtp
    assert message["To"] == "kollega@example.org"
    token = _token(message)
    assert token not in answer.text
    assert f"/events/{demo['slug']}/privacy" in message.get_content()
    with app.app_context():
        invitation = db.session.get(StaffInvitation, body["id"])
        assert token not in invitation.token_hash  # only the hash is stored
        assert invitation.expires_at - invitation.sent_at == timedelta(days=7)
    listed = api("GET", _staff_url(demo), role="organiser").json()
    assert [i["email"] for i in listed["invitations"]] == ["kollega@example.org"]
    assert token not in str(listed)
    assert {(m["email"], m["role"]) for m in listed["members"]} >= {
        ("jutta.heix@example.org", "organiser"),
        ("door@example.org", "door_staff"),
    }
    assert _actions(app) == ["staff.invited"]


def test_the_link_creates_the_account_with_the_role_and_works_once(api, app, client, demo, smtp):
    _invite(api, demo)
    token = _token(smtp[0])
    page = client.get(f"/invitations/{token}")
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    assert "kollega@example.org" in page.get_data(as_text=True)
    short = client.post(
        f"/invitations/{token}",
        data={"name": "Kari Kollega", "password": "short", "confirm_password": "short"},
    )
    assert short.status_code == 422
    done = client.post(
        f"/invitations/{token}",
        data={
            "name": "Kari Kollega",
            "password": "door-colleague-2024",
            "confirm_password": "door-colleague-2024",
        },
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/dashboard")
    assert client.get("/door").status_code == 200  # signed in, with the door role
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "kollega@example.org"))
        event = db.session.scalar(select(Event).where(Event.slug == demo["slug"]))
        assert user.name == "Kari Kollega"
        assert user.has_role(Role.DOOR_STAFF, event.id)
        assert not user.has_role(Role.ORGANISER, event.id)
    again = app.test_client().get(f"/invitations/{token}")
    assert again.status_code == 410
    assert "used already" in again.get_data(as_text=True)
    status = api("GET", _staff_url(demo), role="organiser").json()["invitations"][0]["status"]
    assert status == "accepted"
    assert _actions(app) == ["staff.invited", "staff.invitation_accepted"]


def test_an_existing_account_signs_in_to_accept(api, app, demo, smtp):
    """The door account of the demo becomes an organiser too; another account cannot take
    the role with the link."""
    _invite(api, demo, "door@example.org", "organiser")
    token = _token(smtp[0])
    anonymous = app.test_client()
    page = anonymous.get(f"/invitations/{token}").get_data(as_text=True)
    assert "Sign in to accept" in page and "/login?next=" in page
    other = app.test_client()
    other.post("/login", data={"email": "attendee@example.org", "password": "demo-attendee-2023"})
    assert "but you are signed in as" in other.get(f"/invitations/{token}").get_data(as_text=True)
    assert other.post(f"/invitations/{token}", data={}).status_code == 200  # nothing accepted
    door = app.test_client()
    door.post("/login", data={"email": "door@example.org", "password": "demo-door-2023"})
    assert door.post(f"/invitations/{token}", data={}).status_code == 302
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == demo["slug"]))
        attendee = db.session.scalar(select(User).where(User.email == "attendee@example.org"))
        door_user = db.session.scalar(select(User).where(User.email == "door@example.org"))
        assert door_user.has_role(Role.ORGANISER, event.id)
        assert not attendee.has_role(Role.ORGANISER, event.id)


def test_resend_gives_a_new_link_and_the_old_one_stops(api, app, client, demo, smtp):
    invitation = _invite(api, demo).json()
    old = _token(smtp[0])
    answer = api(
        "POST", f"{_staff_url(demo)}/invitations/{invitation['id']}/resend", role="organiser"
    )
    assert answer.status_code == 200 and answer.json()["status"] == "pending"
    new = _token(smtp[1])
    assert new != old
    assert client.get(f"/invitations/{old}").status_code == 404
    assert client.get(f"/invitations/{new}").status_code == 200
    again = _invite(api, demo)  # the same address and role: sent again, not a second one
    assert again.status_code == 201 and again.json()["id"] == invitation["id"]
    assert len(api("GET", _staff_url(demo), role="organiser").json()["invitations"]) == 1
    assert _actions(app) == ["staff.invited", "staff.invitation_resent", "staff.invitation_resent"]


def test_a_withdrawn_or_expired_link_does_not_work(api, app, client, demo, smtp):
    first = _invite(api, demo, "one@example.org").json()
    _invite(api, demo, "two@example.org")
    one, two = _token(smtp[0]), _token(smtp[1])
    answer = api("DELETE", f"{_staff_url(demo)}/invitations/{first['id']}", role="organiser")
    assert answer.status_code == 200 and answer.json()["status"] == "withdrawn"
    assert client.get(f"/invitations/{one}").status_code == 410
    resent = api("POST", f"{_staff_url(demo)}/invitations/{first['id']}/resend", role="organiser")
    assert resent.status_code == 409 and resent.json()["error"]["code"] == "invitation_closed"
    with app.app_context():
        invitation = db.session.scalar(
            select(StaffInvitation).where(StaffInvitation.email == "two@example.org")
        )
        invitation.expires_at = invitation.sent_at - timedelta(seconds=1)
        db.session.commit()
    page = client.get(f"/invitations/{two}")
    assert page.status_code == 410 and "expired" in page.get_data(as_text=True)
    refused = client.post(
        f"/invitations/{two}",
        data={"name": "Two", "password": "long-enough-pw", "confirm_password": "long-enough-pw"},
    )
    assert refused.status_code == 410
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "two@example.org")) is None


BAD_INVITATIONS = [
    ({"email": "not-an-address", "role": "door_staff"}, "email"),
    ({"email": "a@example.org", "role": "admin"}, "role"),
    ({"email": "a@example.org", "role": "attendee"}, "role"),
    ({"email": "a@example.org"}, "role"),
    ({"role": "door_staff"}, "email"),
    ({"email": 5, "role": "door_staff"}, "email"),
    ({"email": "a@example.org", "role": "door_staff", "token": "x"}, "token"),
]


@pytest.mark.parametrize(("body", "named"), BAD_INVITATIONS)
def test_a_bad_invitation_is_a_422_naming_the_field(api, app, demo, body, named):
    answer = api("POST", _staff_url(demo), role="organiser", json=body)
    assert answer.status_code == 422, answer.text
    assert named in answer.json()["error"]["fields"]
    with app.app_context():
        assert db.session.scalar(select(StaffInvitation.id)) is None


def test_inviting_someone_who_has_the_role_is_a_409(api, demo):
    answer = _invite(api, demo, "door@example.org", "door_staff")
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "already_staff"


def test_removing_roles_keeps_the_last_organiser(api, app, demo):
    members = api("GET", _staff_url(demo), role="organiser").json()["members"]
    door = next(m for m in members if m["role"] == "door_staff")
    organiser = next(m for m in members if m["role"] == "organiser")
    answer = api("DELETE", f"{_staff_url(demo)}/{door['id']}", role="organiser")
    assert answer.status_code == 200 and answer.json()["email"] == "door@example.org"
    assert api("DELETE", f"{_staff_url(demo)}/{door['id']}", role="organiser").status_code == 404
    last = api("DELETE", f"{_staff_url(demo)}/{organiser['id']}", role="organiser")
    assert last.status_code == 409 and last.json()["error"]["code"] == "last_organiser"
    with app.app_context():
        assert db.session.get(RoleAssignment, organiser["id"]) is not None
        door_user = db.session.scalar(select(User).where(User.email == "door@example.org"))
        assert not door_user.has_role(Role.DOOR_STAFF)
    assert _actions(app) == ["staff.role_removed"]
    assert api("GET", _staff_url(demo), role="door_staff").status_code == 403


def test_the_staff_page_invites_and_removes(app, login, demo, smtp):
    organiser = login("organiser")
    url = f"/manage/events/{demo['slug']}/staff"
    page = organiser.get(url).get_data(as_text=True)
    assert "door@example.org" in page and "Invite someone" in page
    sent = organiser.post(url, data={"email": "lead@example.org", "role": "delegation_lead"})
    assert sent.status_code == 302
    assert [m["To"] for m in smtp] == ["lead@example.org"]
    bad = organiser.post(url, data={"email": "nope", "role": "door_staff"})
    assert bad.status_code == 422
    with app.app_context():
        door_role = db.session.scalar(
            select(RoleAssignment.id).where(RoleAssignment.role == Role.DOOR_STAFF)
        )
        organiser_role = db.session.scalar(
            select(RoleAssignment.id).where(RoleAssignment.role == Role.ORGANISER)
        )
    organiser.post(f"{url}/{door_role}/remove")
    refused = organiser.post(f"{url}/{organiser_role}/remove", follow_redirects=True)
    assert "needs an organiser" in refused.get_data(as_text=True)
    page = organiser.get(url).get_data(as_text=True)
    assert 'data-email="door@example.org"' not in page
    assert 'data-email="lead@example.org" data-status="pending"' in page
