"""The organiser's message page in a real browser: write, count, preview, test to self, send."""

from __future__ import annotations

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
