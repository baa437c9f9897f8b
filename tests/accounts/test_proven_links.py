"""An account is linked to a registration only once the registration's address was proven
(its mailed link opened): before that, the account's pages know nothing of it (issue 14)."""

from __future__ import annotations

import re

from eventmgr.events.web import find_event
from eventmgr.registration import services


def _registered_events(client) -> str:
    page = client.get("/networking").get_data(as_text=True)
    found = re.search(r'<ul id="registered-events">(.*?)</ul>', page, re.S)
    assert found, page[:2000]
    return found.group(1)


def test_an_unproven_registration_is_not_the_accounts_until_its_link_is_opened(app, world, login):
    email = world["logins"]["attendee"][0]
    with app.test_request_context():
        event = find_event(world["slug"])
        outcome = services.register(
            event,
            {
                "name": "Someone Typing",
                "email": email,
                "category": event.category_keys[0],
                "mode": "on_site",
                "consent": True,
            },
        )
    account = login("attendee")
    assert "Test event" not in _registered_events(account)
    join = account.get(f"/events/{world['slug']}/networking").get_data(as_text=True)
    assert "Someone Typing" not in join

    assert app.test_client().get(f"/r/{outcome.token}").status_code == 200  # the mail's link
    assert "Test event" in _registered_events(account)
