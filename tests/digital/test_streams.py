"""Streams: per room, overridable per item, "not streamed"; never on public pages, feeds or the
public API; the organiser API sets them; the watch page and beats for digital registrants."""

from __future__ import annotations

from datetime import timedelta

from eventmgr.digital.models import WatchTime
from eventmgr.platform.db import db
from tests.digital.conftest import EMBED_URL, HLS_URL, SEMINAR_URL, SLUG

STREAM_HOSTS = ("stream.example.org", "player.example.com", "elsewhere.example.net")


def test_public_pages_api_and_feeds_never_contain_a_stream_url(client, live):
    items = live["items"]
    paths = [
        f"/events/{SLUG}",
        f"/events/{SLUG}/programme",
        f"/events/{SLUG}/speakers",
        f"/events/{SLUG}/changes",
        f"/events/{SLUG}/programme.ics",
        f"/api/v1/events/{SLUG}",
        f"/api/v1/events/{SLUG}/programme",
        "/api/v1/events",
        f"/events/{SLUG}/watch",
        f"/events/{SLUG}/watch/now",
        f"/events/{SLUG}/ask",
    ]
    paths += [f"/events/{SLUG}/items/{i}" for i in items.values()]
    paths += [f"/events/{SLUG}/items/{i}.ics" for i in items.values()]
    seen = 0
    for path in paths:
        response = client.get(path)
        text = response.get_data(as_text=True)
        assert response.status_code in (200, 403), path
        seen += response.status_code == 200
        for host in STREAM_HOSTS:
            assert host not in text, (path, host)
    assert seen == len(paths) - 2  # the watch page and its JSON refuse a stranger
    programme = client.get(f"/events/{SLUG}/programme").get_data(as_text=True)
    assert programme.count("data-not-streamed") == 1  # "Unpublished data" says so
    published = client.get(f"/api/v1/events/{SLUG}/programme").json
    flags = {i["id"]: i["streamed"] for i in published["items"]}
    assert flags[items["hidden"]] is False and flags[items["talk"]] is True
    assert all("stream_url" not in i for i in published["items"])


def test_the_organiser_api_sets_streams_per_room_and_item(api, live):
    rooms = api("GET", f"/api/v1/events/{SLUG}/rooms", "organiser").json()
    assert {r["name"]: r["stream_url"] for r in rooms} == {
        "Auditorium": HLS_URL,
        "Seminar room": SEMINAR_URL,
    }
    assert api("GET", f"/api/v1/events/{SLUG}/rooms", "attendee").status_code == 403
    changed = api(
        "PATCH",
        f"/api/v1/events/{SLUG}/rooms/{live['rooms']['seminar']}",
        "organiser",
        json={"stream_url": None},
    )
    assert changed.status_code == 200 and changed.json()["stream_url"] is None
    wrong = api(
        "PATCH",
        f"/api/v1/events/{SLUG}/rooms/{live['rooms']['seminar']}",
        "organiser",
        json={"stream_url": "javascript:alert(1)"},
    )
    assert wrong.status_code == 422 and "stream_url" in wrong.json()["error"]["fields"]
    item = api(
        "GET", f"/api/v1/events/{SLUG}/programme/items/{live['items']['keynote']}", "organiser"
    ).json()["item"]
    assert item["stream_url"] == EMBED_URL and item["streamed"] is True
    off = api(
        "PATCH",
        f"/api/v1/events/{SLUG}/programme/items/{live['items']['keynote']}",
        "organiser",
        json={"streamed": False},
    )
    assert off.json()["item"]["streamed"] is False


def _watcher(app, live, who="digital"):
    client = app.test_client()
    assert client.get(f"/r/{live['people'][who]['token']}/watch").status_code == 302
    return client


def test_now_and_next_per_streamed_room(app, live):
    watcher = _watcher(app, live)
    rooms = {r["name"]: r for r in watcher.get(f"/events/{SLUG}/watch/now").json["rooms"]}
    auditorium = rooms["Auditorium"]
    assert auditorium["now"]["title"] == "Clonal dynamics"
    assert auditorium["next"]["title"] == "Unpublished data"
    assert auditorium["stream"] == {"url": HLS_URL, "kind": "hls"}
    assert auditorium["qa_item_id"] == live["items"]["session"]
    assert rooms["Seminar room"]["stream"] == {"url": SEMINAR_URL, "kind": "link"}
    onsite = _watcher(app, live, "on_site")
    assert onsite.get(f"/events/{SLUG}/watch/now").status_code == 403
    assert onsite.get(f"/events/{SLUG}/watch").status_code == 403


def test_beats_credit_the_time_watched_once(app, live):
    from eventmgr.digital import attendance
    from eventmgr.events.web import find_event
    from eventmgr.registration.models import Registration

    auditorium = live["rooms"]["auditorium"]
    watcher = _watcher(app, live)
    first = watcher.post(f"/events/{SLUG}/watch/beat", json={"room_id": auditorium})
    assert first.status_code == 200 and first.json["credited"] == 0
    with app.app_context(), app.test_request_context():
        event = find_event(SLUG)
        registration = db.session.get(Registration, live["people"]["digital"]["id"])
        start = attendance.utcnow()
        for minutes, credited in ((1, 60), (2, 60), (5, 90)):
            beat = attendance.beat(
                event, registration, auditorium, start + timedelta(minutes=minutes)
            )
            assert beat.credited == credited and beat.item_id == live["items"]["talk"]
        row = db.session.get(WatchTime, (registration.id, live["items"]["talk"]))
        assert row.seconds == 210
        rows = {r.item.id: r for r in attendance.per_item(event)}
        assert rows[live["items"]["talk"]].online == 1
        assert rows[live["items"]["session"]].online == 1  # a session counts its talks
        assert rows[live["items"]["session"]].online_minutes == 3
    assert watcher.post(f"/events/{SLUG}/watch/beat", json={"room_id": "x"}).status_code == 422
    stranger = app.test_client()
    assert (
        stranger.post(f"/events/{SLUG}/watch/beat", json={"room_id": auditorium}).status_code == 403
    )


def test_the_organiser_pages_set_streams(app, login, live):
    from eventmgr.programme.models import ProgrammeItem, Room

    organiser = login("organiser")
    added = organiser.post(
        f"/manage/events/{SLUG}/rooms",
        data={"name": "Foyer", "capacity": "40", "stream_url": "https://stream.example.org/f.m3u8"},
    )
    assert added.status_code == 302
    refused = organiser.post(
        f"/manage/events/{SLUG}/rooms", data={"name": "Annex", "stream_url": "ftp://x"}
    )
    assert refused.status_code == 422
    talk = live["items"]["talk"]
    page = organiser.get(f"/manage/events/{SLUG}/programme/items/{talk}/edit").get_data(True)
    assert 'name="not_streamed"' in page
    with app.app_context():
        assert db.session.query(Room).filter_by(name="Foyer").one().stream_url.endswith("f.m3u8")
        item = db.session.get(ProgrammeItem, live["items"]["hidden"])
        assert item.streamed is False
