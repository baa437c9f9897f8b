"""The public feeds over HTTP: the programme (and its filters), one item, a speaker's items."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime

import pytest

from tests.calendar.conftest import by_summary, parse, utc

KEYNOTE = "Opening keynote"


def _feed(client, slug: str, query: str = ""):
    response = client.get(f"/events/{slug}/programme.ics{query}")
    assert response.status_code == 200, response.data[:300]
    return response


def _publish_as_organiser(login, slug: str, action: str, **form) -> None:
    client = login("organiser")
    assert client.post(action, data=form).status_code == 302
    response = client.post(f"/manage/events/{slug}/programme/publish", data={"confirm": "y"})
    assert response.status_code == 302
    client.post("/logout")


def test_programme_feed_is_read_alike_by_two_parsers(client, demo_event):
    response = _feed(client, demo_event.slug)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="cancer-crosslinks-2023-programme.ics"'
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    text = response.data.decode()
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/Oslo" in text
    events = parse(response.data)
    assert len(events) == 14  # every item of the demo, talks included
    uid, keynote = by_summary(events, KEYNOTE)
    assert keynote["start"] == utc(9, 40)  # 10:40 in Oslo
    assert keynote["offset"] == 3600  # given in Oslo's winter time, not in UTC
    assert "DTSTART;TZID=Europe/Oslo:20230126T104000" in text
    assert keynote["status"] == "CONFIRMED" and keynote["sequence"] == 0
    assert "Douglas Hanahan" in keynote["description"]
    assert "Moderators: " in keynote["description"]
    assert keynote["location"] == (
        "Kaare Norum Auditorium, Oslo Cancer Cluster Innovation Park, "
        "Ullernchausseen 64/66, NO-0379 Oslo, Norway"
    )
    item_id = demo_event.item_id(KEYNOTE)
    assert keynote["url"] == f"http://127.0.0.1/events/{demo_event.slug}/items/{item_id}"
    assert keynote["categories"] == ["Keynote"]
    _uid, session = by_summary(events, "Evolution and epigenetics")
    assert session["categories"] == ["Session", "tumour evolution", "epigenetics"]
    assert "stream.example.org" not in text  # the stream is for digital registrants only


def test_uids_stay_across_exports_and_versions(client, demo_event, login):
    first = parse(_feed(client, demo_event.slug).data)
    assert set(first) == set(parse(_feed(client, demo_event.slug).data))
    assert all(uid.startswith("programme-item-") and uid.endswith("@127.0.0.1") for uid in first)
    demo_event.change("Welcome", title="Welcome to Cancer Crosslinks")
    second = parse(_feed(client, demo_event.slug).data)
    assert set(second) == set(first)
    uid, welcome = by_summary(second, "Welcome to Cancer Crosslinks")
    assert welcome["sequence"] == 1 and first[uid]["sequence"] == 0
    assert all(second[u]["sequence"] == 0 for u in second if u != uid)  # others unchanged


def test_a_moved_item_updates_with_a_higher_sequence(client, demo_event, login):
    before = parse(_feed(client, demo_event.slug).data)
    uid, keynote = by_summary(before, KEYNOTE)
    item_id = demo_event.item_id(KEYNOTE)
    slug = demo_event.slug
    _publish_as_organiser(
        login, slug, f"/manage/events/{slug}/programme/items/{item_id}/move", minutes=15
    )
    after = parse(_feed(client, slug).data)
    moved = after[uid]
    assert moved["start"] == utc(9, 55) and moved["end"] == keynote["end"] + timedelta(minutes=15)
    assert moved["sequence"] == keynote["sequence"] + 1
    assert moved["last_modified"] >= keynote["last_modified"]  # to the second
    # Published again without changes to it: the sequence stays.
    _publish_as_organiser(
        login, slug, f"/manage/events/{slug}/programme/items/{item_id}/move", minutes=0
    )
    assert parse(_feed(client, slug).data)[uid]["sequence"] == moved["sequence"]
    single = parse(client.get(f"/events/{slug}/items/{item_id}.ics").data)
    assert single[uid]["start"] == utc(9, 55) and single[uid]["sequence"] == moved["sequence"]


def test_a_removed_item_is_sent_as_cancelled(client, demo_event, login):
    slug = demo_event.slug
    item_id = demo_event.item_id("Coffee break")
    uid, coffee = by_summary(parse(_feed(client, slug).data), "Coffee break")
    _publish_as_organiser(login, slug, f"/manage/events/{slug}/programme/items/{item_id}/delete")
    events = parse(_feed(client, slug).data)
    assert events[uid]["status"] == "CANCELLED"
    assert events[uid]["sequence"] == coffee["sequence"] + 1
    assert client.get(f"/events/{slug}/items/{item_id}").status_code == 404  # gone from the page
    single = client.get(f"/events/{slug}/items/{item_id}.ics")
    assert parse(single.data)[uid]["status"] == "CANCELLED"
    # An item cancelled by the programme lead (not removed) is cancelled too.
    demo_event.change("Lunch", cancelled=True)
    _uid, lunch = by_summary(parse(_feed(client, slug).data), "Lunch")
    assert lunch["status"] == "CANCELLED" and lunch["sequence"] == 1


def test_removed_items_leave_the_feed_after_a_while(app, demo_event):
    from eventmgr.calendar import services

    with app.app_context():
        event = demo_event.event()
        item_id = demo_event.item_id("Coffee break")
        services.programme.delete_item(services.programme.item_of(event, item_id))
        version = services.programme.publish(event, confirm=True)
        history = services.history_of(event)
        removed = history.states[item_id]
        assert removed.removed_at == version.published_at
        later = max(removed.removed_at + services.REMOVED_KEPT, event.ends_at)
        assert item_id in {s.item.id for s in history.shown(event, later - timedelta(seconds=1))}
        assert item_id not in {s.item.id for s in history.shown(event, later)}
        assert len(history.shown(event, later)) == 13


def test_revalidation_answers_304_with_etag_and_with_date(client, demo_event):
    slug = demo_event.slug
    first = _feed(client, slug)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get(f"/events/{slug}/programme.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    dated = client.get(f"/events/{slug}/programme.ics", headers={"If-Modified-Since": modified})
    assert dated.status_code == 304
    older = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)
    assert _feed_status(client, slug, {"If-Modified-Since": older}) == 200
    assert _feed_status(client, slug, {"If-None-Match": '"something-else"'}) == 200
    # Another language is another file: its ETag differs.
    norwegian = client.get(f"/events/{slug}/programme.ics", headers={"Accept-Language": "nb"})
    assert norwegian.headers["ETag"] != etag
    assert "Foredragsholdere" in norwegian.data.decode() or "Moderatorer" in norwegian.data.decode()
    # A new version is a new file, modified later than the old date (HTTP dates count whole
    # seconds, so the new version is published a few seconds on).
    demo_event.change("Welcome", title="Welcome!", published_later_by=timedelta(seconds=5))
    assert _feed_status(client, slug, {"If-None-Match": etag}) == 200
    assert _feed_status(client, slug, {"If-Modified-Since": modified}) == 200
    assert client.get(f"/events/{slug}/programme.ics").headers["ETag"] != etag


def _feed_status(client, slug: str, headers: dict) -> int:
    return client.get(f"/events/{slug}/programme.ics", headers=headers).status_code


def test_filters_give_the_matching_items(client, demo_event):
    slug = demo_event.slug
    keynotes = parse(_feed(client, slug, "?kind=keynote").data)
    assert [e["summary"] for e in keynotes.values()] == [
        e["summary"] for e in keynotes.values() if e["summary"].startswith(KEYNOTE)
    ]
    assert len(keynotes) == 1
    themed = parse(_feed(client, slug, "?theme=epigenetics").data)
    # The session with that theme and its two talks, as the filtered page shows them.
    assert len(themed) == 3
    by_summary(themed, "Evolution and epigenetics")
    digital = parse(_feed(client, slug, "?delivery=digital").data)
    summaries = sorted(e["summary"] for e in digital.values())
    assert summaries[0].startswith("Epigenetic (Combination)")
    assert any(s.startswith(KEYNOTE) for s in summaries)
    page = client.get(f"/events/{slug}/programme?delivery=digital").data.decode()
    assert f"/events/{slug}/programme.ics?delivery=digital" in page
    assert (
        client.get(f"/events/{slug}/programme.ics?kind=talk").headers["Content-Disposition"]
        == 'attachment; filename="cancer-crosslinks-2023-programme-talk.ics"'
    )
    assert parse(_feed(client, slug, "?kind=nothing").data) == {}


def test_text_is_escaped_and_folded(client, demo_event):
    title = "Tumours; clones, and ÆØÅ æøå — 🧬 evolution"
    abstract = "Line one, with a comma;\nline two: «sitat» 🎻\n\nA paragraph " + "lang tekst " * 20
    demo_event.change("Welcome", title=title, abstract=abstract, theme="æøå, emoji 🧬")
    response = _feed(client, demo_event.slug)
    text = response.data.decode("utf-8")
    assert "SUMMARY:Tumours\\; clones\\, and ÆØÅ æøå — 🧬 evolution" in text
    assert "\\n" in text  # newlines escaped, never raw inside a value
    events = parse(response.data)  # every line at most 75 octets
    _uid, item = by_summary(events, "Tumours")
    assert item["summary"] == title
    assert item["description"] == abstract
    assert item["categories"] == ["Welcome", "æøå", "emoji 🧬"]
    import icalendar

    calendar = icalendar.Calendar.from_ical(response.data)
    [vevent] = [c for c in calendar.walk("VEVENT") if str(c["SUMMARY"]) == title]
    assert str(vevent["DESCRIPTION"]) == abstract


def test_one_item_and_the_links_on_its_page(client, demo_event):
    slug = demo_event.slug
    item_id = demo_event.item_id(KEYNOTE)
    response = client.get(f"/events/{slug}/items/{item_id}.ics")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="cancer-crosslinks-2023-item-{item_id}.ics"'
    )
    [(uid, keynote)] = parse(response.data).items()
    assert keynote["start"] == utc(9, 40) and uid == f"programme-item-{item_id}@127.0.0.1"
    page = client.get(f"/events/{slug}/items/{item_id}").data.decode()
    assert f'href="/events/{slug}/items/{item_id}.ics"' in page
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in page
    assert "dates=20230126T094000Z%2F20230126T103000Z" in page
    assert "https://outlook.live.com/calendar/0/action/compose?" in page
    assert "startdt=2023-01-26T09%3A40%3A00Z" in page
    assert client.get(f"/events/{slug}/items/99999.ics").status_code == 404


def test_a_speakers_own_items(client, demo_event):
    slug = demo_event.slug
    page = client.get(f"/events/{slug}/speakers").data.decode()
    import re

    links = re.findall(rf'href="(/events/{slug}/speakers/(\d+)\.ics)"', page)
    assert len(links) >= 10
    by_link = {}
    for link, _person in links:
        response = client.get(link)
        assert response.status_code == 200
        by_link[link] = parse(response.data)
    # A moderator of the keynote and both morning sessions ... every feed is their items only.
    sizes = sorted(len(events) for events in by_link.values())
    assert sizes[0] >= 1 and sizes[-1] < 14
    hanahan = [
        events
        for events in by_link.values()
        if any("Douglas Hanahan" in e["description"] for e in events.values())
    ]
    assert any(len(events) == 1 and by_summary(events, KEYNOTE) for events in hanahan)
    assert client.get(f"/events/{slug}/speakers/99999.ics").status_code == 404


def test_unpublished_events_have_no_feeds(app, client, demo_event):
    with app.app_context():
        from eventmgr.platform.db import db

        demo_event.event().published = False
        db.session.commit()
    assert client.get(f"/events/{demo_event.slug}/programme.ics").status_code == 404


def test_a_304_costs_one_query_and_builds_nothing(app, client, demo_event, monkeypatch):
    from sqlalchemy import event as sa_event

    from eventmgr.calendar import ics
    from eventmgr.platform.db import db

    slug = demo_event.slug
    etag = _feed(client, slug, "?kind=talk").headers["ETag"]
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        if not statement.startswith(("BEGIN", "ROLLBACK", "COMMIT")):
            statements.append(statement)

    def no_build(*args, **kwargs):
        raise AssertionError("a revalidation built the calendar")

    monkeypatch.setattr(ics, "build_calendar", no_build)
    monkeypatch.setattr("eventmgr.calendar.services.build_calendar", no_build)
    with app.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", seen)
    try:
        response = client.get(
            f"/events/{slug}/programme.ics?kind=talk", headers={"If-None-Match": etag}
        )
    finally:
        sa_event.remove(engine, "before_cursor_execute", seen)
    assert response.status_code == 304
    assert len(statements) == 1, statements


@pytest.mark.parametrize("mode", ["on_site", "digital"])
def test_the_events_own_file_from_the_manage_link(client, demo_event, mode):
    """registration/documents.py's event .ics, read by both parsers like every other file."""
    token = demo_event.register(f"{mode}@example.org", mode=mode)
    response = client.get(f"/r/{token}/event.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    [event] = parse(response.data).values()
    assert event["start"] == utc(9, 30) and event["end"] == utc(18)  # 10:30–19:00 in Oslo
    if mode == "digital":
        assert event["location"] == "https://stream.example.org/cancer-crosslinks-2023"
    else:
        assert event["location"].startswith("Oslo Cancer Cluster Innovation Park, Ullern")
