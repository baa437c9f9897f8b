"""In Chromium: opening a manage link's "choose items" address changes nothing until the
person presses the button (a POST with its CSRF token); only then do this browser's stars go
to that registration."""

from __future__ import annotations

import pytest

from eventmgr.events.web import find_event
from tests import factories

pytestmark = pytest.mark.browser


def test_opening_the_choose_link_binds_no_stars_until_confirmed(page, app, world):
    with app.test_request_context():
        outcome = factories.registration_for(find_event(world["slug"]), name="Kari Nordmann")
    programme = f"/events/{world['slug']}/programme"

    page.goto(f"/r/{outcome.token}/programme")  # a link followed, a prefetch, an image tag...
    assert page.locator("#choose-confirm").is_visible()
    page.goto(programme)
    assert page.locator(".starring-as").count() == 0  # nothing was bound by the GET

    page.goto(f"/r/{outcome.token}/programme")
    page.locator("#choose-confirm").click()
    page.wait_for_url(f"**{programme}")
    assert "Kari Nordmann" in page.locator(".starring-as").inner_text()


def test_a_forged_post_without_the_token_binds_nothing(page, app, world, live_server):
    with app.test_request_context():
        outcome = factories.registration_for(find_event(world["slug"]), name="Ola Nordmann")
    answer = page.request.post(f"{live_server}/r/{outcome.token}/programme", form={})
    assert answer.status in (400, 422)
    page.goto(f"/events/{world['slug']}/programme")
    assert page.locator(".starring-as").count() == 0


def test_the_organiser_sets_the_hours_to_prove_an_address(page, app, world):
    from playwright.sync_api import expect

    from tests.support import log_in

    log_in(page, *world["logins"]["organiser"])
    page.goto(f"/manage/events/{world['slug']}/settings")
    hours = page.get_by_label("Hours to prove the address (0: no proof needed)")
    expect(hours).to_have_value("24")
    hours.fill("0")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash-success")).to_have_text("The settings are saved.")
    expect(hours).to_have_value("0")
    with app.app_context():
        assert find_event(world["slug"]).proof_hours == 0
    hours.fill("-3")
    page.get_by_role("button", name="Save").click()
    expect(hours).to_have_attribute("aria-invalid", "true")
    with app.app_context():
        assert find_event(world["slug"]).proof_hours == 0
