"""In real Chromium, the programme lead's timetable on the demo day: drawn to scale with clashing
items side by side and every control clickable, moves that keep the room, drag and drop, the
clash list, people picked by typing, and the coming changes before publishing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from eventmgr.events.models import Event
from eventmgr.platform.db import db
from eventmgr.programme import services
from eventmgr.programme.models import ProgrammeItem
from tests.programme.test_browser import open_menu
from tests.support import log_in


def _event(slug: str) -> Event:
    return db.session.scalars(db.select(Event).filter_by(slug=slug)).one()


def _item(app, slug: str, title: str) -> dict:
    """The draft item as plain data: its time in Oslo and its room."""
    with app.app_context():
        event = _event(slug)
        item = next(i for i in services.items_of(event) if i.title.startswith(title))
        return {
            "id": item.id,
            "time": f"{event.local(item.starts_at):%H:%M}–{event.local(item.ends_at):%H:%M}",
            "room": item.room.name if item.room else None,
        }


def _shift(app, slug: str, title: str, minutes: int) -> None:
    with app.app_context():
        event = _event(slug)
        item = next(i for i in services.items_of(event) if i.title.startswith(title))
        services.move_item(event, item, minutes)


def _timetable(page, demo) -> None:
    log_in(page, *demo["logins"]["organiser"])
    page.goto(f"/manage/events/{demo['slug']}/programme")


LAYOUT = """() => {
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return {x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height};
  };
  return {
    hours: [...document.querySelectorAll(".tt-axis .tt-hour")].map(
      (h) => ({label: h.textContent.trim(), ...box(h)})),
    items: [...document.querySelectorAll("article.tt-item")].map((a) => ({
      title: a.dataset.item,
      time: a.querySelector(".tt-time").textContent.trim(),
      column: a.closest(".tt-column").dataset.roomName,
      ...box(a),
    })),
  };
}"""

# Every control of an open menu: the element at its centre is the control (nothing covers it).
CONTROLS_CLICKABLE = """(menu) => {
  const blocked = [];
  for (const control of menu.querySelectorAll("a, button, select")) {
    control.scrollIntoView({block: "center"});
    const r = control.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (!(r.width > 0 && r.height > 0 && hit && (hit === control || control.contains(hit)))) {
      blocked.push(control.textContent.trim() || control.getAttribute("aria-label"));
    }
  }
  return {count: menu.querySelectorAll("a, button, select").length, blocked};
}"""


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


@pytest.mark.browser
def test_clashing_items_sit_side_by_side_to_scale_and_every_control_is_clickable(page, app, demo):
    # The session overlaps the keynote in the auditorium; a poster walk overlaps lunch.
    _shift(app, demo["slug"], "Evolution and epigenetics", -15)
    with app.app_context():
        event = _event(demo["slug"])
        lunch = next(i for i in services.items_of(event) if i.title == "Lunch")
        services.create_item(
            event,
            {
                "kind": "other",
                "title": "Poster walk",
                "starts_at": lunch.starts_at + timedelta(minutes=10),
                "ends_at": lunch.starts_at + timedelta(minutes=40),
            },
        )
    page.set_viewport_size({"width": 1280, "height": 900})
    _timetable(page, demo)
    layout = page.evaluate(LAYOUT)

    # The time axis is to scale: an hour is the same height everywhere, and every item's top
    # and height follow its times (the 10:30 welcome halfway between 10:00 and 11:00).
    centres = [h["y"] + h["h"] / 2 for h in layout["hours"]]
    hour = centres[1] - centres[0]
    assert hour > 100
    assert all(abs((b - a) - hour) < 1 for a, b in zip(centres, centres[1:], strict=False))
    first = _minutes(layout["hours"][0]["label"])
    for item in layout["items"]:
        start, end = (_minutes(t) for t in item["time"].split("–"))
        assert abs(item["y"] - (centres[0] + (start - first) / 60 * hour)) < 1.5, item
        assert abs(item["h"] - (end - start) / 60 * hour) < 1.5, item
    welcome = next(i for i in layout["items"] if i["title"] == "Welcome")
    assert abs(welcome["y"] - (centres[0] + centres[1]) / 2) < 1.5

    # Overlapping items sit side by side: no two boxes of a column share any area.
    by_column: dict[str, list[dict]] = {}
    for item in layout["items"]:
        by_column.setdefault(item["column"], []).append(item)
    for boxes in by_column.values():
        for n, a in enumerate(boxes):
            for b in boxes[n + 1 :]:
                apart_x = a["x"] + a["w"] <= b["x"] + 0.5 or b["x"] + b["w"] <= a["x"] + 0.5
                apart_y = a["y"] + a["h"] <= b["y"] + 0.5 or b["y"] + b["h"] <= a["y"] + 0.5
                assert apart_x or apart_y, (a, b)
    keynote, session = (
        next(i for i in layout["items"] if i["title"] == title)
        for title in ("Opening keynote", "Evolution and epigenetics")
    )
    assert keynote["x"] + keynote["w"] <= session["x"] + 0.5  # side by side, not on top

    # Every item's menu opens with a click and every control in it can be clicked.
    titles = page.locator(".tt-item[data-item], .tt-talk[data-item]").evaluate_all(
        "els => els.map(e => e.dataset.item)"
    )
    assert len(titles) == 15
    for title in titles:
        menu = open_menu(page, title)
        expect(menu).to_be_visible()
        result = menu.evaluate(CONTROLS_CLICKABLE)
        assert result["count"] >= 7 and result["blocked"] == [], (title, result)
        page.keyboard.press("Escape")
        expect(menu).to_be_hidden()


@pytest.mark.browser
def test_moving_a_break_keeps_it_without_a_room(page, app, demo):
    _timetable(page, demo)
    lunch = page.locator("article.tt-item[data-item='Lunch']")
    expect(lunch).to_have_attribute("data-room-id", "0")
    # By keyboard: Tab to the item's ⋯ button, Enter opens its menu, Tab to +5, Enter.
    page.get_by_role("button", name="Edit or move “Lunch”", exact=True).focus()
    page.keyboard.press("Enter")
    for _control in ("Edit", "Delete", "-15", "-5", "+5"):
        page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Move “Lunch” 5 minutes later")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("“Lunch” is moved.")).to_be_visible()
    moved = _item(app, demo["slug"], "Lunch")
    assert (moved["time"], moved["room"]) == ("12:55–13:45", None)
    expect(page.locator("[data-room-name='No room'] article[data-item='Lunch']")).to_be_visible()
    expect(page.locator("#clashes")).to_contain_text("No clashes.")
    assert page.get_by_role("alert").count() == 0

    # The room is changed only by the room form, and "No room" is one of its choices.
    menu = open_menu(page, "Lunch")
    menu.get_by_label("Room").select_option(label="Foyer outside the auditorium")
    menu.get_by_role("button", name="Change room").click()
    expect(page.get_by_text("“Lunch” is moved.")).to_be_visible()
    assert _item(app, demo["slug"], "Lunch")["room"] == "Foyer outside the auditorium"
    open_menu(page, "Lunch").get_by_role("button", name="Move “Lunch” 15 minutes earlier").click()
    expect(page.get_by_text("“Lunch” is moved.")).to_be_visible()
    assert _item(app, demo["slug"], "Lunch")["room"] == "Foyer outside the auditorium"
    menu = open_menu(page, "Lunch")
    menu.get_by_label("Room").select_option(label="No room")
    menu.get_by_role("button", name="Change room").click()
    expect(page.get_by_text("“Lunch” is moved.")).to_be_visible()
    assert _item(app, demo["slug"], "Lunch")["room"] is None
    assert _item(app, demo["slug"], "Lunch")["time"] == "12:40–13:30"


def _drag(page, source, dx: float, dy: float) -> None:
    """Press on the card's kind line (no control there), move in steps, release."""
    grip = source.locator(":scope > .tt-meta, :scope > .tt-people").first
    grip.scroll_into_view_if_needed()
    box = grip.bounding_box()
    x, y = box["x"] + 10, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + dx * step / 10, y + dy * step / 10)
    page.mouse.up()


def _hour_height(page) -> float:
    hours = page.locator(".tt-axis .tt-hour")
    return hours.nth(1).bounding_box()["y"] - hours.nth(0).bounding_box()["y"]


@pytest.mark.browser
def test_drag_and_drop_moves_in_time_and_between_rooms_with_the_same_rules(page, app, demo):
    _timetable(page, demo)
    hour = _hour_height(page)
    coffee = page.locator("article.tt-item[data-item='Coffee break']")
    foyer = page.locator(".tt-column[data-room-name='Foyer outside the auditorium']")
    dx = foyer.bounding_box()["x"] + 40 - coffee.bounding_box()["x"]

    # 15 minutes later and into the foyer, in one drag.
    with page.expect_navigation():
        _drag(page, coffee, dx, hour / 4)
    expect(page.get_by_text("“Coffee break” is moved.")).to_be_visible()
    coffee_now = _item(app, demo["slug"], "Coffee break")
    assert (coffee_now["time"], coffee_now["room"]) == (
        "15:15–15:35",
        "Foyer outside the auditorium",
    )
    expect(foyer.locator("article[data-item='Coffee break']")).to_be_visible()

    # A talk moves in time inside its session (five-minute steps).
    talk = page.locator(".tt-talk[data-item^='AI biomarkers']")
    with page.expect_navigation():
        _drag(page, talk, 0, -hour / 12)
    assert _item(app, demo["slug"], "AI biomarkers")["time"] == "15:40–16:10"

    # The session dragged 30 minutes earlier lands on the session before: the same clash
    # messages as the buttons give, and its talks move along.
    session = page.locator("article.tt-item[data-item='Data, AI and precision medicine']")
    with page.expect_navigation():
        _drag(page, session, 0, -hour / 2)
    alert = page.get_by_role("alert").filter(has_text="Metabolism and cell therapy")
    expect(alert).to_contain_text("Clash: “Metabolism and cell therapy” and “Data, AI")
    expect(alert).to_contain_text("Both in Kaare Norum Auditorium at the same time.")
    expect(alert).to_contain_text("Anna Pasetto is in both at the same time.")
    assert _item(app, demo["slug"], "Data, AI and precision medicine")["time"] == "14:50–15:45"
    assert _item(app, demo["slug"], "Data-driven hallmarks")["time"] == "14:50–15:15"

    # A drag that ends where it began changes nothing (and does not reload).
    _drag(page, session, 0, 2)
    assert _item(app, demo["slug"], "Data, AI and precision medicine")["time"] == "14:50–15:45"
    expect(page.locator(".tt-item.dragging")).to_have_count(0)


@pytest.mark.browser
def test_the_clash_list_names_each_conflict_once_by_title(page, demo):
    _timetable(page, demo)
    open_menu(page, "Evolution and epigenetics").get_by_role(
        "button", name="Move “Evolution and epigenetics” 15 minutes earlier"
    ).click()
    # The message after the move names the conflict once too.
    expect(page.get_by_role("alert")).to_have_count(1)
    expect(page.get_by_role("alert")).to_contain_text(
        "Clash: “Opening keynote” and “Evolution and epigenetics”: Both in Kaare Norum"
    )
    # One conflict: the room and the two moderators the session shares with the keynote (and
    # not once more for the session's first talk, which is in the same room).
    conflicts = page.locator("#clashes li.conflict")
    expect(conflicts).to_have_count(1)
    expect(page.locator("#clashes-title")).to_have_text("Clashes (1)")
    text = conflicts.inner_text()
    assert text.startswith(
        "Opening keynote (10:40–11:30) and Evolution and epigenetics (11:15–12:35): "
        "Both in Kaare Norum Auditorium at the same time."
    )
    assert "Eli Sihn Samdal Steinskog is in both" in text and "Katarina Puco is in both" in text
    assert "#" not in text
    conflicts.get_by_role("link", name="Opening keynote").click()
    expect(page.get_by_label("Title")).to_have_value("Opening keynote")


@pytest.mark.browser
def test_speakers_and_moderators_are_picked_by_typing(page, app, demo, browser, live_server):
    log_in(page, *demo["logins"]["organiser"])
    page.goto(f"/manage/events/{demo['slug']}/programme/items/new")
    expect(page.locator("select#speakers")).to_be_hidden()
    page.get_by_label("Kind").select_option(label="Keynote")
    page.get_by_label("Title").fill("Closing keynote")
    page.get_by_label("Starts").fill("18:30")
    page.get_by_label("Ends").fill("18:55")
    speakers = page.get_by_label("Speakers", exact=True)
    speakers.fill("hanahan")  # part of one name is enough
    speakers.press("Enter")
    speakers.fill("Katarina Puco")
    speakers.press("Enter")
    speakers.fill("Nobody Known")
    speakers.press("Enter")
    expect(page.locator("#speakers-status")).to_contain_text("No one called “Nobody Known”")
    chosen = page.get_by_role("list", name="Chosen speakers")
    expect(chosen.get_by_role("listitem")).to_have_text(
        [re.compile("Douglas Hanahan"), re.compile("Katarina Puco")]
    )
    chosen.get_by_role("button", name="Remove Katarina Puco").click()
    expect(speakers).to_be_focused()
    moderators = page.get_by_label("Moderators", exact=True)
    moderators.fill("Anna Pasetto")
    moderators.press("Enter")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("“Closing keynote” is saved.")).to_be_visible()
    with app.app_context():
        item = next(
            i for i in services.items_of(_event(demo["slug"])) if i.title == "Closing keynote"
        )
        assert [p.name for p in item.speakers] == ["Douglas Hanahan"]
        assert [p.name for p in item.moderators] == ["Anna Pasetto"]
        item_id = item.id

    # The edit page shows the people as chips; without JavaScript it is the multiple select.
    page.goto(f"/manage/events/{demo['slug']}/programme/items/{item_id}/edit")
    expect(page.get_by_role("list", name="Chosen speakers")).to_have_text(
        re.compile("Douglas Hanahan")
    )
    plain = browser.new_context(base_url=live_server, java_script_enabled=False)
    no_script = plain.new_page()
    log_in(no_script, *demo["logins"]["organiser"])
    no_script.goto(f"/manage/events/{demo['slug']}/programme/items/{item_id}/edit")
    expect(no_script.locator("select#speakers")).to_be_visible()
    no_script.locator("select#speakers").select_option(label=["Douglas Hanahan", "Tom Erkers"])
    no_script.get_by_role("button", name="Save").click()
    expect(no_script.get_by_text("“Closing keynote” is saved.")).to_be_visible()
    plain.close()
    with app.app_context():
        item = db.session.get(ProgrammeItem, item_id)
        assert [p.name for p in item.speakers] == ["Douglas Hanahan", "Tom Erkers"]


@pytest.mark.browser
def test_the_coming_changes_are_shown_before_publishing(page, app, demo, api):
    slug = demo["slug"]
    _shift(app, slug, "Lunch", 5)
    items = f"/api/v1/events/{slug}/programme/items"
    coffee, welcome, keynote = (
        _item(app, slug, t)["id"] for t in ("Coffee break", "Welcome", "Opening keynote")
    )
    api("PATCH", f"{items}/{coffee}", role="organiser", json={"cancelled": True})
    api("DELETE", f"{items}/{welcome}", role="organiser")
    api("PATCH", f"{items}/{keynote}", role="organiser", json={"title": "Opening keynote lecture"})
    api(
        "POST",
        items,
        role="organiser",
        json={
            "kind": "other",
            "title": "Poster walk",
            "starts_at": "2023-01-26T19:00:00+01:00",
            "ends_at": "2023-01-26T19:30:00+01:00",
        },
    )
    _timetable(page, demo)
    expect(page.locator("#coming-summary")).to_have_text(
        "Publishing the draft now announces 4 changes to attendees."
    )
    page.get_by_role("button", name="See the coming changes and publish").click()
    expect(page.locator("h1")).to_have_text("Coming changes")
    announced = [
        "Moved: Lunch (was 12:50–13:40, now 12:55–13:45)",
        "Cancelled: Coffee break (15:00–15:20)",
        "Added: Poster walk (19:00–19:30)",
        "Removed: Welcome (was 10:30–10:40 in Kaare Norum Auditorium)",
    ]
    coming = page.locator("#coming ul.changes").first.get_by_role("listitem")
    assert sorted(coming.all_inner_texts()) == sorted(announced)
    expect(page.locator("#coming [data-change=changed]")).to_have_text(["Opening keynote lecture"])
    # Nothing is published by looking.
    assert "Poster walk" not in page.request.get(f"/events/{slug}/programme").text()

    page.get_by_role("button", name="Publish the programme").click()
    expect(page.get_by_text("Version 2 of the programme is published.")).to_be_visible()
    page.goto(f"/events/{slug}/changes")
    published = page.locator("#version-2 li[data-change]")
    assert sorted(published.all_inner_texts()) == sorted(announced)


@pytest.mark.browser
def test_the_programme_lead_s_pages_fit_a_phone(browser, live_server, demo):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 800})
    phone = context.new_page()
    log_in(phone, *demo["logins"]["organiser"])
    for path in ("programme", "programme/coming-changes", "programme/items/new"):
        phone.goto(f"/manage/events/{demo['slug']}/{path}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
    # The timetable scrolls sideways inside its own box, the hours staying in sight, and an
    # item's menu fits the screen.
    phone.goto(f"/manage/events/{demo['slug']}/programme")
    scroller = phone.locator(".timetable-scroll")
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")
    scroller.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    hours = phone.locator(".tt-axis").bounding_box()
    assert hours["x"] >= 0 and hours["x"] + hours["width"] <= 390 / 4
    menu = open_menu(phone, "Lunch")
    box = menu.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    result = menu.evaluate(CONTROLS_CLICKABLE)
    assert result["blocked"] == []
    context.close()
