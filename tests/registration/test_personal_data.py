"""A person's data download holds what every domain knows of them, and erasure empties it.

Kari registers, stars two talks, has a networking profile, sends Ingrid a request that becomes
a published meeting, gets a request from Ola, blocks Per, is in a delegation and is checked in.
She downloads data.json from her manage link; the organiser's download is the same. After she
erases herself, the link is dead, and the organiser's download is empty or anonymous.
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from eventmgr.platform.db import db
from tests.networking.conftest import _make as make_participant
from tests.registration.conftest import PERSON

SLUG = "cancer-crosslinks-2023"
OSLO = ZoneInfo("Europe/Oslo")
KARI = PERSON | {"networking_opt_in": True}
PITCH = "Looking for partners for a phase II trial."
STARRED = ("Opening keynote", "Evolution and epigenetics")
MESSAGE = "Shall we talk about the trial?"


def _event():
    from eventmgr.events.web import find_event

    return find_event(SLUG)


def _register_kari(app) -> tuple[str, int]:
    """Kari registers herself (with networking) and fills in her profile."""
    from eventmgr.networking import services as networking
    from eventmgr.registration import services as registration

    with app.test_request_context():
        outcome = registration.register(_event(), KARI)
        registration.prove(outcome.registration)  # she opened the link mailed to her
        profile = networking.profile_of(registration.existing(_event().id, KARI["email"]))
        networking.update_profile(profile, _event(), {"kind": "clinician", "pitch": PITCH})
        db.session.commit()
        return outcome.token, outcome.registration.id


def _network(app, kari_id: int) -> None:
    """Requests both ways, a block, a delegation, and a published meeting with Ingrid."""
    from eventmgr.networking import delegations, schedule
    from eventmgr.networking import services as networking
    from eventmgr.registration.models import Registration

    ingrid = make_participant(app, SLUG, "Ingrid Berg", "ingrid@example.org", kind="investor")
    ola = make_participant(app, SLUG, "Ola Hansen", "ola@example.org", organisation="Aker Bio")
    per = make_participant(app, SLUG, "Per Olsen", "per@example.org")
    with app.test_request_context():
        event = _event()
        kari = db.session.get(Registration, kari_id)
        sent = networking.create_request(event, kari, ingrid.registration_id, MESSAGE)
        networking.accept(event, db.session.get(Registration, ingrid.registration_id), sent.id)
        networking.create_request(
            event, db.session.get(Registration, ola.registration_id), kari_id, "Coffee?"
        )
        networking.block(kari, db.session.get(Registration, per.registration_id))
        delegation = delegations.create_delegation(
            event,
            {"name": "GU Ventures", "lead_name": "Anders Waas", "lead_email": "anders@example.org"},
        )
        invited = delegations.add_member(
            delegation,
            {
                "name": KARI["name"],
                "email": KARI["email"],
                "company": "Sortina",
                "role": "CMO",
            },
            actor="test",
        )
        assert invited is None  # registered already: she is invited, and accepts
        delegation = db.session.get(type(delegation), delegation.id)
        kari = db.session.get(Registration, kari_id)
        delegations.accept_join(delegations.JoinOffer(delegation, kari, "Sortina", "CMO"))
        start = datetime(2023, 1, 26, 16, 15, tzinfo=OSLO)
        schedule.generate_slots(event, start, start.replace(hour=17), 15)
        schedule.save_table(event, {"number": 7, "seats": 4})
        schedule.run_schedule(event, time_limit=5)
        schedule.publish(event)
        db.session.commit()


def _star(app, visitor, token: str, *titles: str) -> list[int]:
    from eventmgr.programme.services import items_of

    with app.test_request_context():
        ids = [i.id for t in titles for i in items_of(_event()) if i.title == t]
    for item_id in ids:
        assert visitor.post(f"/r/{token}/star/{item_id}", data={"starred": "1"}).status_code == 302
    return ids


def _badge_code(app, registration_id: int) -> str:
    from eventmgr.registration.models import Registration

    with app.app_context():
        return db.session.get(Registration, registration_id).badge_code


def _download(response) -> dict:
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    return json.loads(response.get_data(as_text=True))


@pytest.fixture
def kari(app, demo, login):
    """Kari in every domain: (her browser, the organiser's, her token, her registration id)."""
    visitor = app.test_client()
    token, kari_id = _register_kari(app)
    _network(app, kari_id)
    starred = _star(app, visitor, token, *STARRED)
    assert len(starred) == 2
    organiser = login("organiser")
    for door in ("Main entrance", "Side door"):
        scan = organiser.post(
            f"/door/{SLUG}/scan", json={"code": _badge_code(app, kari_id), "door": door}
        )
        assert scan.status_code == 200, scan.get_data(as_text=True)
    return visitor, organiser, token, kari_id


def test_the_download_has_every_domains_section_and_the_organiser_gets_the_same(app, kari):
    visitor, organiser, token, kari_id = kari
    mine = _download(visitor.get(f"/r/{token}/data.json"))
    assert mine["name"] == KARI["name"] and mine["role"] == "delegation"

    programme = mine["my_programme"]
    assert [s["title"] for s in programme["starred"]] == list(STARRED)
    feed = visitor.get(programme["feed_url"].removeprefix(app.config["BASE_URL"]))
    assert feed.status_code == 200 and "Meeting: Ingrid Berg" in feed.get_data(as_text=True)

    networking = mine["networking"]
    assert networking["profile"]["pitch"] == PITCH and networking["profile"]["kind"] == "clinician"
    (sent,) = networking["requests_sent"]
    assert sent["with"]["name"] == "Ingrid Berg" and sent["message"] == MESSAGE
    assert sent["status"] == "accepted"
    (received,) = networking["requests_received"]
    assert received["with"] == {"name": "Ola Hansen", "organisation": "Aker Bio"}
    assert (received["status"], received["message"]) == ("pending", "Coffee?")
    (meeting,) = networking["meetings"]
    assert meeting["with"]["name"] == "Ingrid Berg" and meeting["table"] == 7
    local, utc = (datetime.fromisoformat(meeting[k]) for k in ("starts_at", "starts_at_utc"))
    assert local == utc and meeting["timezone"] == "Europe/Oslo"
    assert local.utcoffset().total_seconds() == 3600 and utc.utcoffset().total_seconds() == 0
    assert [b["name"] for b in networking["blocked"]] == ["Per Olsen"]
    assert networking["delegation"] == {
        "name": "GU Ventures",
        "home_organisation": "",
        "company": "Sortina",
        "role": "CMO",
    }

    checkin = mine["checkin"]
    assert checkin["checked_in"]["door"] == "Main entrance"
    assert [(s["door"], s["status"]) for s in checkin["scans"]] == [
        ("Main entrance", "accepted"),
        ("Side door", "refused"),
    ]

    theirs = organiser.get(f"/manage/events/{SLUG}/registrations/{kari_id}/data.json")
    assert _download(theirs) == mine


def test_after_erasure_the_link_is_dead_and_the_sections_are_empty_or_anonymous(app, kari):
    visitor, organiser, token, kari_id = kari
    feed_url = _download(visitor.get(f"/r/{token}/data.json"))["my_programme"]["feed_url"]
    before = organiser.get(f"/manage/events/{SLUG}/checkin/stats.json").get_json()

    erased = visitor.post(f"/r/{token}/erase", data={"confirm": "y"})
    assert erased.status_code == 302
    for path in (
        f"/r/{token}",
        f"/r/{token}/data.json",
        feed_url.removeprefix(app.config["BASE_URL"]),
    ):
        assert visitor.get(path).status_code == 404, path

    response = organiser.get(f"/manage/events/{SLUG}/registrations/{kari_id}/data.json")
    text = response.get_data(as_text=True)
    for personal in (
        KARI["name"],
        KARI["email"],
        KARI["organisation"],
        PITCH,
        MESSAGE,
        "Sortina",
        "GU Ventures",
        "Per Olsen",
        "/agenda/",
    ):
        assert personal not in text, personal
    data = _download(response)
    assert data["my_programme"] == {"feed_url": None, "starred": []}
    networking = data["networking"]
    assert networking["profile"] is None and networking["delegation"] is None
    assert networking["blocked"] == []
    # requests stay, withdrawn, for the organiser's counts; the erasure cancelled the
    # registration, so the meeting went (networking/cancellation.py)
    assert [(r["message"], r["status"]) for r in networking["requests_sent"]] == [("", "cancelled")]
    assert networking["meetings"] == []
    assert data["checkin"]["checked_in"]["door"] == "Main entrance"
    assert len(data["checkin"]["scans"]) == 2

    after = organiser.get(f"/manage/events/{SLUG}/checkin/stats.json").get_json()
    assert after["checked_in"] == before["checked_in"] == 1
    assert after["doors"] == before["doors"]
