"""In real Chromium, the registrant's own page: the badge's QR code to show at the door from a
phone (read back from the screen with zxing-cpp), and no calendar file once cancelled."""

from __future__ import annotations

import io

import pytest
import requests
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from eventmgr.platform.db import db
from eventmgr.registration.models import Registration
from tests.registration.conftest import bearer, person


def _register(app, live_server: str, demo: dict, n: int, **extra) -> dict:
    """Through the API with an organiser's token, whose answer carries the personal links."""
    response = requests.post(
        f"{live_server}/api/v1/events/{demo['slug']}/registrations",
        json=person(n, **extra),
        headers=bearer(app, demo["logins"]),
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


def _badge_code(app, registration_id: int) -> str:
    with app.app_context():
        return db.session.get(Registration, registration_id).badge_code


def _codes_on_screen(png: bytes) -> list[str]:
    image = Image.open(io.BytesIO(png))
    return [b.text for b in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


@pytest.mark.browser
def test_the_manage_page_shows_the_badge_qr_code_for_a_phone(
    browser, live_server, app, demo, set_capacity
):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 800})
    phone = context.new_page()
    mine = _register(app, live_server, demo, 1)
    phone.goto(mine["manage_url"])
    qr = phone.get_by_role("img", name="QR code of the badge of Person 1")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 150 and box["x"] >= 0 and box["x"] + box["width"] <= 390
    code = _badge_code(app, mine["id"])
    assert _codes_on_screen(qr.screenshot()) == [code]
    assert _codes_on_screen(phone.screenshot(full_page=True)) == [code]  # the only one
    expect(phone.locator("#badge-code")).to_have_text(code)

    # No code for a digital place, a place on the waiting list or a cancelled one.
    set_capacity(1)
    digital = _register(app, live_server, demo, 2, mode="digital")
    waiting = _register(app, live_server, demo, 3)
    assert waiting["status"] == "waitlisted"
    for other in (digital, waiting):
        phone.goto(other["manage_url"])
        expect(phone.locator("#status")).to_be_visible()
        assert phone.locator("svg.badge-qr").count() == 0
        assert _codes_on_screen(phone.screenshot(full_page=True)) == []
    phone.goto(mine["manage_url"])
    phone.locator("#cancel-link").click()
    phone.get_by_label("Yes, I am sure").check()
    phone.get_by_role("button", name="Confirm").click()
    expect(phone.locator("#status")).to_have_attribute("data-status", "cancelled")
    assert phone.locator("svg.badge-qr").count() == 0
    context.close()


@pytest.mark.browser
def test_a_cancelled_registration_offers_no_calendar_file(page, live_server, demo, app):
    mine = _register(app, live_server, demo, 1)
    page.goto(mine["manage_url"])
    expect(page.locator("#calendar-link")).to_be_visible()
    expect(page.locator(".add-to-calendar")).to_be_visible()
    assert requests.get(mine["calendar_url"], timeout=10).status_code == 200

    page.locator("#cancel-link").click()
    page.get_by_label("Yes, I am sure").check()
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#status")).to_have_attribute("data-status", "cancelled")
    expect(page.locator("#calendar-link")).to_have_count(0)
    expect(page.locator(".add-to-calendar")).to_have_count(0)
    expect(page.locator("#data-link")).to_be_visible()  # the data download stays

    gone = requests.get(mine["calendar_url"], timeout=10)
    assert gone.status_code == 410
    assert "BEGIN:VCALENDAR" not in gone.text
    page.goto(mine["calendar_url"])
    expect(page.locator("h1")).to_have_text("Your registration is cancelled")
