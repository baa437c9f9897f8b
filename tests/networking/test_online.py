"""Online meetings: digital registrants take part in networking and are marked `online` in the
instance; a meeting with anyone online is only ever in a video room, with a link from the
event's room service (or pasted by the organiser) that only its participants see. People on
the waiting list or without a proven address take no part."""

from __future__ import annotations

import re

from sqlalchemy import select

from eventmgr.platform.db import db
from tests.networking.conftest import outbox
from tests.networking.test_pages import MANAGE, MINE, _sign_in

SLOTS = {"date": "2023-01-26", "start": "16:15", "end": "16:45", "minutes": 15}
BASE = "https://meet.example.org/rooms"


def _accept(app, sender, recipient) -> None:
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
        req.status = "accepted"
        db.session.commit()


def _instance(app) -> dict:
    from eventmgr.events.web import find_event
    from eventmgr.networking.schedule import build_instance

    with app.test_request_context():
        return build_instance(find_event("cancer-crosslinks-2023"))


def _settings(organiser, **extra) -> object:
    data = {
        "request_expiry_hours": 48,
        "max_open_requests": 10,
        "max_meetings": 6,
        "max_auto_meetings": 2,
        "interest_tags": "precision medicine\ncell therapy\nventure capital",
    }
    return organiser.post(MANAGE, data=data | extra)


def _places(organiser) -> None:
    assert organiser.post(MANAGE + "/slots", data=SLOTS).status_code == 302
    assert organiser.post(MANAGE + "/tables", data={"number": 1, "seats": 4}).status_code == 302
    room = {"number": 50, "seats": 4, "online": "y", "name": "Video room A"}
    assert organiser.post(MANAGE + "/tables", data=room).status_code == 302


def test_a_digital_registrant_meets_in_a_video_room_with_a_link_only_its_people_see(
    app, login, make_person, startup
):
    remote = make_person(
        "Rita Remote",
        "rita@example.org",
        mode="digital",
        kind="investor",
        organisation="Remote Capital",
    )
    other = make_person("Olav Onsite", "olav@example.org", organisation="Onsite AS")
    third = make_person("Tove Table", "tove@example.org", organisation="Table AS")
    organiser = login("organiser")
    assert _settings(organiser, video_base_url=BASE).status_code == 302
    _places(organiser)
    _accept(app, startup, remote)  # Sara (on site) with Rita (digital): online
    _accept(app, other, third)  # both on site: a physical table
    instance = _instance(app)
    people = {p["id"]: p for p in instance["participants"]}
    assert people[f"p{remote.registration_id}"]["online"] is True
    assert "online" not in people[f"p{startup.registration_id}"]
    rooms = [t for t in instance["tables"] if t.get("online")]
    assert len(rooms) == 1 and rooms[0]["seats"] == 4
    assert organiser.post(MANAGE + "/schedule", data={"time_limit": 5}).status_code == 302
    grid = organiser.get(MANAGE + "/schedule").get_data(as_text=True)
    header = re.findall(r'<th scope="col" class="place[^"]*">([^<]*)</th>', grid)
    assert header == ["Table 1", "Video room A"]
    rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", grid, re.S)
    assert len(rows) == 2  # two slots
    for row in rows:  # the cells in the order of the header: Table 1, then the video room
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        assert len(cells) == 2
        assert "Rita Remote" not in cells[0] and "Olav Onsite" not in cells[1]
    assert "Rita Remote" in grid and "Olav Onsite" in grid
    assert organiser.post(MANAGE + "/schedule/publish").status_code == 302

    sara = _sign_in(app, startup.email)
    page = sara.get(MINE + "/agenda").get_data(as_text=True)
    link = re.search(r'href="(https://meet\.example\.org/rooms/[^"]+)" class="video-link"', page)
    assert link is not None and "Video room A" in page
    rita_page = _sign_in(app, remote.email).get(MINE + "/agenda").get_data(as_text=True)
    assert link.group(1) in rita_page
    olav_page = _sign_in(app, other.email).get(MINE + "/agenda").get_data(as_text=True)
    assert "meet.example.org" not in olav_page and "Table 1" in olav_page
    assert link.group(1) in outbox(app, remote.email)[-1][2]
    assert link.group(1) in outbox(app, startup.email)[-1][2]
    assert all("meet.example.org" not in body for _to, _s, body in outbox(app, other.email))
    assert all("meet.example.org" not in body for _to, _s, body in outbox(app, third.email))


def test_without_a_video_room_an_online_meeting_is_not_placed_at_a_table(
    app, login, make_person, startup
):
    remote = make_person("Rita Remote", "rita@example.org", mode="digital", kind="investor")
    organiser = login("organiser")
    assert organiser.post(MANAGE + "/slots", data=SLOTS).status_code == 302
    assert organiser.post(MANAGE + "/tables", data={"number": 1, "seats": 4}).status_code == 302
    _accept(app, startup, remote)
    assert organiser.post(MANAGE + "/schedule", data={"time_limit": 5}).status_code == 302
    grid = organiser.get(MANAGE + "/schedule").get_data(as_text=True)
    assert "Rita Remote" not in grid


def test_the_organiser_pastes_a_link_and_a_bad_one_is_refused(app, login, make_person, startup):
    from eventmgr.networking.models import Meeting

    remote = make_person("Rita Remote", "rita@example.org", mode="digital", kind="investor")
    organiser = login("organiser")
    _places(organiser)
    _accept(app, startup, remote)
    assert organiser.post(MANAGE + "/schedule", data={"time_limit": 5}).status_code == 302
    with app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id))
    url = MANAGE + f"/meetings/{meeting_id}/video-link"
    bad = organiser.post(url, data={"video_link": "javascript:alert(1)"}, follow_redirects=True)
    assert "Give a web address (https://...)." in bad.get_data(as_text=True)
    pasted = "https://video.example.org/j/123456"
    assert organiser.post(url, data={"video_link": pasted}).status_code == 302
    assert organiser.post(MANAGE + "/schedule/publish").status_code == 302  # no service set
    page = _sign_in(app, remote.email).get(MINE + "/agenda").get_data(as_text=True)
    assert f'href="{pasted}"' in page
    assert pasted in outbox(app, startup.email)[-1][2]
    # a new link after publication: its two people are told, once
    newer = "https://video.example.org/j/999"
    for _twice in range(2):
        assert organiser.post(url, data={"video_link": newer}).status_code == 302
    for person in (startup, remote):
        told = [m for m in outbox(app, person.email) if newer in m[2]]
        assert [m[1] for m in told] == [
            "The video room of your meeting with "
            + ("Rita Remote" if person is startup else "Sara Rhost")
        ]


def test_a_bad_room_service_address_is_refused_and_nothing_changes(app, login):
    from eventmgr.networking.models import NetworkingSettings

    organiser = login("organiser")
    bad = _settings(organiser, video_base_url="meet dot example")
    assert bad.status_code == 422 and "Give a web address" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(NetworkingSettings.video_base_url)) in (None, "")


def test_people_waiting_or_unproven_take_no_part(app, make_person, startup, investor):
    from eventmgr.registration.models import Registration

    _accept(app, startup, investor)
    assert len(_instance(app)["requests"]) == 1
    for change in ({"email_proven_at": None}, {"status": "waitlisted"}):
        with app.app_context():
            reg = db.session.get(Registration, investor.registration_id)
            saved = {k: getattr(reg, k) for k in change}
            for k, v in change.items():
                setattr(reg, k, v)
            db.session.commit()
        assert _instance(app)["requests"] == []
        with app.app_context():
            reg = db.session.get(Registration, investor.registration_id)
            for k, v in saved.items():
                setattr(reg, k, v)
            db.session.commit()
    assert len(_instance(app)["requests"]) == 1


def test_places_settings_and_links_over_the_api(app, call, organiser_token, make_person, startup):
    org = organiser_token
    remote = make_person("Rita Remote", "rita@example.org", mode="digital", kind="investor")
    call(
        "POST",
        "/slots",
        org,
        json={
            "start": "2023-01-25T10:00:00+01:00",
            "end": "2023-01-25T10:30:00+01:00",
            "minutes": 15,
        },
    )
    call(
        "POST",
        "/slots",
        org,
        json={
            "start": "2023-01-26T10:00:00+01:00",
            "end": "2023-01-26T10:30:00+01:00",
            "minutes": 15,
        },
    )
    bad = call("POST", "/tables", org, json={"number": 2, "online": "yes", "name": 5})
    assert set(bad.json()["error"]["fields"]) == {"online", "name"}
    room = call("POST", "/tables", org, json={"number": 2, "online": True, "name": "Zoom 1"})
    assert room.status_code == 201 and room.json()["online"] is True
    assert call("PATCH", "/settings", org, json={"video_base_url": "ftp://x"}).status_code == 422
    settings = call("PATCH", "/settings", org, json={"video_base_url": BASE})
    assert settings.json()["video_base_url"] == BASE
    _accept(app, startup, remote)
    call("POST", "/schedule", org, json={"time_limit": 5})
    [meeting] = call("GET", "/schedule", org).json()["meetings"]
    assert meeting["online"] is True and meeting["place"] == "Zoom 1"
    url = f"/meetings/{meeting['id']}/video-link"
    assert call("PUT", url, org, json={"video_link": "no"}).status_code == 422
    assert call("PUT", url, org, json={"video_link": ""}).status_code == 200
    call("POST", "/schedule/publish", org)
    [mine] = call("GET", "/meetings", remote).json()
    assert mine["video_link"].startswith(BASE + "/cancer-crosslinks-2023-")
    assert mine["starts_at"].startswith("2023-01-2")


def test_the_networking_page_says_why_someone_waiting_or_unproven_is_not_in(app, make_person):
    from eventmgr.registration.models import Registration

    person = make_person("Wendy Wait", "wendy@example.org")
    client = _sign_in(app, person.email)
    assert "Suggested for you" in client.get(MINE).get_data(as_text=True)
    for change, marker in (
        ({"status": "waitlisted"}, 'id="waiting"'),
        # an unproven registration is not the account's at all (issue 14): register again
        # with the address, and the link mailed there proves it
        ({"email_proven_at": None}, 'id="not-registered"'),
    ):
        with app.app_context():
            reg = db.session.get(Registration, person.registration_id)
            saved = {k: getattr(reg, k) for k in change}
            for k, v in change.items():
                setattr(reg, k, v)
            db.session.commit()
        page = client.get(MINE).get_data(as_text=True)
        assert marker in page and "Suggested for you" not in page
        assert 'id="opt-in"' not in page
        with app.app_context():
            reg = db.session.get(Registration, person.registration_id)
            for k, v in saved.items():
                setattr(reg, k, v)
            db.session.commit()
