"""The organiser's message page in a real browser: write, count, preview, test to self, send."""

from __future__ import annotations

from playwright.sync_api import expect

from eventmgr.platform.db import db
from eventmgr.registration.models import Registration
from tests.support import log_in


def test_organiser_writes_counts_previews_tests_and_sends(page, world, people, smtp):
    email, password = world["logins"]["organiser"]
    log_in(page, email, password)
    page.goto(f"/manage/events/{world['slug']}/messages")
    page.get_by_label("Subject (English)").fill("Doors open at 09:30")
    page.get_by_label("Text (English)").fill("Dear {name}, see you soon. {manage_link}")
    page.get_by_label("Subject (Norwegian)").fill("Dørene åpner 09:30")
    page.get_by_label("Text (Norwegian)").fill("Kjære {name}, vi sees. {manage_link}")
    page.get_by_role("group", name="Participation").get_by_label("On site").check()
    page.get_by_role("button", name="Count and preview").click()
    # ada, bo, sam on site and proven (una is unproven, cato cancelled, dina digital)
    assert page.locator("#recipient-count").inner_text() == "3 people get this message."
    assert "1 in the audience" in page.locator("#left-out").inner_text()
    assert page.locator("#preview-subject").inner_text() == "Doors open at 09:30"
    preview = page.locator("#preview-body").inner_text()
    assert preview.startswith("Dear Ada Onsite, see you soon.")
    assert "(personal link)" in preview and "/r/s." not in preview  # no one's key shown
    page.get_by_role("button", name="Send a test to me").click()
    assert "A test is on its way" in page.locator("main").inner_text()
    tests = [m for m in smtp if m["Subject"] == "[Test] Doors open at 09:30"]
    assert [m["To"] for m in tests] == [email]
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_url("**/messages/*")
    assert page.locator("#message-recipients").inner_text() == "3"
    sent = [m for m in smtp if m["Subject"] in ("Doors open at 09:30", "Dørene åpner 09:30")]
    assert len(sent) == 3
    page.reload()
    assert page.locator("#message-sent").inner_text() == "3"


def test_a_person_turns_news_on_and_change_notices_off_on_their_page(page, app, world, api):
    body = {
        "name": "Nina News",
        "email": "nina@example.org",
        "category": "oncologist",
        "mode": "on_site",
        "consent": True,
    }
    # added by the organiser, whose answer carries the link the person would get by mail
    made = api("POST", f"/api/v1/events/{world['slug']}/registrations", "organiser", json=body)
    assert made.status_code == 201, made.text
    page.goto(made.json()["manage_url"])
    news = page.get_by_label("Send me news about the event")
    notices = page.get_by_label("Write to me when an item I starred moves")
    expect(news).not_to_be_checked()  # news only with consent
    expect(notices).to_be_checked()  # on by default
    news.check()
    notices.uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your details are saved.")).to_be_visible()
    with app.app_context():
        saved = db.session.get(Registration, made.json()["id"])
        assert (saved.news_opt_in, saved.change_notices) == (True, False)
