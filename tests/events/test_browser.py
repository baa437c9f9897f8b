"""In real Chromium, what an organiser does from the browser: invite a door colleague who
accepts the invitation and scans a badge at the door; add a required question that a
registrant must answer; copy the event to next year and see its programme on the new date."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from eventmgr.events.models import Event
from eventmgr.platform.db import db
from eventmgr.registration import services
from eventmgr.registration.models import Registration
from tests.registration.conftest import person
from tests.support import log_in


@pytest.mark.browser
def test_an_organiser_invites_a_door_colleague_who_accepts_and_scans(
    page, browser, live_server, app, demo, smtp
):
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == demo["slug"]))
        guest = services.register(event, person(1), actor="organiser test", public=False)
        code, name = guest.registration.badge_code, guest.registration.name

    log_in(page, *demo["logins"]["organiser"])
    page.goto("/manage/events")
    page.locator("[data-manage=staff]").click()
    page.get_by_label("Email").fill("ingrid.dor@example.org")
    page.get_by_label("Role").select_option(label="Door staff")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".flash-success")).to_contain_text("ingrid.dor@example.org")
    expect(page.locator('#invitations [data-email="ingrid.dor@example.org"]')).to_have_attribute(
        "data-status", "pending"
    )
    [message] = [m for m in smtp if m["To"] == "ingrid.dor@example.org"]
    link = re.search(r"https?://\S+/invitations/\S+", message.get_content()).group(0)

    colleague = browser.new_context(base_url=live_server, locale="en-GB").new_page()
    colleague.set_default_timeout(10_000)
    colleague.goto(link)
    colleague.get_by_label("Your name").fill("Ingrid Dør")
    colleague.get_by_label("Choose a password").fill("door-colleague-2024")
    colleague.get_by_label("Repeat the password").fill("door-colleague-2024")
    colleague.get_by_role("button", name="Accept and create my account").click()
    colleague.wait_for_url("**/dashboard")
    expect(colleague.locator("#roles")).to_contain_text("Door staff")
    colleague.locator("[data-nav=door]").click()
    colleague.get_by_role("link", name="Cancer Crosslinks").first.click()
    colleague.get_by_label("Door name").fill("Main entrance")
    colleague.get_by_role("button", name="Save").click()
    expect(colleague.locator("#scanner")).to_have_attribute("data-snapshot-ready", "1")
    code_input = colleague.get_by_label("Badge code")
    code_input.fill(code)
    code_input.press("Enter")
    expect(colleague.locator("#result")).to_have_attribute("data-status", "accepted")
    expect(colleague.locator("#result-name")).to_have_text(name)

    page.reload()  # the organiser sees the colleague among the staff now
    expect(page.locator('#staff [data-email="ingrid.dor@example.org"]')).to_have_attribute(
        "data-role", "door_staff"
    )
    colleague.context.close()


@pytest.mark.browser
def test_an_organiser_adds_a_required_question_that_registrants_must_answer(
    page, browser, live_server, app, demo
):
    log_in(page, *demo["logins"]["organiser"])
    page.goto("/manage/events")
    page.locator("[data-manage=settings]").click()
    question = page.locator("#question-1")
    question.get_by_label("Question in English").fill("Which institution do you work at?")
    question.get_by_label("Question in Bokmål").fill("Hvilken institusjon jobber du ved?")
    question.get_by_label("Kind of answer").select_option("text")
    question.get_by_label("An answer is required").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash-success")).to_have_text("The settings are saved.")
    expect(page.locator("#question-1").get_by_label("Key", exact=True)).to_have_value(
        "which_institution_do_you_work_at"
    )

    visitor = browser.new_context(base_url=live_server, locale="en-GB").new_page()
    visitor.set_default_timeout(10_000)
    visitor.goto(f"/events/{demo['slug']}/register")
    visitor.get_by_label("Name").first.fill("Kari Nordmann")
    visitor.get_by_label("Email").fill("kari@example.org")
    visitor.get_by_label("Category").select_option("oncologist")
    visitor.get_by_label("I have read and accept the privacy notice").check()
    visitor.get_by_role("button", name="Register").click()
    answer = visitor.get_by_label("Which institution do you work at? (required)")
    expect(answer).to_have_attribute("aria-invalid", "true")
    expect(visitor.locator("#answer_which_institution_do_you_work_at-error")).to_have_text(
        "This question needs an answer."
    )
    answer.fill("Radiumhospitalet")
    visitor.get_by_label("I have read and accept the privacy notice").check()
    visitor.get_by_role("button", name="Register").click()
    expect(visitor.locator("#registered")).to_contain_text("Your place is confirmed.")
    visitor.context.close()

    with app.app_context():
        registration = db.session.scalar(
            select(Registration).where(Registration.email == "kari@example.org")
        )
        assert registration.answers == {"which_institution_do_you_work_at": "Radiumhospitalet"}
    page.goto(f"/manage/events/{demo['slug']}/registrations")
    page.get_by_role("link", name="Kari Nordmann").click()
    expect(
        page.locator("#answers").get_by_label("Which institution do you work at?")
    ).to_have_value("Radiumhospitalet")


@pytest.mark.browser
def test_an_event_copied_to_next_year_shows_the_programme_on_the_new_date(page, demo):
    log_in(page, *demo["logins"]["organiser"])
    page.goto("/manage/events")
    page.locator("[data-manage=copy]").first.click()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Cancer Crosslinks 2024")
    page.get_by_role("button", name="Create the new edition").click()
    expect(page.locator(".flash-success")).to_contain_text("Cancer Crosslinks 2024 is created")
    expect(page).to_have_url(re.compile(r"/manage/events/cancer-crosslinks-2024/edit$"))

    page.goto("/manage/events/cancer-crosslinks-2024/programme")
    expect(page.locator("main")).to_contain_text("2024-01-25")
    expect(page.locator("main")).to_contain_text("Opening keynote")
    page.get_by_role("button", name="See the coming changes and publish").click()
    confirm = page.get_by_label("Publish even though there are clashes")
    if confirm.count():
        confirm.check()
    page.get_by_role("button", name="Publish the programme").click()

    page.goto("/events/cancer-crosslinks-2024/programme")
    expect(page.locator("hgroup")).to_contain_text("January 25, 2024")
    keynote = page.locator(".programme-item", has_text="Opening keynote").first
    expect(keynote.locator(".programme-time")).to_contain_text("10:40")
    page.goto("/events/cancer-crosslinks-2023/programme")  # the old edition is as it was
    expect(page.locator("hgroup")).to_contain_text("January 26, 2023")


@pytest.mark.browser
def test_the_new_pages_fit_a_phone(browser, live_server, api, app, demo):
    """At 390 px nothing scrolls sideways: settings, staff, sponsors, copy, the privacy notice,
    an invitation, and the event page and form with sponsors and questions."""
    from tests.events.test_settings_api import QUESTIONS

    api("PATCH", f"/api/v1/events/{demo['slug']}", role="organiser", json={"questions": QUESTIONS})
    api(
        "POST",
        f"/api/v1/events/{demo['slug']}/staff",
        role="organiser",
        json={"email": "a.very.long.address.for.a.narrow.screen@example.org", "role": "door_staff"},
    )
    context = browser.new_context(
        base_url=live_server, locale="en-GB", viewport={"width": 390, "height": 844}
    )
    phone = context.new_page()
    slug = demo["slug"]
    for url in (f"/events/{slug}", f"/events/{slug}/register", f"/events/{slug}/privacy"):
        phone.goto(url)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, url
    log_in(phone, *demo["logins"]["organiser"])
    for path in ("settings", "staff", "sponsors", "sponsors/new", "copy", "edit"):
        phone.goto(f"/manage/events/{slug}/{path}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
    context.close()
