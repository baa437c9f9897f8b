"""In real Chromium: the organisers' auto-match suggests a meeting; both see it marked
"Suggested by the organisers"; one declines it on the agenda and it is gone from both agendas
at once, and the other is told."""

from __future__ import annotations

import pytest

from tests.networking.browser_setup import SLUG, places, publish
from tests.networking.conftest import PASSWORD, outbox
from tests.support import log_in


@pytest.mark.browser
def test_an_attendee_declines_a_suggestion_and_it_leaves_both_agendas(
    app, page, browser, live_server, startup, investor
):
    places(app, {"number": 5, "seats": 4})
    solution = publish(app, auto_match=True)
    assert len(solution["meetings"]) == 1  # Sara and Ingrid, whom nobody asked

    other = browser.new_context(base_url=live_server, locale="en-GB")
    tab = other.new_page()
    tab.set_default_timeout(10_000)
    log_in(tab, investor.email, PASSWORD)
    tab.goto(f"/events/{SLUG}/networking/agenda")
    theirs = tab.locator("#agenda .meeting")
    assert theirs.count() == 1
    assert "Suggested by the organisers" in theirs.inner_text()
    assert "Sara Rhost" in theirs.inner_text()

    log_in(page, startup.email, PASSWORD)
    page.goto(f"/events/{SLUG}/networking/agenda")
    mine = page.locator("#agenda .meeting")
    assert "Suggested by the organisers" in mine.inner_text()
    mine.get_by_text("Decline this suggestion").click()
    mine.get_by_label("Reason (optional)").fill("Not our field.")
    mine.get_by_role("button", name="Decline", exact=True).click()
    assert "The meeting is off; the others are told." in page.locator(".flash-success").inner_text()
    assert page.locator("#agenda .meeting").count() == 0
    assert "No meetings are published for you yet." in page.locator("#agenda").inner_text()

    tab.reload()  # at once: no new schedule or publication needed
    assert tab.locator("#agenda .meeting").count() == 0
    told = outbox(app, investor.email)[-1]
    assert told[1] == "Your suggested meeting with Sara Rhost is off"
    other.close()
