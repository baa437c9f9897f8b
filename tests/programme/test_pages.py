"""Public programme pages and the organiser's timetable, through the test client."""

from __future__ import annotations

from tests.programme.conftest import SLUG


def test_event_home_shows_the_programme_summary(client, demo):
    page = client.get(f"/events/{demo['slug']}").get_data(as_text=True)
    assert "Evolution and epigenetics" in page and "Networking session" in page
    assert f"/events/{demo['slug']}/programme" in page


def test_programme_filters_by_theme_kind_and_delivery(client, demo):
    base = f"/events/{demo['slug']}/programme"
    page = client.get(base).get_data(as_text=True)
    assert "All times are in the time zone Europe/Oslo." in page
    assert "10:40" in page and "Opening keynote" in page and "Lunch" in page
    themed = client.get(base + "?theme=epigenetics").get_data(as_text=True)
    assert "Evolution and epigenetics" in themed and "Lunch" not in themed
    breaks = client.get(base + "?kind=break").get_data(as_text=True)
    assert "Coffee break" in breaks and "Opening keynote" not in breaks
    digital = client.get(base + "?delivery=digital").get_data(as_text=True)
    assert "Opening keynote" in digital and "Lunch" not in digital


def test_item_speakers_and_changes_pages(client, demo, api):
    slug = demo["slug"]
    items = api("GET", f"/api/v1/events/{slug}/programme").json()["items"]
    session = next(i for i in items if i["title"] == "Evolution and epigenetics")
    page = client.get(f"/events/{slug}/items/{session['id']}").get_data(as_text=True)
    assert "Katarina Puco" in page and "TRACERx" in page and "(Europe/Oslo)" in page
    assert client.get(f"/events/{slug}/items/999999").status_code == 404
    speakers = client.get(f"/events/{slug}/speakers").get_data(as_text=True)
    assert "Meet the speakers" in speakers and "Douglas Hanahan" in speakers and "EPFL" in speakers
    lunch = next(i for i in items if i["title"] == "Lunch")
    api(
        "PATCH",
        f"/api/v1/events/{slug}/programme/items/{lunch['id']}",
        role="organiser",
        json={"cancelled": True},
    )
    api(
        "POST", f"/api/v1/events/{slug}/programme/publish", role="organiser", json={"confirm": True}
    )
    changes = client.get(f"/events/{slug}/changes").get_data(as_text=True)
    assert "Version 2" in changes and 'data-change="cancelled"' in changes and "Lunch" in changes


def test_draft_events_and_unknown_events_are_hidden(client, symposium):
    assert client.get("/events/nope/programme").status_code == 404
    assert "not published yet" in client.get(f"/events/{SLUG}/programme").get_data(as_text=True)


def test_quick_move_and_delete_with_confirmation(app, login, demo, api):
    client = login("organiser")
    slug = demo["slug"]
    items = api("GET", f"/api/v1/events/{slug}/programme/draft", role="organiser").json()["items"]
    session = next(i for i in items if i["title"] == "Evolution and epigenetics")
    talk = next(i for i in items if i["parent_id"] == session["id"])
    response = client.post(
        f"/manage/events/{slug}/programme/items/{session['id']}/move", data={"minutes": "-15"}
    )
    assert response.status_code == 302
    moved = api(
        "GET", f"/api/v1/events/{slug}/programme/items/{talk['id']}", role="organiser"
    ).json()
    assert moved["item"]["starts_at"] == "2023-01-26T11:15:00+01:00"  # the talk moved along
    page = client.get(f"/manage/events/{slug}/programme").get_data(as_text=True)
    assert "has-clash" in page and 'data-clash="room"' in page
    ask = client.get(f"/manage/events/{slug}/programme/items/{session['id']}/delete").get_data(
        as_text=True
    )
    assert "Its talks are deleted with it" in ask and "TRACERx" in ask
    assert (
        client.post(f"/manage/events/{slug}/programme/items/{session['id']}/delete").status_code
        == 302
    )
    assert (
        api(
            "GET", f"/api/v1/events/{slug}/programme/items/{talk['id']}", role="organiser"
        ).status_code
        == 404
    )


def test_the_manage_list_links_to_the_programme(login, demo):
    page = login("organiser").get("/manage/events").get_data(as_text=True)
    assert f"/manage/events/{demo['slug']}/programme" in page


def test_the_timetable_query_count_does_not_grow_with_the_items(app, login, symposium, api):
    """No N+1 on the organiser's side either: talks, rooms and people load in bulk."""
    from sqlalchemy import event as sa_event

    from eventmgr.platform.db import db
    from tests.programme.conftest import oslo

    client = login("organiser")
    url = f"/manage/events/{SLUG}/programme"
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(*args) -> None:
        seen.append(args[2])

    def queries() -> int:
        seen.clear()
        sa_event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(url).status_code == 200
        finally:
            sa_event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    def add_session(hour: int) -> None:
        session = api(
            "POST",
            f"/api/v1/events/{SLUG}/programme/items",
            role="organiser",
            json={
                "kind": "session",
                "title": f"S{hour}",
                "starts_at": oslo(hour),
                "ends_at": oslo(hour + 1),
                "room_id": symposium["rooms"]["Auditorium"],
                "moderator_ids": [symposium["people"]["Ada Moderator"]],
            },
        ).json()["item"]
        for minute, speaker in ((0, "Ben Speaker"), (30, "Cleo Speaker")):
            api(
                "POST",
                f"/api/v1/events/{SLUG}/programme/items",
                role="organiser",
                json={
                    "kind": "talk",
                    "title": f"T{hour}.{minute}",
                    "starts_at": oslo(hour, minute),
                    "ends_at": oslo(hour, minute + 30) if minute == 0 else oslo(hour + 1),
                    "parent_id": session["id"],
                    "speaker_ids": [symposium["people"][speaker]],
                },
            )

    add_session(9)
    few = queries()
    assert few > 0
    for hour in range(10, 16):
        add_session(hour)
    assert queries() == few, seen
