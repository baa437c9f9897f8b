"""In real Chromium: register on site, get the mail, open the manage link, switch to digital,
and see the first person on the waiting list promoted and mailed."""

from __future__ import annotations

import re

import pytest
import requests

from tests.registration.conftest import person


def _link(message) -> str:
    match = re.search(r"https?://\S+/r/[A-Za-z0-9_-]+(?=\s)", message.get_content())
    assert match, message.get_content()
    return match.group(0)


@pytest.mark.browser
def test_register_switch_to_digital_promotes_the_first_waiting(
    page, demo, smtp, set_capacity, live_server
):
    set_capacity(1)
    page.goto(f"/events/{demo['slug']}")
    page.locator("#register-link").click()
    page.get_by_label("Name").fill("Åse Ødegård <b>")
    page.get_by_label("Email").fill("ase@example.org")
    page.get_by_label("Organisation").fill("Radiumhospitalet")
    page.get_by_label("Category").select_option("oncologist")
    page.get_by_label("On site", exact=True).check()
    page.get_by_label("I have read and accept the privacy notice").check()
    page.get_by_role("button", name="Register").click()
    assert "Your place is confirmed." in page.locator("#registered").inner_text()

    # two more people fill the waiting list through the API
    api = f"{live_server}/api/v1/events/{demo['slug']}/registrations"
    for i in (1, 2):
        assert requests.post(api, json=person(i), timeout=10).json()["status"] == "waitlisted"

    mine = [m for m in smtp if m["To"] == "ase@example.org"]
    assert len(mine) == 1 and "confirmed" in mine[0].get_content()
    page.goto(_link(mine[0]))
    assert page.locator("h1").inner_text() == "My registration"
    assert (
        "Åse Ødegård <b>" in page.locator("#details-form").inner_html()
        or page.get_by_label("Name").input_value() == "Åse Ødegård <b>"
    )
    assert page.locator("#status").get_attribute("data-status") == "confirmed"
    assert page.locator("#badge-link").is_visible()

    page.get_by_role("button", name="Switch to digital").click()
    assert page.locator("#mode").inner_text() == "Digital"
    assert page.locator("#status").get_attribute("data-status") == "confirmed"
    assert "stream.example.org" in page.locator("#stream-link").inner_text()
    assert page.locator("#badge-link").count() == 0

    promoted = [m for m in smtp if "place is yours" in m["Subject"]]
    assert [m["To"] for m in promoted] == ["person1@example.org"]

    # cancelling needs a confirmation
    page.locator("#cancel-link").click()
    page.get_by_role("button", name="Confirm").click()
    assert "Tick the box" in page.content()
    page.get_by_label("Yes, I am sure").check()
    page.get_by_role("button", name="Confirm").click()
    assert page.locator("#status").get_attribute("data-status") == "cancelled"


@pytest.mark.browser
def test_full_event_offers_waiting_list_or_digital(page, demo, set_capacity):
    set_capacity(0)
    page.goto(f"/events/{demo['slug']}/register")
    assert page.locator("#when-full").is_visible()
    page.get_by_label("Name").fill("Late Comer")
    page.get_by_label("Email").fill("late@example.org")
    page.get_by_label("Category").select_option("student")
    page.get_by_label("Give me a digital place").check()
    page.get_by_label("I have read and accept the privacy notice").check()
    page.get_by_role("button", name="Register").click()
    assert "Your place is confirmed." in page.locator("#registered").inner_text()


@pytest.mark.browser
def test_missing_consent_is_named_on_the_page(page, demo):
    page.goto(f"/events/{demo['slug']}/register")
    page.get_by_label("Name").fill("No Consent")
    page.get_by_label("Email").fill("not an email")
    page.get_by_label("Category").select_option("student")
    page.get_by_role("button", name="Register").click()
    text = page.locator("main").inner_text()
    assert "You must accept the privacy notice" in text
    assert "Give a valid email address" in text


@pytest.mark.browser
def test_registering_again_mails_the_link_instead(page, demo, smtp):
    for _attempt in range(2):
        page.goto(f"/events/{demo['slug']}/register")
        page.get_by_label("Name").fill("Twice Over")
        page.get_by_label("Email").fill("twice@example.org")
        page.get_by_label("Category").select_option("researcher")
        page.get_by_label("I have read and accept the privacy notice").check()
        page.get_by_role("button", name="Register").click()
    assert "already registered" in page.locator("#registered").inner_text()
    assert [m["To"] for m in smtp] == ["twice@example.org", "twice@example.org"]
    latest = _link(smtp[-1])
    page.goto(latest)
    assert page.get_by_label("Name").input_value() == "Twice Over"
    page.goto(_link(smtp[0]))
    assert page.locator("h1").inner_text() != "My registration"  # the old link no longer works
