"""In real Chromium, what attendees read: the public programme's times beside (not over) the
titles, times as "10:30" in both languages, and the changes page's "was …, now …"."""

from __future__ import annotations

import re

import pytest

from eventmgr.events.models import Event
from eventmgr.platform.db import db
from eventmgr.programme import services

CLOCKS = re.compile(r"^\d\d:\d\d–\d\d:\d\d$")

# The time column of each row and what follows it, as the page lays them out.
ROWS = """() => [...document.querySelectorAll("li.programme-item")].map((li) => {
  const time = li.querySelector(":scope > .programme-time");
  const body = li.querySelector(":scope > .programme-body");
  const ink = document.createRange();
  ink.selectNodeContents(time);
  return {
    time: time.innerText.trim(),
    inkRight: ink.getBoundingClientRect().right,
    bodyLeft: body.getBoundingClientRect().left,
  };
})"""


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "nb"])
def test_programme_times_stand_beside_the_titles_at_1280(browser, live_server, demo, language):
    context = browser.new_context(
        base_url=live_server, viewport={"width": 1280, "height": 900}, locale=language
    )
    page = context.new_page()
    page.goto(f"/events/{demo['slug']}/programme")
    rows = page.evaluate(ROWS)
    assert len(rows) == 8
    for row in rows:
        assert CLOCKS.match(row["time"]), row  # "10:30–10:40": no seconds, no AM/PM
        assert row["inkRight"] <= row["bodyLeft"], row  # the time ends before the title
    assert rows[0]["time"] == "10:30–10:40"
    talks = page.locator(".talks .programme-time").all_inner_texts()
    assert talks and all(CLOCKS.match(t.strip()) for t in talks)
    context.close()


@pytest.mark.browser
def test_the_changes_page_says_was_and_now_without_stray_spaces(page, app, demo):
    with app.app_context():
        event = db.session.scalars(db.select(Event).filter_by(slug=demo["slug"])).one()
        items = {i.title: i for i in services.items_of(event)}
        services.move_item(event, items["Lunch"], 5)
        services.move_item(event, items["Coffee break"], 0, items["Welcome"].room_id)
        services.publish(event, confirm=True)
    page.goto(f"/events/{demo['slug']}/changes")
    moved = page.locator("#version-2 li[data-change=moved]").all_inner_texts()
    assert sorted(moved) == [
        "Moved: Coffee break (was 15:00–15:20 without a room, "
        "now 15:00–15:20 in Kaare Norum Auditorium)",
        "Moved: Lunch (was 12:50–13:40, now 12:55–13:45)",
    ]
