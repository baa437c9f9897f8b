"""In real Chromium: a digital registrant's meeting is in a video room with a link from the
event's room service, shown on both participants' agendas; the room is never a physical table,
and someone else's agenda shows no link."""

from __future__ import annotations

import re

import pytest

from tests.networking.browser_setup import SLUG, accepted, places, publish
from tests.networking.conftest import PASSWORD
from tests.support import log_in

SERVICE = "https://meet.example.org/rooms"


@pytest.mark.browser
def test_a_digital_registrant_gets_an_online_meeting_with_a_room_link(
    app, page, browser, live_server, make_person, startup
):
    remote = make_person(
        "Rita Remote",
        "rita@example.org",
        mode="digital",
        kind="investor",
        organisation="Remote Capital",
    )
    olav = make_person("Olav Onsite", "olav@example.org", organisation="Onsite AS")
    tove = make_person("Tove Table", "tove@example.org", organisation="Table AS")
    places(
        app,
        {"number": 1, "seats": 4},
        {"number": 2, "seats": 4, "name": "Meeting room Nansen"},
        {"number": 90, "seats": 4, "online": True, "name": "Video room A"},
        video_base_url=SERVICE,
    )
    accepted(app, startup.registration_id, remote.registration_id)
    accepted(app, olav.registration_id, tove.registration_id)
    solution = publish(app)
    assert len(solution["meetings"]) == 2

    log_in(page, remote.email, PASSWORD)
    page.goto(f"/events/{SLUG}/networking/agenda")
    meeting = page.locator("#agenda .meeting")
    assert meeting.count() == 1
    place = meeting.locator(".meeting-table")
    assert place.inner_text().startswith("Video room A")
    link = place.get_by_role("link", name="Join the video room").get_attribute("href")
    assert re.fullmatch(re.escape(SERVICE) + r"/cancer-crosslinks-2023-[A-Za-z0-9-]{16}", link)

    other = browser.new_context(base_url=live_server, locale="en-GB")
    tab = other.new_page()
    tab.set_default_timeout(10_000)
    log_in(tab, startup.email, PASSWORD)
    tab.goto(f"/events/{SLUG}/networking/agenda")
    assert tab.locator("#agenda .video-link").get_attribute("href") == link

    log_in(tab, olav.email, PASSWORD)  # on site, with someone on site: a physical place
    tab.goto(f"/events/{SLUG}/networking/agenda")
    onsite = tab.locator("#agenda .meeting .meeting-table").inner_text()
    assert onsite in ("Table 1", "Meeting room Nansen")
    assert tab.locator("#agenda .video-link").count() == 0
    assert "meet.example.org" not in tab.content()
    other.close()
