"""The event's privacy notice at /events/<slug>/privacy: a default that names the organiser and
says what is kept and why, or the organiser's own text in each language; linked from the
consent box and from every mail about the event."""

from __future__ import annotations

from sqlalchemy import select

from eventmgr.events.models import Event
from eventmgr.mail.models import OutboxMessage
from eventmgr.networking.delegations import create_delegation
from eventmgr.networking.demo import seed_networking
from eventmgr.platform.db import db
from tests.registration.conftest import person


def test_the_default_notice_names_the_organiser_and_what_is_kept(client, demo):
    page = client.get(f"/events/{demo['slug']}/privacy").get_data(as_text=True)
    assert "Oslo Cancer Cluster is responsible for the personal data" in page
    assert 'href="mailto:jutta.heix@example.org"' in page
    for kept in ("Your name, email address", "scanned at the door", "networking profile"):
        assert kept in page
    assert "sponsors and partners receive none of it" in page


def test_the_organisers_own_text_is_shown_in_the_readers_language(api, client, demo):
    notice = {"en": "We keep <b>little</b>.\n\nAsk us.", "nb": "Vi tar vare på lite."}
    api(
        "PATCH", f"/api/v1/events/{demo['slug']}", role="organiser", json={"privacy_notice": notice}
    )
    page = client.get(f"/events/{demo['slug']}/privacy").get_data(as_text=True)
    assert "We keep &lt;b&gt;little&lt;/b&gt;." in page and "<b>little" not in page
    assert page.count('class="privacy-text"') == 2  # a paragraph each
    assert "is responsible for the personal data" not in page
    client.post("/language", data={"lang": "nb", "next": "/"})
    assert "Vi tar vare på lite." in client.get(f"/events/{demo['slug']}/privacy").get_data(
        as_text=True
    )


def test_the_consent_box_links_to_the_notice(client, demo):
    form = client.get(f"/events/{demo['slug']}/register").get_data(as_text=True)
    consent = form[form.index('<label for="consent">') :]
    consent = consent[: consent.index("</label>")]
    assert f'href="/events/{demo["slug"]}/privacy"' in consent


def test_every_mail_about_the_event_links_to_the_notice(api, app, demo):
    privacy = f"/events/{demo['slug']}/privacy"
    url = f"/api/v1/events/{demo['slug']}/registrations"
    first = api("POST", url, json=person(1)).json()
    api("POST", url, json=person(2, language="nb"))
    api("POST", f"{url}/{first['id']}/cancel", role="organiser")
    api(
        "POST",
        f"/api/v1/events/{demo['slug']}/staff",
        role="organiser",
        json={"email": "new.door@example.org", "role": "door_staff"},
    )
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == demo["slug"]))
        seed_networking(event)  # meeting requests, answers, a published schedule
        with app.test_request_context():  # as the organiser's page does it
            create_delegation(
                event,
                {"name": "Visitors", "lead_name": "Lea Lead", "lead_email": "lea.lead@example.org"},
            )
        mails = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.subject != "Reset your password")
        ).all()
    subjects = [m.subject for m in mails]
    for kind in (
        "Invitation: Door staff",
        "You are invited",
        "Meeting request from",
        "Registration cancelled",
        "Your registration for",
        "Din påmelding",
    ):
        assert any(subject.startswith(kind) for subject in subjects), (kind, subjects)
    missing = [(m.recipient, m.subject) for m in mails if privacy not in m.body]
    assert missing == []
