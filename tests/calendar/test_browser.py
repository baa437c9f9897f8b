"""In Chromium: star two items through the manage link, then read the agenda feed."""

from __future__ import annotations

import pytest
import requests

from tests.calendar.conftest import by_summary, parse, utc

pytestmark = pytest.mark.browser


def test_star_two_items_and_subscribe(page, live_server, demo_event):
    token = demo_event.register("kari@example.org")
    page.goto(f"{live_server}/r/{token}")
    assert page.locator("#agenda-empty").is_visible()
    page.get_by_role("button", name="Choose items in the programme").click()
    page.wait_for_url(f"**/events/{demo_event.slug}/programme")
    assert "Kari Nordmann" in page.locator(".starring-as").inner_text()
    for title in ("Opening keynote", "Lunch"):
        item_id = demo_event.item_id(title)
        button = page.locator(f'button.star[data-item="{item_id}"]')
        assert "Add to my programme" in button.inner_text()
        button.click()  # a real form post with its CSRF token
        page.wait_for_load_state()
        starred = page.locator(f'button.star[data-item="{item_id}"]')
        assert "Remove from my programme" in starred.inner_text()
    page.locator("#my-programme-link").click()
    assert page.locator(".agenda-list li").count() == 2
    url = page.locator("#agenda-url").input_value()
    assert url.startswith(f"{live_server}/agenda/") and url.endswith(".ics")
    webcal = page.locator("#agenda-webcal").get_attribute("href")
    assert webcal == "webcal://" + url.split("://", 1)[1]
    response = requests.get(url, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    events = parse(response.content)
    assert len(events) == 2
    _uid, keynote = by_summary(events, "Opening keynote")
    assert keynote["start"] == utc(9, 40)
    by_summary(events, "Lunch")
    # The manage page lists them too, and unstarring there takes one away.
    page.goto(f"{live_server}/r/{token}")
    assert page.locator(".agenda-list li").count() == 2
    page.locator(".agenda-list li").first.get_by_role("button").click()
    page.wait_for_load_state()
    assert page.locator(".agenda-list li").count() == 1
    assert len(parse(requests.get(url, timeout=10).content)) == 1
