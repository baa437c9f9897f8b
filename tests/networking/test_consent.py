"""Consent to every meeting: the auto-match never proposes a pair that has answered (a pending,
declined, withdrawn or expired request, or a block), never proposes someone who opted out; its
proposals are marked "suggested by the organisers" and either side declines them off both
agendas; anyone cancels a published meeting with a reason and the others are told once."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from eventmgr.platform.db import db
from tests.networking.conftest import outbox
from tests.networking.test_pages import MANAGE, MINE, _sign_in

SARA = {  # the startup fixture's profile as the form posts it
    "organisation": "Sortina Pharma",
    "kind": "startup",
    "pitch": "Small molecules for breast cancer, pre-clinical proof of concept.",
    "seeks": "seed investment",
    "company_stage": "pre-clinical",
    "interests": ["precision medicine", "cell therapy"],
}
AHEAD = (datetime.now(UTC) + timedelta(days=30)).date()  # meetings are cancelled before they begin
SLOTS = {"date": AHEAD.isoformat(), "start": "16:15", "end": "17:15", "minutes": 15}


def _setup(organiser) -> None:
    assert organiser.post(MANAGE + "/slots", data=SLOTS).status_code == 302
    assert organiser.post(MANAGE + "/tables", data={"number": 7, "seats": 4}).status_code == 302


def _auto_pairs(app) -> set[tuple[int, int]]:
    from eventmgr.events.web import find_event
    from eventmgr.networking.schedule import build_instance

    with app.test_request_context():
        instance = build_instance(find_event("cancer-crosslinks-2023"), auto_match=True)
    return {
        tuple(sorted(int(p[1:]) for p in r["participants"]))
        for r in instance["requests"]
        if r["id"].startswith("a")
    }


def _request(app, sender, recipient, status: str) -> None:
    from eventmgr.events.web import find_event
    from eventmgr.networking import services
    from eventmgr.registration.models import Registration

    with app.test_request_context():
        event = find_event("cancer-crosslinks-2023")
        req = services.create_request(
            event,
            db.session.get(Registration, sender.registration_id),
            recipient.registration_id,
            "",
        )
        req.status = status
        db.session.commit()


@pytest.mark.parametrize("status", ["pending", "declined", "cancelled", "expired"])
def test_a_pair_that_answered_a_request_is_never_auto_matched(app, startup, investor, status):
    pair = tuple(sorted((startup.registration_id, investor.registration_id)))
    assert pair in _auto_pairs(app)  # they score high: proposed while nobody has asked
    _request(app, investor, startup, status)
    assert pair not in _auto_pairs(app)


def test_a_blocked_pair_and_an_opted_out_person_are_never_auto_matched(app, startup, investor):
    pair = tuple(sorted((startup.registration_id, investor.registration_id)))
    sara = _sign_in(app, startup.email)
    profile = sara.get(MINE + "/profile").get_data(as_text=True)
    box = re.search(r"<input[^>]*name=\"auto_match\"[^>]*>", profile)
    assert box is not None and "checked" in box.group(0)  # on unless the person opts out
    assert sara.post(MINE + "/profile", data=SARA).status_code == 302  # unticked
    assert pair not in _auto_pairs(app)
    assert sara.post(MINE + "/profile", data=SARA | {"auto_match": "y"}).status_code == 302
    assert pair in _auto_pairs(app)
    assert sara.post(MINE + f"/people/{investor.profile_id}/block").status_code == 302
    assert pair not in _auto_pairs(app)


def _publish_auto(app, login) -> object:
    organiser = login("organiser")
    _setup(organiser)
    assert (
        organiser.post(MANAGE + "/schedule", data={"time_limit": 5, "auto_match": "y"}).status_code
        == 302
    )
    assert organiser.post(MANAGE + "/schedule/publish").status_code == 302
    return organiser


def _meeting_id(page: str) -> int:
    return int(page.split('data-meeting="')[1].split('"')[0])


def test_declining_a_proposal_takes_it_off_both_agendas_for_good(app, login, startup, investor):
    organiser = _publish_auto(app, login)
    sara, ingrid = _sign_in(app, startup.email), _sign_in(app, investor.email)
    mail = outbox(app, investor.email)[-1]
    assert mail[1] == "Suggested by the organisers: a meeting with Sara Rhost"
    assert "decline it on your agenda" in mail[2]
    mine = sara.get(MINE + "/agenda").get_data(as_text=True)
    theirs = ingrid.get(MINE + "/agenda").get_data(as_text=True)
    for page, other in ((mine, "Ingrid Berg"), (theirs, "Sara Rhost")):
        assert "Suggested by the organisers" in page and other in page
    meeting_id = _meeting_id(mine)
    assert (
        sara.post(MINE + f"/meetings/{meeting_id}/cancel", data={"reason": ""}).status_code == 302
    )
    assert "Ingrid Berg" not in sara.get(MINE + "/agenda").get_data(as_text=True)
    assert "Sara Rhost" not in ingrid.get(MINE + "/agenda").get_data(as_text=True)
    told = [m for m in outbox(app, investor.email) if "is off" in m[1]]
    assert [m[1] for m in told] == ["Your suggested meeting with Sara Rhost is off"]
    assert outbox(app, startup.email)[-1][1].startswith("Suggested by")  # the decliner: no mail
    # the next auto-match does not propose the pair again
    assert (
        organiser.post(MANAGE + "/schedule", data={"time_limit": 5, "auto_match": "y"}).status_code
        == 302
    )
    grid = organiser.get(MANAGE + "/schedule").get_data(as_text=True)
    assert "Sara Rhost" not in grid
    # and declining again (a second click) changes nothing and mails nobody
    sara.post(MINE + f"/meetings/{meeting_id}/cancel", data={"reason": ""})
    assert len([m for m in outbox(app, investor.email) if "is off" in m[1]]) == 1


def test_a_meeting_is_cancelled_with_a_reason_and_the_other_is_told_once(
    app, login, startup, investor
):
    from eventmgr.mail.models import OutboxMessage

    organiser = login("organiser")
    _setup(organiser)
    _request(app, startup, investor, "accepted")
    assert organiser.post(MANAGE + "/schedule", data={"time_limit": 5}).status_code == 302
    assert organiser.post(MANAGE + "/schedule/publish").status_code == 302
    sara, ingrid = _sign_in(app, startup.email), _sign_in(app, investor.email)
    page = sara.get(MINE + "/agenda").get_data(as_text=True)
    assert "Suggested by the organisers" not in page
    meeting_id = _meeting_id(page)
    refused = sara.post(
        MINE + f"/meetings/{meeting_id}/cancel", data={"reason": "  "}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Say why, for the others." in refused
    assert "Sara Rhost" in ingrid.get(MINE + "/agenda").get_data(as_text=True)  # still on
    assert (
        sara.post(
            MINE + f"/meetings/{meeting_id}/cancel", data={"reason": "My flight was cancelled."}
        ).status_code
        == 302
    )
    assert "Sara Rhost" not in ingrid.get(MINE + "/agenda").get_data(as_text=True)
    assert "Ingrid Berg" not in sara.get(MINE + "/agenda").get_data(as_text=True)
    with app.app_context():
        rows = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.rule == "networking.meeting_cancelled")
        ).all()
        assert [(m.recipient, m.key is not None) for m in rows] == [(investor.email, True)]
        assert "My flight was cancelled." in rows[0].body
    # a meeting that is gone (or someone else's) is not found, and nobody is mailed again
    assert (
        ingrid.post(MINE + f"/meetings/{meeting_id}/cancel", data={"reason": "x"}).status_code
        == 404
    )
    with app.app_context():
        assert (
            len(
                db.session.scalars(
                    select(OutboxMessage).where(
                        OutboxMessage.rule == "networking.meeting_cancelled"
                    )
                ).all()
            )
            == 1
        )


def test_over_the_api_a_suggestion_is_marked_and_declined(
    app, call, organiser_token, startup, investor
):
    org = organiser_token
    call(
        "POST",
        "/slots",
        org,
        json={
            "start": f"{AHEAD.isoformat()}T16:15:00+01:00",
            "end": f"{AHEAD.isoformat()}T17:15:00+01:00",
            "minutes": 15,
        },
    )
    call("POST", "/tables", org, json={"number": 1})
    assert call("PATCH", "/profile", investor, json={"auto_match": "no"}).status_code == 422
    assert call("GET", "/profile", investor).json()["auto_match"] is True
    call("POST", "/schedule", org, json={"time_limit": 5, "auto_match": True})
    call("POST", "/schedule/publish", org)
    [meeting] = call("GET", "/meetings", investor).json()
    assert meeting["origin"] == "auto" and meeting["place"] == "Table 1"
    assert meeting["online"] is False and meeting["video_link"] == ""
    assert [p["name"] for p in meeting["with_people"]] == ["Sara Rhost"]
    assert call("POST", f"/meetings/{meeting['id']}/cancel", investor, json={}).status_code == 204
    assert call("GET", "/meetings", investor).json() == []
    assert call("GET", "/meetings", startup).json() == []
    assert (
        call("PATCH", "/profile", investor, json={"auto_match": False}).json()["auto_match"]
        is False
    )


def test_an_unpublished_proposal_gives_way_to_a_request(app, login, startup, investor):
    from eventmgr.networking.models import MeetingRequest

    organiser = login("organiser")
    _setup(organiser)
    assert (
        organiser.post(MANAGE + "/schedule", data={"time_limit": 5, "auto_match": "y"}).status_code
        == 302
    )
    with app.app_context():
        assert db.session.scalars(select(MeetingRequest.auto)).all() == [True]
    _request(app, startup, investor, "pending")  # refused before: "already a request"
    with app.app_context():
        assert db.session.scalars(select(MeetingRequest.auto)).all() == [False]
    grid = organiser.get(MANAGE + "/schedule").get_data(as_text=True)
    assert "Sara Rhost" not in grid  # the draft proposal is gone with its meeting


def test_bookings_are_not_counted_as_requests_people_sent(app, login, startup, investor):
    organiser = login("organiser")
    data = {
        "from_id": startup.registration_id,
        "to_id": investor.registration_id,
        "note": "You two should meet.",
    }
    assert (
        organiser.post("/events/cancer-crosslinks-2023/networking/book", data=data).status_code
        == 302
    )
    dashboard = organiser.get(MANAGE).get_data(as_text=True)
    assert 'data-count="sent">0<' in dashboard and 'data-count="accepted">0<' in dashboard
    assert dashboard.split('id="bookings"')[1].count('class="booking"') == 1


def test_a_meeting_that_has_begun_is_not_cancelled(app, login, startup, investor):
    from tests.networking.test_pages import _publish_one

    _publish_one(app, login, startup, investor)  # in January 2023: long begun
    sara = _sign_in(app, startup.email)
    page = sara.get(MINE + "/agenda").get_data(as_text=True)
    assert "Cancel this meeting" not in page
    refused = sara.post(
        MINE + f"/meetings/{_meeting_id(page)}/cancel",
        data={"reason": "Too late."},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "It has begun; say whether it happened instead." in refused
    assert "Sara Rhost" in _sign_in(app, investor.email).get(MINE + "/agenda").get_data(
        as_text=True
    )


def test_the_auto_match_suggests_each_person_at_most_the_organisers_cap(
    app, login, make_person, startup, investor
):
    second = make_person(
        "Ivar Invest",
        "ivar@example.org",
        organisation="Bergen Seed",
        kind="investor",
        pitch="Seed investor in pre-clinical oncology.",
        offers="seed investment",
        investment_focus="pre-clinical oncology, precision medicine",
        interests=["precision medicine", "cell therapy"],
    )
    sara = startup.registration_id
    pairs = _auto_pairs(app)
    assert tuple(sorted((sara, investor.registration_id))) in pairs
    assert tuple(sorted((sara, second.registration_id))) in pairs  # the default cap: 2
    organiser = login("organiser")
    settings = {
        "request_expiry_hours": 48,
        "max_open_requests": 10,
        "max_meetings": 6,
        "max_auto_meetings": 1,
        "interest_tags": "precision medicine\ncell therapy\nventure capital",
    }
    assert organiser.post(MANAGE, data=settings).status_code == 302
    pairs = _auto_pairs(app)
    assert sum(1 for pair in pairs if sara in pair) == 1
    assert organiser.post(MANAGE, data=settings | {"max_auto_meetings": 0}).status_code == 302
    assert _auto_pairs(app) == set()
