"""In real Chromium: a delegation member finds a suggested investor and asks for a meeting, the
investor accepts, the organiser makes slots and a table, schedules and publishes, and both
people see the same table and time on their agendas."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from eventmgr.platform.db import db
from tests.networking.browser_setup import gu_ventures
from tests.networking.conftest import PASSWORD, outbox
from tests.support import log_in


@pytest.fixture
def member(app, demo):
    """Sara, added to GU Ventures by its lead, with a password chosen from her invitation."""
    from eventmgr.accounts.services import find_user, set_password
    from eventmgr.events.web import find_event
    from eventmgr.networking import delegations, services

    with app.test_request_context():
        event = find_event(demo["slug"])
        delegation = gu_ventures(event, demo["logins"]["delegation_lead"][0])
        db.session.commit()
        added = delegations.add_member(
            delegation,
            {
                "name": "Sara Rhost",
                "email": "sara@example.org",
                "company": "Sortina Pharma",
                "role": "CEO",
            },
            "test",
        )
        services.update_profile(
            services.profile_of(added.registration),
            event,
            {
                "kind": "startup",
                "pitch": "Small molecules for breast cancer.",
                "seeks": "seed investment",
                "company_stage": "pre-clinical",
                "interests": ["precision medicine", "cell therapy"],
            },
        )
        set_password(find_user("sara@example.org"), PASSWORD)
        db.session.commit()


@pytest.mark.browser
def test_member_requests_investor_accepts_organiser_publishes_both_see_it(
    app, page, browser, live_server, demo, member, investor, make_person
):
    make_person("Lars Lite", "lars@example.org", organisation="Elsewhere", interests=["CAR-T"])
    slug = demo["slug"]

    # the delegation member finds the suggested investor and asks for a meeting
    invitation = outbox(app, "sara@example.org")[-1][2]
    link = re.search(r"https?://\S+/events/\S+/networking(?=\s|$)", invitation).group(0)
    page.goto(urlsplit(link).path)  # from her invitation; the page asks her to sign in first
    page.get_by_label("Email").fill("sara@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.locator("#suggestions").wait_for()
    first = page.locator(".suggestion").first
    assert "Ingrid Berg" in first.inner_text()
    assert "you seek seed investment, they invest in pre-clinical oncology" in first.inner_text()
    first.get_by_role("link", name="Ingrid Berg").click()
    assert page.locator("#person-name").inner_text() == "Ingrid Berg"
    page.get_by_label("Message").fill("Sortina would like to meet you.")
    page.get_by_role("button", name="Request a meeting").click()
    assert "Your request is sent." in page.locator(".flash-success").inner_text()

    # the investor accepts
    other = browser.new_context(base_url=live_server, locale="en-GB")
    tab = other.new_page()
    tab.set_default_timeout(10_000)
    log_in(tab, investor.email, PASSWORD)
    tab.goto(f"/events/{slug}/networking")
    row = tab.locator('.request[data-direction="in"]')
    assert "Sortina would like to meet you." in row.inner_text()
    row.get_by_role("button", name="Accept").click()
    assert tab.locator(".request-status").first.get_attribute("data-status") == "accepted"

    # the organiser defines slots and a table, schedules and publishes
    boss = browser.new_context(base_url=live_server, locale="en-GB")
    org = boss.new_page()
    org.set_default_timeout(20_000)
    log_in(org, *demo["logins"]["organiser"])
    org.locator('[data-nav="manage"]').click()
    org.locator('[data-manage="networking"]').click()
    org.get_by_role("link", name="Slots").click()
    org.get_by_label("Date (YYYY-MM-DD)").fill("2023-01-26")
    org.get_by_label("From (HH:MM)").fill("16:15")
    org.get_by_label("To (HH:MM)").fill("18:15")
    org.get_by_label("Minutes per slot").fill("15")
    org.get_by_role("button", name="Add slots").click()
    assert "Slots added: 8." in org.locator(".flash-success").inner_text()
    org.get_by_role("link", name="Tables").click()
    org.get_by_label("Table number").fill("3")
    org.get_by_label("Seats", exact=True).fill("4")
    org.get_by_role("button", name="Add the table").click()
    org.get_by_role("link", name="Schedule", exact=True).click()
    org.get_by_label("Time limit (seconds)").fill("5")
    org.locator("#schedule-form").get_by_role("button", name="Schedule").click()
    assert "Meetings scheduled: 1 " in org.locator(".flash-success").inner_text()
    cell = org.locator("#grid .meeting-cell")
    assert "Sara Rhost" in cell.inner_text() and "Ingrid Berg" in cell.inner_text()
    org.get_by_role("button", name="Publish and email the people affected").click()
    assert "people affected: 2." in org.locator(".flash-success").inner_text()

    # both see the same table and time
    seen = []
    for tab_ in (page, tab):
        tab_.goto(f"/events/{slug}/networking/agenda")
        meeting = tab_.locator("#agenda .meeting")
        assert meeting.count() == 1
        seen.append(
            (
                meeting.locator(".meeting-time").inner_text(),
                meeting.locator(".meeting-table").inner_text(),
            )
        )
    assert seen[0] == seen[1]
    assert seen[0][1] == "Table 3"
    assert re.fullmatch(r"Thu 26 Jan\s+\d\d:\d\d–\d\d:\d\d", seen[0][0]), seen[0][0]
    assert "Ingrid Berg" in page.locator("#agenda").inner_text()
    assert "Sara Rhost" in tab.locator("#agenda").inner_text()
    other.close()
    boss.close()
