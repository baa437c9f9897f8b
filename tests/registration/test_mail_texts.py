"""Confirmation mails are rendered once per kind of text and filled in per person: each mail
must still carry its own person's name and personal links, and follow changes to the event."""

from __future__ import annotations

from sqlalchemy import select

from eventmgr.mail.models import OutboxMessage
from eventmgr.platform.db import db
from tests.registration.conftest import person


def _mail_to(app, address: str) -> str:
    with app.app_context():
        return db.session.scalars(
            select(OutboxMessage.body).where(OutboxMessage.recipient == address)
        ).one()


def test_each_mail_has_its_own_name_and_links_and_follows_the_event(api, app, world):
    url = f"/api/v1/events/{world['slug']}/registrations"
    # an organiser's token: the answer has the links, to compare with the mails
    first = api("POST", url, "organiser", json=person(1, name="Åse Ødegård")).json()
    second = api("POST", url, "organiser", json=person(2, name="Bjørn Æsir", language="nb")).json()
    third = api("POST", url, "organiser", json=person(3, name="Carl Berg")).json()
    mails = {n: _mail_to(app, f"person{n}@example.org") for n in (1, 2, 3)}
    assert "Åse Ødegård" in mails[1] and first["manage_url"] in mails[1]
    assert first["badge_url"] in mails[1] and first["calendar_url"] in mails[1]
    assert "Bjørn Æsir" in mails[2] and second["manage_url"] in mails[2]
    assert "Hei Bjørn Æsir," in mails[2]  # in Norwegian for a Norwegian speaker
    assert third["manage_url"] in mails[3] and "Carl Berg" in mails[3]
    assert first["manage_url"] not in mails[3] and "Åse" not in mails[3]

    changed = api(
        "PATCH", f"/api/v1/events/{world['slug']}", role="organiser", json={"venue": "Ny sal"}
    )
    assert changed.status_code == 200, changed.text
    api("POST", url, json=person(4))
    assert "Ny sal" in _mail_to(app, "person4@example.org")
    assert "Ny sal" not in mails[1]
