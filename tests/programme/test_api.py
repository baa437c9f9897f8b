"""The programme API over real HTTP: every hard rule (422), every clash, publishing, access."""

from __future__ import annotations

import pytest

from tests.programme.conftest import SLUG, error_of, oslo

ITEMS = f"/api/v1/events/{SLUG}/programme/items"


@pytest.fixture
def post_item(api, symposium):
    def post(status: int = 201, **fields):
        response = api("POST", ITEMS, role="organiser", json=fields)
        assert response.status_code == status, response.text
        return response.json()

    return post


@pytest.fixture
def session_with_talk(post_item, symposium):
    """A session 09:00–10:00 in the auditorium moderated by Ada, with Ben's talk 09:00–09:30."""
    session = post_item(
        kind="session",
        title="Immunotherapy",
        starts_at=oslo(9),
        ends_at=oslo(10),
        room_id=symposium["rooms"]["Auditorium"],
        moderator_ids=[symposium["people"]["Ada Moderator"]],
    )
    talk = post_item(
        kind="talk",
        title="Checkpoints",
        starts_at=oslo(9),
        ends_at=oslo(9, 30),
        parent_id=session["item"]["id"],
        speaker_ids=[symposium["people"]["Ben Speaker"]],
    )
    return session["item"], talk


def test_demo_programme_is_published_in_the_event_zone(api, demo):
    body = api("GET", f"/api/v1/events/{demo['slug']}/programme").json()
    assert body["version"] == 1 and body["timezone"] == "Europe/Oslo"
    assert len(body["items"]) == 14
    keynote = next(i for i in body["items"] if i["kind"] == "keynote")
    assert keynote["starts_at"] == "2023-01-26T10:40:00+01:00"
    assert keynote["delivery"] == "digital"
    names = {p["name"] for p in body["people"]}
    assert {"Douglas Hanahan", "Katarina Puco", "Jakob Nikolas Kather"} <= names
    networking = next(i for i in body["items"] if i["kind"] == "networking")
    assert networking["starts_at"] == "2023-01-26T16:15:00+01:00"
    assert networking["room"] == "Foyer outside the auditorium"


def test_a_talk_inside_its_session_does_not_clash_and_takes_its_room(session_with_talk, symposium):
    _session, talk = session_with_talk
    assert talk["clashes"] == []
    assert talk["item"]["room_id"] == symposium["rooms"]["Auditorium"]
    assert talk["item"]["starts_at"] == "2024-03-14T09:00:00+01:00"


def test_attendees_see_only_the_published_programme(api, session_with_talk):
    public = api("GET", f"/api/v1/events/{SLUG}/programme").json()
    assert public["version"] is None and public["items"] == []
    assert (
        api(
            "POST", f"/api/v1/events/{SLUG}/programme/publish", role="organiser", json={}
        ).status_code
        == 201
    )
    public = api("GET", f"/api/v1/events/{SLUG}/programme").json()
    assert [i["title"] for i in public["items"]] == ["Immunotherapy", "Checkpoints"]
    # A later draft change stays invisible until the next publication.
    talk_id = session_with_talk[1]["item"]["id"]
    api("PATCH", f"{ITEMS}/{talk_id}", role="organiser", json={"title": "Renamed"})
    public = api("GET", f"/api/v1/events/{SLUG}/programme").json()
    assert "Renamed" not in [i["title"] for i in public["items"]]


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"ends_at": oslo(8)}, "ends_at", "end after it starts"),
        ({"room_id": 999999}, "room_id", "No such room"),
        ({"kind": "talk"}, "parent_id", "belongs to a session"),
        ({"kind": "talk", "parent_id": 999999}, "parent_id", "No such session"),
        ({"parent_id": 999999}, "parent_id", "Only talks"),
        ({"speaker_ids": [999999]}, "speaker_ids", "No such person"),
        ({"moderator_ids": [999999]}, "moderator_ids", "No such person"),
        ({"kind": "party"}, "kind", "Must be one of"),
        ({"delivery": "hologram"}, "delivery", "Must be one of"),
        ({"title": ""}, "title", "Length"),
        ({"starts_at": "2024-03-14T09:00:00"}, "starts_at", "aware"),
        ({"starts_at": "tomorrow"}, "starts_at", "Not a valid datetime"),
        ({"colour": "red"}, "colour", "Unknown field"),
    ],
)
def test_bad_items_are_refused_with_the_field_named(
    api, post_item, symposium, fields, field, words
):
    good = {"kind": "keynote", "title": "Keynote", "starts_at": oslo(9), "ends_at": oslo(10)}
    response = api("POST", ITEMS, role="organiser", json={**good, **fields})
    error = error_of(response, 422)
    assert words.lower() in error["fields"][field].lower()
    draft = api("GET", f"/api/v1/events/{SLUG}/programme/draft", role="organiser").json()
    assert draft["items"] == []


def test_a_room_of_another_event_is_refused(api, post_item, demo):
    other_room = api("GET", f"/api/v1/events/{demo['slug']}/rooms", role="organiser").json()[0]
    error = post_item(
        422, kind="other", title="X", starts_at=oslo(9), ends_at=oslo(10), room_id=other_room["id"]
    )
    assert "No such room" in error["error"]["fields"]["room_id"]


def test_a_refused_update_changes_nothing(api, session_with_talk):
    talk_id = session_with_talk[1]["item"]["id"]
    response = api(
        "PATCH", f"{ITEMS}/{talk_id}", role="organiser", json={"title": "New", "ends_at": oslo(8)}
    )
    error_of(response, 422)
    item = api("GET", f"{ITEMS}/{talk_id}", role="organiser").json()["item"]
    assert item["title"] == "Checkpoints" and item["ends_at"] == "2024-03-14T09:30:00+01:00"


def _kinds(result) -> set[str]:
    return {c["kind"] for c in result["clashes"]}


def test_two_items_in_one_room_clash(post_item, symposium):
    room = symposium["rooms"]["Seminar room"]
    post_item(kind="other", title="A", starts_at=oslo(11), ends_at=oslo(12), room_id=room)
    result = post_item(
        kind="other", title="B", starts_at=oslo(11, 30), ends_at=oslo(12, 30), room_id=room
    )
    assert _kinds(result) == {"room"}
    after = post_item(
        kind="other",
        title="C",
        starts_at=oslo(12),
        ends_at=oslo(12, 30),
        room_id=symposium["rooms"]["Auditorium"],
    )
    assert after["clashes"] == []


def test_a_moderator_in_two_places_clashes(post_item, session_with_talk, symposium):
    result = post_item(
        kind="keynote",
        title="Keynote",
        starts_at=oslo(9, 30),
        ends_at=oslo(10, 15),
        room_id=symposium["rooms"]["Seminar room"],
        moderator_ids=[symposium["people"]["Ada Moderator"]],
    )
    assert _kinds(result) == {"person"}
    assert "Ada Moderator" in result["clashes"][0]["message"]


def test_a_speaker_in_two_places_clashes(post_item, session_with_talk, symposium):
    result = post_item(
        kind="other",
        title="Panel",
        starts_at=oslo(9, 15),
        ends_at=oslo(9, 45),
        room_id=symposium["rooms"]["Seminar room"],
        speaker_ids=[symposium["people"]["Ben Speaker"]],
    )
    assert _kinds(result) == {"person"}


def test_two_talks_of_a_session_in_its_room_clash_with_each_other(
    post_item, session_with_talk, symposium
):
    session, _talk = session_with_talk
    result = post_item(
        kind="talk",
        title="Second",
        starts_at=oslo(9, 15),
        ends_at=oslo(9, 45),
        parent_id=session["id"],
    )
    assert _kinds(result) == {"room"}


def test_a_talk_outside_its_session_clashes(post_item, session_with_talk):
    session, _talk = session_with_talk
    result = post_item(
        kind="talk",
        title="Late",
        starts_at=oslo(9, 45),
        ends_at=oslo(10, 15),
        parent_id=session["id"],
    )
    assert _kinds(result) == {"outside_session"}


def test_an_item_outside_the_event_days_clashes(post_item):
    result = post_item(
        kind="other", title="Next day", starts_at=oslo(9, day=15), ends_at=oslo(10, day=15)
    )
    assert _kinds(result) == {"outside_event"}


def test_too_short_and_too_long_items_clash(post_item):
    short = post_item(kind="break", title="Blink", starts_at=oslo(12), ends_at=oslo(12, 3))
    assert _kinds(short) == {"too_short"}
    long = post_item(
        kind="other",
        title="Marathon",
        starts_at="2024-03-14T00:30:00+01:00",
        ends_at="2024-03-14T23:00:00+01:00",
    )
    assert _kinds(long) == {"too_long"}


def test_cancelled_items_do_not_clash(api, post_item, symposium):
    room = symposium["rooms"]["Seminar room"]
    first = post_item(kind="other", title="A", starts_at=oslo(11), ends_at=oslo(12), room_id=room)
    second = post_item(kind="other", title="B", starts_at=oslo(11), ends_at=oslo(12), room_id=room)
    assert second["clashes"]
    result = api(
        "PATCH", f"{ITEMS}/{first['item']['id']}", role="organiser", json={"cancelled": True}
    ).json()
    assert result["clashes"] == []


def test_publishing_with_clashes_needs_confirmation(api, post_item, symposium):
    room = symposium["rooms"]["Seminar room"]
    post_item(kind="other", title="A", starts_at=oslo(11), ends_at=oslo(12), room_id=room)
    post_item(kind="other", title="B", starts_at=oslo(11), ends_at=oslo(12), room_id=room)
    publish = f"/api/v1/events/{SLUG}/programme/publish"
    error = error_of(api("POST", publish, role="organiser", json={}), 409)
    assert "confirm" in error["fields"]
    assert api("GET", f"/api/v1/events/{SLUG}/programme").json()["version"] is None
    done = api("POST", publish, role="organiser", json={"confirm": True})
    assert done.status_code == 201 and done.json()["clashes"] == 1


def test_moving_a_session_and_deleting_it_takes_its_talks(api, session_with_talk):
    session, talk = session_with_talk
    api("PATCH", f"{ITEMS}/{session['id']}", role="organiser", json={"starts_at": oslo(9, 5)})
    assert api("DELETE", f"{ITEMS}/{session['id']}", role="organiser").status_code == 204
    assert api("GET", f"{ITEMS}/{talk['item']['id']}", role="organiser").status_code == 404
    assert api("DELETE", f"{ITEMS}/{session['id']}", role="organiser").status_code == 404


def test_items_of_another_event_are_not_found(api, symposium, demo):
    demo_item = api(
        "GET", f"/api/v1/events/{demo['slug']}/programme/draft", role="organiser"
    ).json()["items"][0]
    error_of(api("PATCH", f"{ITEMS}/{demo_item['id']}", role="organiser", json={"title": "x"}), 404)


def test_people_and_rooms_have_the_same_rules(api, symposium):
    people = f"/api/v1/events/{SLUG}/people"
    created = api(
        "POST",
        people,
        role="organiser",
        json={"name": "Eva Expert", "links": ["https://example.org/eva"]},
    )
    assert created.status_code == 201 and created.json()["links"] == ["https://example.org/eva"]
    assert (
        "links"
        in error_of(
            api(
                "POST",
                people,
                role="organiser",
                json={"name": "X", "links": ["javascript:alert(1)"]},
            ),
            422,
        )["fields"]
    )
    assert (
        "name" in error_of(api("POST", people, role="organiser", json={"name": ""}), 422)["fields"]
    )
    person_id = created.json()["id"]
    assert (
        api("PATCH", f"{people}/{person_id}", role="organiser", json={"title": "Professor"}).json()[
            "title"
        ]
        == "Professor"
    )
    assert api("DELETE", f"{people}/{person_id}", role="organiser").status_code == 204

    rooms = f"/api/v1/events/{SLUG}/rooms"
    assert (
        "name"
        in error_of(api("POST", rooms, role="organiser", json={"name": "Auditorium"}), 422)[
            "fields"
        ]
    )
    assert (
        "capacity"
        in error_of(
            api("POST", rooms, role="organiser", json={"name": "Lab", "capacity": -1}), 422
        )["fields"]
    )
    lab = api("POST", rooms, role="organiser", json={"name": "Lab", "capacity": 12})
    assert lab.status_code == 201
    assert (
        api("PATCH", f"{rooms}/{lab.json()['id']}", role="organiser", json={"capacity": 14}).json()[
            "capacity"
        ]
        == 14
    )


def test_only_organisers_change_the_programme(api, symposium):
    body = {"kind": "other", "title": "X", "starts_at": oslo(9), "ends_at": oslo(10)}
    assert error_of(api("POST", ITEMS, json=body), 401)
    assert error_of(api("POST", ITEMS, role="attendee", json=body), 403)
    assert error_of(api("GET", f"/api/v1/events/{SLUG}/programme/draft", role="door_staff"), 403)


def test_unknown_and_draft_events_have_no_public_programme(api, app, symposium):
    from eventmgr.events.models import Event
    from eventmgr.platform.db import db

    error_of(api("GET", "/api/v1/events/nope/programme"), 404)
    with app.app_context():
        db.session.get(Event, symposium["id"]).published = False
        db.session.commit()
    error_of(api("GET", f"/api/v1/events/{SLUG}/programme"), 404)
    assert api("GET", f"/api/v1/events/{SLUG}/programme", role="organiser").status_code == 200
