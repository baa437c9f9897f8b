"""Control characters in networking text are refused with a message naming the field, on
SQLite as on PostgreSQL (which refuses NUL itself), and nothing is stored: profiles, meeting
requests, the organiser's interest tags and delegations."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from eventmgr.networking.models import Delegation, MeetingRequest
from eventmgr.platform.db import db

CONTROL = ["\x00", "\x07", "\x1b", "\x7f"]
REFUSED = "Remove the control characters."


@pytest.mark.parametrize("char", CONTROL, ids=["nul", "bell", "escape", "delete"])
def test_profile_text_with_control_characters_is_refused(call, startup, char):
    before = call("GET", "/profile", startup).json()
    for field in ("organisation", "role", "pitch", "offers", "seeks", "investment_focus"):
        answer = call("PATCH", "/profile", startup, json={field: f"Oslo{char}Cancer"})
        assert answer.status_code == 422, (field, answer.text)
        assert answer.json()["error"]["fields"] == {field: REFUSED}
    assert call("GET", "/profile", startup).json() == before


@pytest.mark.parametrize("char", CONTROL, ids=["nul", "bell", "escape", "delete"])
def test_a_request_message_with_control_characters_is_refused(app, call, startup, investor, char):
    answer = call(
        "POST",
        "/requests",
        startup,
        json={"to": investor.registration_id, "message": f"Hello{char}there"},
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["fields"] == {"message": REFUSED}
    with app.app_context():
        assert db.session.scalar(select(func.count(MeetingRequest.id))) == 0


def test_interest_tags_with_control_characters_are_refused(call, organiser_token):
    before = call("GET", "/settings", organiser_token).json()["interest_tags"]
    answer = call(
        "PATCH", "/settings", organiser_token, json={"interest_tags": ["oncology", "bad\x00tag"]}
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["fields"] == {"interest_tags": REFUSED}
    assert call("GET", "/settings", organiser_token).json()["interest_tags"] == before


def test_a_delegation_name_with_control_characters_is_refused(app, login, demo):
    response = login("organiser").post(
        f"/manage/events/{demo['slug']}/networking/delegations",
        data={
            "name": "GU\x00Ventures",
            "home_organisation": "Gothenburg\x07",
            "lead_name": "Anders Waas",
            "lead_email": "anders.lead@example.org",
        },
    )
    assert response.status_code == 422
    assert response.get_data(as_text=True).count(REFUSED) == 2
    with app.app_context():
        assert db.session.scalar(select(func.count(Delegation.id))) == 0
