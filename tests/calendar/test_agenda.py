"""My programme: starring through the manage link and when signed in, the secret feed."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from eventmgr.calendar.ics import Attendee, CalendarEntry
from eventmgr.platform import signals
from tests.calendar.conftest import by_summary, parse, utc

KEYNOTE = "Opening keynote"


def _star(client, slug: str, item_id: int, starred: bool = True, follow: bool = False):
    return client.post(
        f"/events/{slug}/items/{item_id}/star",
        data={"starred": "1" if starred else "0", "next": f"/events/{slug}/programme"},
        follow_redirects=follow,
    )


def _feed_path(page_html: str) -> str:
    """The https subscription URL shown in the "my programme" box, as a path."""
    match = re.search(
        r'id="agenda-url" type="url" readonly value="http://127\.0\.0\.1([^"]+)"', page_html
    )
    assert match, "no subscription address on the page"
    webcal = re.search(r'id="agenda-webcal" role="button"', page_html)
    assert webcal and f"webcal://127.0.0.1{match.group(1)}" in page_html
    return match.group(1)


def _through_manage_link(client, token: str) -> str:
    """Press the manage page's "choose items" (this browser then stars for the registrant)."""
    response = client.post(f"/r/{token}/programme")
    assert response.status_code == 302 and response.headers["Location"].endswith("/programme")
    page = client.get(f"/r/{token}").data.decode()
    return _feed_path(page)


def test_starred_items_make_the_agenda_feed(client, demo_event):
    slug = demo_event.slug
    token = demo_event.register("kari@example.org")
    feed = _through_manage_link(client, token)
    assert re.fullmatch(r"/agenda/[A-Za-z0-9_-]{43}\.ics", feed)
    assert token not in feed
    empty = client.get(feed)
    assert empty.status_code == 200 and parse(empty.data) == {}
    page = client.get(f"/events/{slug}/programme").data.decode()
    assert "Choosing items for the programme of Kari Nordmann." in page
    assert page.count('class="star-form') == 14
    keynote, lunch = demo_event.item_id(KEYNOTE), demo_event.item_id("Lunch")
    for item_id in (keynote, lunch):
        response = _star(client, slug, item_id)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/events/{slug}/programme"
    _star(client, slug, keynote)  # twice is once
    response = client.get(feed)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"].endswith(
        'filename="cancer-crosslinks-2023-my-programme.ics"'
    )
    events = parse(response.data)
    assert sorted(e["summary"] for e in events.values())[0] == "Lunch"
    uid, item = by_summary(events, KEYNOTE)
    assert item["start"] == utc(9, 40) and uid == f"programme-item-{keynote}@127.0.0.1"
    assert "Kaare Norum Auditorium" in item["location"]  # on site: the room
    # The programme feed and the agenda give one item the same UID.
    assert uid in parse(client.get(f"/events/{slug}/programme.ics").data)
    manage = client.get(f"/r/{token}").data.decode()
    assert f'id="starred-{keynote}"' in manage and f'id="starred-{lunch}"' in manage
    # Unstar from the manage page.
    assert client.post(f"/r/{token}/star/{lunch}", data={"starred": "0"}).status_code == 302
    assert [e["summary"] for e in parse(client.get(feed).data).values()] == [item["summary"]]
    # Only published items can be starred.
    _star(client, slug, 99999)
    assert len(parse(client.get(feed).data)) == 1


def test_digital_registrants_get_the_stream_instead_of_the_room(client, demo_event):
    token = demo_event.register("digital@example.org", mode="digital")
    feed = _through_manage_link(client, token)
    _star(client, demo_event.slug, demo_event.item_id(KEYNOTE))
    _uid, item = by_summary(parse(client.get(feed).data), KEYNOTE)
    assert item["location"] == "https://stream.example.org/cancer-crosslinks-2023"
    assert item["description"].startswith("Stream: https://stream.example.org/")
    public = client.get(f"/events/{demo_event.slug}/programme.ics").data.decode()
    assert "stream.example.org" not in public


def test_a_reset_address_stops_working(client, demo_event):
    token = demo_event.register("kari@example.org")
    old = _through_manage_link(client, token)
    assert client.get(old).status_code == 200
    response = client.post(f"/r/{token}/agenda/reset", follow_redirects=True)
    assert "the old one no longer works" in response.data.decode()
    new = _feed_path(response.data.decode())
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    # The same from the "my programme" page of this browser.
    client.post(f"/events/{demo_event.slug}/my-programme/reset")
    page = client.get(f"/events/{demo_event.slug}/my-programme").data.decode()
    assert client.get(new).status_code == 404
    assert client.get(_feed_path(page)).status_code == 200


def test_nobody_reads_another_persons_agenda(app, client, demo_event):
    slug = demo_event.slug
    kari = demo_event.register("kari@example.org")
    ola = demo_event.register("ola@example.org", name="Ola Nordmann")
    kari_feed = _through_manage_link(client, kari)
    _star(client, slug, demo_event.item_id(KEYNOTE))
    other = app.test_client()
    ola_feed = _through_manage_link(other, ola)
    _star(other, slug, demo_event.item_id("Lunch"))
    assert [e["summary"] for e in parse(other.get(ola_feed).data).values()] == ["Lunch"]
    assert len(parse(client.get(kari_feed).data)) == 1
    # No URL carries an id: changing characters of a token, or numbers, finds nothing.
    token = kari_feed.removeprefix("/agenda/").removesuffix(".ics")
    flipped = ("A" if token[0] != "A" else "B") + token[1:]
    for path in (f"/agenda/{flipped}.ics", "/agenda/1.ics", "/agenda/2.ics", "/agenda/.ics"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/r/{kari[:-1]}x/programme").status_code == 404
    assert client.post(f"/r/{kari[:-1]}x/star/1", data={"starred": "1"}).status_code == 404
    assert client.post(f"/r/{kari[:-1]}x/agenda/reset").status_code == 404
    # A browser that never opened a manage link, not signed in, stars nothing.
    stranger = app.test_client()
    response = _star(stranger, slug, demo_event.item_id("Lunch"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/my-programme")
    page = stranger.get(f"/events/{slug}/my-programme").data.decode()
    assert "agenda-url" not in page and "log in" in page.lower()
    assert stranger.post(f"/events/{slug}/my-programme/reset").status_code == 404
    assert 'class="star-form' not in stranger.get(f"/events/{slug}/programme").data.decode()
    # The manage page and the agenda feed are not sent on as referrers.
    assert client.get(f"/r/{kari}/programme").headers["Referrer-Policy"] == "no-referrer"
    assert client.get(kari_feed).headers["Referrer-Policy"] == "no-referrer"


def test_an_erased_registration_has_no_feed(app, client, demo_event):
    token = demo_event.register("kari@example.org")
    feed = _through_manage_link(client, token)
    assert client.post(f"/r/{token}/erase", data={"confirm": "y"}).status_code == 302
    assert client.get(feed).status_code == 404


def test_signed_in_attendees_star_on_the_server(app, client, demo_event, login):
    slug = demo_event.slug
    login("attendee")  # attendee@example.org has no registration yet: stars by account
    keynote = demo_event.item_id(KEYNOTE)
    page = client.get(f"/events/{slug}/items/{keynote}").data.decode()
    assert "Add to my programme" in page
    _star(client, slug, keynote)
    assert "Remove from my programme" in client.get(f"/events/{slug}/items/{keynote}").data.decode()
    page = client.get(f"/events/{slug}/my-programme").data.decode()
    assert f'id="starred-{keynote}"' in page
    feed = _feed_path(page)
    assert list(parse(client.get(feed).data)) == [f"programme-item-{keynote}@127.0.0.1"]
    # Registering with the account's address: the stars and the address move along.
    demo_event.register("Attendee@example.org", mode="digital", name="Demo Attendee")
    _star(client, slug, demo_event.item_id("Lunch"))
    page = client.get(f"/events/{slug}/my-programme").data.decode()
    events = parse(client.get(_feed_path(page)).data)
    assert len(events) == 2
    _uid, item = by_summary(events, KEYNOTE)
    assert item["location"].startswith("https://stream.example.org/")  # now a digital registrant
    with app.app_context():
        from eventmgr.calendar.models import Agenda
        from eventmgr.platform.db import db

        [agenda] = db.session.scalars(db.select(Agenda)).all()
        assert agenda.registration_id is not None and agenda.user_id is None


def test_other_domains_add_entries_through_the_agenda_signal(client, demo_event):
    """Networking answers `agenda_entries_requested` with meetings; the agenda feed carries them."""
    seen = []

    def meetings(registration):
        seen.append(registration.email)
        yield CalendarEntry(
            uid=f"meeting-{registration.id}@127.0.0.1",
            start=datetime(2023, 1, 26, 14, 0, tzinfo=UTC),
            end=datetime(2023, 1, 26, 14, 15, tzinfo=UTC),
            summary="Meeting at table 4: Sara Rhost, Oslo Cancer Cluster",
            location="Table 4, Foyer outside the auditorium",
            attendees=(
                Attendee(registration.name, registration.email),
                Attendee("Sara Rhost", "sara@example.org"),
            ),
            last_modified=datetime(2023, 1, 20, tzinfo=UTC),
        )

    signals.agenda_entries_requested.connect(meetings)
    try:
        token = demo_event.register("kari@example.org")
        feed = _through_manage_link(client, token)
        _star(client, demo_event.slug, demo_event.item_id(KEYNOTE))
        first = client.get(feed)
        events = parse(first.data)
        assert len(events) == 2
        _uid, meeting = by_summary(events, "Meeting at table 4")
        assert meeting["start"] == utc(14)
        assert sorted(meeting["attendees"]) == [
            "mailto:kari@example.org",
            "mailto:sara@example.org",
        ]
        assert seen == ["kari@example.org"]
        again = client.get(feed, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
    finally:
        signals.agenda_entries_requested.disconnect(meetings)
    # Without the listener the feed is another one: the ETag says so.
    assert client.get(feed, headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_agenda_revalidation(client, demo_event):
    token = demo_event.register("kari@example.org")
    feed = _through_manage_link(client, token)
    first = client.get(feed)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get(feed, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(feed, headers={"If-Modified-Since": modified}).status_code == 304
    _star(client, demo_event.slug, demo_event.item_id(KEYNOTE))
    changed = client.get(feed, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    # A starred item the programme lead removes is sent as cancelled.
    with client.application.app_context():
        from eventmgr.platform.db import db
        from eventmgr.programme import services

        event = demo_event.event()
        services.delete_item(services.item_of(event, demo_event.item_id(KEYNOTE)))
        services.publish(event, confirm=True)
        db.session.commit()
    [item] = parse(client.get(feed).data).values()
    assert item["status"] == "CANCELLED" and item["sequence"] == 1
    assert "Removed from the programme" in client.get(f"/r/{token}").data.decode()


@pytest.mark.parametrize("lang,label", [("en", "Speakers: "), ("nb", "Foredragsholdere: ")])
def test_the_agenda_speaks_the_registrants_language(app, client, demo_event, lang, label):
    token = demo_event.register("kari@example.org")
    with app.app_context():
        from eventmgr.platform.db import db
        from eventmgr.registration.links import find_by_token

        find_by_token(token).language = lang
        db.session.commit()
    feed = _through_manage_link(client, token)
    _star(client, demo_event.slug, demo_event.item_id(KEYNOTE))
    [item] = parse(client.get(feed).data).values()
    assert item["description"].startswith(label)


def test_add_to_calendar_on_the_manage_and_confirmation_pages(client, demo_event):
    token = demo_event.register("kari@example.org")
    manage = client.get(f"/r/{token}").data.decode()
    assert f'href="/r/{token}/event.ics"' in manage
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in manage
    assert "text=Cancer+Crosslinks+2023" in manage
    assert "https://outlook.live.com/calendar/0/action/compose?" in manage
    response = client.post(
        f"/events/{demo_event.slug}/register",
        data={
            "name": "Per Hansen",
            "email": "per@example.org",
            "organisation": "NTNU",
            "job_title": "Researcher",
            "category": "researcher",
            "mode": "on_site",
            "language": "en",
            "consent": "y",
        },
        follow_redirects=True,
    )
    page = response.data.decode()
    assert "Your place is confirmed." in page, page[:2000]
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in page
    assert "location=Oslo+Cancer+Cluster+Innovation+Park" in page
    assert f'href="/events/{demo_event.slug}/programme.ics"' in page


def test_starring_first_then_the_pages(client, demo_event):
    """The derived history outlives the request (and the commit) that made it."""
    token = demo_event.register("kari@example.org")
    assert client.post(f"/r/{token}/programme").status_code == 302
    keynote = demo_event.item_id(KEYNOTE)
    assert _star(client, demo_event.slug, keynote).status_code == 302  # first to derive it
    for path in (
        f"/events/{demo_event.slug}/items/{keynote}",
        f"/events/{demo_event.slug}/items/{keynote}.ics",
        f"/events/{demo_event.slug}/programme.ics",
        f"/events/{demo_event.slug}/my-programme",
    ):
        assert client.get(path).status_code == 200, path
