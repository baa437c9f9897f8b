"""In real Chromium: a delegation lead asks, for two founders of one company, for a meeting
with an investor; the investor accepts a meeting of three; once it is published, both founders
and the investor have it on their agendas, and the lead sees it on the members' page."""

from __future__ import annotations

import pytest

from eventmgr.platform.db import db
from tests.networking.browser_setup import SLUG, gu_ventures, places, publish
from tests.networking.conftest import PASSWORD
from tests.support import log_in


@pytest.fixture
def founders(app, demo):
    """GU Ventures, led by the demo's delegation lead, with Sortina Pharma's two founders."""
    from eventmgr.accounts.services import find_user, set_password
    from eventmgr.events.web import find_event
    from eventmgr.networking import delegations

    with app.test_request_context():
        event = find_event(demo["slug"])
        delegation = gu_ventures(event, demo["logins"]["delegation_lead"][0])
        delegation_id = delegation.id
        for name, email in (("Sara Rhost", "sara@example.org"), ("Sven Rhost", "sven@example.org")):
            found = delegations.delegation_for(event, delegation_id)
            delegations.add_member(
                found, {"name": name, "email": email, "company": "Sortina Pharma"}, "test"
            )
            set_password(find_user(email), PASSWORD)
        db.session.commit()
    return delegation_id


@pytest.mark.browser
def test_a_lead_books_a_meeting_for_two_founders_with_an_investor(
    app, page, browser, live_server, demo, founders, investor
):
    places(app, {"number": 1, "seats": 2}, {"number": 2, "seats": 3, "name": "Incubator office"})
    log_in(page, *demo["logins"]["delegation_lead"])
    page.goto(f"/events/{SLUG}/delegations/{founders}")
    page.get_by_role("button", name="The members' requests and meetings").click()
    form = page.locator("#delegation-request-form")
    form.get_by_label("Sara Rhost (Sortina Pharma)").check()
    form.get_by_label("Sven Rhost (Sortina Pharma)").check()
    form.get_by_label("Meet").select_option(label="Ingrid Berg (Fjord Health Capital)")
    form.get_by_label("Message").fill("Sortina's two founders would like to meet you.")
    form.get_by_role("button", name="Request the meeting").click()
    assert "Your request is sent." in page.locator(".flash-success").inner_text()

    other = browser.new_context(base_url=live_server, locale="en-GB")
    tab = other.new_page()
    tab.set_default_timeout(10_000)
    log_in(tab, investor.email, PASSWORD)
    tab.goto(f"/events/{SLUG}/networking")
    row = tab.locator('.request[data-direction="in"]')
    assert "Sara Rhost, Sven Rhost" in row.inner_text()
    row.get_by_role("button", name="Accept").click()
    assert tab.locator(".request-status").first.get_attribute("data-status") == "accepted"

    solution = publish(app)
    assert len(solution["meetings"]) == 1
    tab.goto(f"/events/{SLUG}/networking/agenda")
    theirs = tab.locator("#agenda .meeting")
    assert "Sara Rhost" in theirs.inner_text() and "Sven Rhost" in theirs.inner_text()
    assert theirs.locator(".meeting-table").inner_text() == "Incubator office"  # three seats

    page.reload()
    for name in ("Sara Rhost", "Sven Rhost"):
        section = page.locator("section.member").filter(has_text=name).first
        agenda = section.locator(".member-agenda .meeting")
        assert agenda.count() == 1
        assert "Ingrid Berg" in agenda.inner_text() and "Incubator office" in agenda.inner_text()
    log_in(tab, "sven@example.org", PASSWORD)
    tab.goto(f"/events/{SLUG}/networking/agenda")
    assert "With you: Sara Rhost" in tab.locator("#agenda .meeting").inner_text()
    other.close()
