"""In real Chromium: the programme lead builds a session with two talks, meets a clash, fixes it
with the quick move, publishes; an anonymous visitor then reads it in the programme."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.programme.conftest import SLUG
from tests.support import log_in


def _fill_item(page, title: str, start: str, end: str, room: str = "", **people) -> None:
    """Fill the item form; speakers and moderators are picked by typing a name and Enter."""
    page.get_by_label("Title").fill(title)
    page.get_by_label("Starts").fill(start)
    page.get_by_label("Ends").fill(end)
    if room:
        page.locator("#room_id").select_option(label=room)
    for field, names in people.items():
        for name in names:
            page.get_by_label(field.capitalize(), exact=True).fill(name)
            page.get_by_label(field.capitalize(), exact=True).press("Enter")
    page.get_by_role("button", name="Save").click()


def open_menu(page, title: str):
    """The ⋯ menu of an item on the timetable (every control of an item is in it)."""
    page.get_by_role("button", name=f"Edit or move “{title}”", exact=True).click()
    return page.get_by_role("dialog", name=title, exact=True)


@pytest.mark.browser
def test_programme_lead_builds_and_publishes_a_session(page, browser, live_server, demo, symposium):
    log_in(page, *demo["logins"]["organiser"])
    page.goto("/manage/events")
    page.locator(f"a[href='/manage/events/{SLUG}/programme']").click()
    page.wait_for_url(f"**/manage/events/{SLUG}/programme")

    page.locator("#add-item").click()
    page.get_by_label("Kind").select_option(label="Session")
    _fill_item(
        page, "Immunotherapy", "09:00", "10:00", room="Auditorium", moderators=["Ada Moderator"]
    )
    expect(page.get_by_text("“Immunotherapy” is saved.")).to_be_visible()

    for title, start, end, speaker in (
        ("Checkpoint inhibitors", "09:00", "09:30", "Ben Speaker"),
        ("CAR-T beyond blood", "09:30", "10:00", "Cleo Speaker"),
    ):
        open_menu(page, "Immunotherapy").get_by_role(
            "link", name="Add a talk to this session"
        ).click()
        expect(page.get_by_label("Kind")).to_have_value("talk")
        _fill_item(page, title, start, end, speakers=[speaker])
        expect(page.get_by_text(f"“{title}” is saved.")).to_be_visible()
    session = page.locator("article.tt-item[data-item='Immunotherapy']")
    expect(session.locator(".tt-talks li")).to_have_count(2)
    expect(page.locator("#clashes").get_by_text("No clashes.")).to_be_visible()

    # The same moderator in a keynote next door at 09:30: warned, on the item and in the list.
    page.locator("#add-item").click()
    page.get_by_label("Kind").select_option(label="Keynote")
    _fill_item(page, "Keynote", "09:30", "10:15", room="Seminar room", moderators=["Ada Moderator"])
    expect(page.get_by_role("alert").filter(has_text="Clash")).to_contain_text(
        "Ada Moderator is in"
    )
    keynote = page.locator("article.tt-item[data-item='Keynote']")
    expect(keynote).to_have_class(re.compile("has-clash"))
    expect(page.locator("#clashes [data-clash=person]")).to_have_count(1)

    # Publishing (after the preview of the coming changes) asks for confirmation; instead the
    # lead moves the keynote 30 minutes later.
    page.get_by_role("button", name="See the coming changes and publish").click()
    page.get_by_role("button", name="Publish the programme").click()
    expect(page.get_by_text("Not published: there is 1 clash.")).to_be_visible()
    page.get_by_role("link", name="Back to the timetable").click()
    for _twice in range(2):
        open_menu(page, "Keynote").get_by_role(
            "button", name="Move “Keynote” 15 minutes later"
        ).click()
    expect(page.locator("#clashes").get_by_text("No clashes.")).to_be_visible()
    page.get_by_role("button", name="See the coming changes and publish").click()
    page.get_by_role("button", name="Publish the programme").click()
    expect(page.get_by_text("Version 1 of the programme is published.")).to_be_visible()

    visitor = browser.new_context(base_url=live_server, locale="en-GB")
    anonymous = visitor.new_page()
    anonymous.goto(f"/events/{SLUG}/programme")
    programme = anonymous.locator("#programme")
    expect(programme.get_by_text("Immunotherapy")).to_be_visible()
    expect(programme.get_by_text("Checkpoint inhibitors")).to_be_visible()
    expect(programme.get_by_text("CAR-T beyond blood")).to_be_visible()
    keynote_row = programme.locator("li.programme-item", has_text="Keynote")
    expect(keynote_row).to_contain_text("10:00")
    expect(anonymous.get_by_text("All times are in the time zone Europe/Oslo.")).to_be_visible()
    anonymous.get_by_role("link", name="Checkpoint inhibitors").click()
    expect(anonymous.get_by_role("heading", name="Checkpoint inhibitors")).to_be_visible()
    expect(anonymous.get_by_text("Ben Speaker")).to_be_visible()
    visitor.close()


@pytest.mark.browser
def test_the_programme_fits_a_phone(browser, live_server, demo):
    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 740})
    phone = context.new_page()
    phone.goto(f"/events/{demo['slug']}/programme")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    phone.emulate_media(media="print")
    expect(phone.locator(".programme-filters")).to_be_hidden()
    context.close()
