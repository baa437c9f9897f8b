"""Search and filter forms at their full width, in real Chromium: Pico lays out every
`[role=search]` as one inline row, which squeezed the registrations filter to a few
characters, the door's name search to 113 px and cut the networking people page's label."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support import log_in

WIDTH = "el => el.getBoundingClientRect().width"


def _context(browser, live_server, width: int):
    return browser.new_context(base_url=live_server, viewport={"width": width, "height": 800})


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_filters_and_searches_keep_their_width(browser, live_server, demo, width):
    slug = demo["slug"]
    context = _context(browser, live_server, width)
    page = context.new_page()
    log_in(page, *demo["logins"]["organiser"])
    page.goto(f"/manage/events/{slug}/registrations")
    for name in ("f-q", "f-mode", "f-status", "f-category", "f-checked-in", "f-sort"):
        assert page.locator(f"#{name}").evaluate(WIDTH) >= 150, name
    page.goto(f"/door/{slug}")
    expect(page.locator("#scanner")).to_have_attribute("data-snapshot-ready", "1")
    box = page.locator("#search-input").evaluate(WIDTH)
    form = page.locator("#search-form").evaluate(WIDTH)
    assert box >= 0.6 * form and box >= 200
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_the_people_filter_label_is_whole(browser, live_server, app, demo, width):
    from sqlalchemy import select

    from eventmgr.events.models import Event
    from eventmgr.networking.demo import seed_networking
    from eventmgr.platform.db import db

    with app.app_context():
        seed_networking(db.session.scalar(select(Event).where(Event.slug == demo["slug"])))
    context = _context(browser, live_server, width)
    page = context.new_page()
    log_in(page, *demo["logins"]["attendee"])
    page.goto(f"/events/{demo['slug']}/networking/people")
    label = page.locator("label[for=tag]")
    expect(label).to_have_text("Interest")
    # the whole word shows: nothing lies over it (Pico pulled the select over its end)
    covered = page.evaluate(
        """() => {
          const a = document.querySelector("label[for=tag]").getBoundingClientRect();
          const b = document.querySelector("#tag").getBoundingClientRect();
          return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        }"""
    )
    assert not covered
    assert page.locator("#tag").evaluate(WIDTH) >= 150
    context.close()
