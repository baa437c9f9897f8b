"""In real Chromium: each demo role logs in and sees its own menu; the language switch."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support import log_in

MENUS = {
    "admin": {"manage", "door", "delegation", "users", "outbox", "audit", "dashboard", "account"},
    "organiser": {"manage", "dashboard", "account"},
    "door_staff": {"door", "dashboard", "account"},
    "delegation_lead": {"delegation", "dashboard", "account"},
    "attendee": {"dashboard", "account"},
}


@pytest.mark.browser
@pytest.mark.parametrize("role", list(MENUS))
def test_each_role_sees_its_menu(page, demo, role):
    email, password = demo["logins"][role]
    log_in(page, email, password)
    keys = set(page.locator("#menu a[data-nav]").evaluate_all("els => els.map(e => e.dataset.nav)"))
    assert keys == MENUS[role]
    first_target = page.locator("#menu a[data-nav]").first
    target = first_target.get_attribute("href")
    first_target.click()
    page.wait_for_url(f"**{target}")
    expect(page.locator("h1").first).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.locator("[data-nav=login]")).to_be_visible()


@pytest.mark.browser
def test_switch_language(page, demo):
    page.goto(f"/events/{demo['slug']}")
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator("[data-lang=nb]").click()
    page.wait_for_selector("html[lang=nb]")
    expect(page.get_by_text("Tidssone: Europe/Oslo", exact=False)).to_be_visible()
    assert page.url.endswith(f"/events/{demo['slug']}")
    page.locator("[data-lang=en]").click()
    page.wait_for_selector("html[lang=en]")


@pytest.mark.browser
def test_wrong_password_message_in_the_browser(page, demo):
    page.goto("/login")
    page.get_by_label("Email").fill(demo["logins"]["attendee"][0])
    page.get_by_label("Password").fill("certainly-wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")
