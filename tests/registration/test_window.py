"""The registration window (by default registration closes when the event ends), the event
page saying when places are full, and a waiting registrant's place in the queue."""

from __future__ import annotations

from datetime import timedelta

import requests
from sqlalchemy import select

from eventmgr.events.models import Event
from eventmgr.platform.db import db, utcnow
from eventmgr.registration import services
from tests.registration.conftest import PERSON, person


def _set(app, demo, **fields) -> None:
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == demo["slug"]))
        for name, value in fields.items():
            setattr(event, name, value)
        db.session.commit()


def _url(demo) -> str:
    return f"/api/v1/events/{demo['slug']}/registrations"


def test_registration_closes_when_the_event_ends_by_default(api, app, client, demo):
    """The demo took place in January 2023: without a closing time of its own, it is closed."""
    _set(app, demo, registration_closes_at=None)
    answer = api("POST", _url(demo), json=PERSON)
    assert answer.status_code == 409, answer.text
    error = answer.json()["error"]
    assert error["code"] == "registration_closed"
    assert error["fields"]["registration"] == "Registration closed January 26, 2023, 19:00 CET."
    page = client.get(f"/events/{demo['slug']}/register")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Registration closed January 26, 2023, 19:00 CET." in text
    assert 'name="email"' not in text
    posted = client.post(f"/events/{demo['slug']}/register", data={"name": "Kari"})
    assert posted.status_code == 409
    home = client.get(f"/events/{demo['slug']}").get_data(as_text=True)
    assert 'id="registration-window"' in home and 'id="register-link"' not in home
    with app.app_context():  # the organiser may still add people
        event = db.session.scalar(select(Event).where(Event.slug == demo["slug"]))
        outcome = services.register(event, PERSON, actor="organiser test", public=False)
        assert outcome.registration.status == "confirmed"


def test_before_the_window_the_form_says_when_it_opens(api, app, client, demo):
    opens = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    _set(app, demo, registration_opens_at=opens)
    answer = api("POST", _url(demo), json=PERSON)
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "registration_closed"
    assert answer.json()["error"]["fields"]["registration"].startswith("Registration opens ")
    page = client.get(f"/events/{demo['slug']}/register").get_data(as_text=True)
    assert "Registration opens " in page
    event = api("GET", f"/api/v1/events/{demo['slug']}").json()
    assert event["registration_state"] == "not_yet_open"
    _set(app, demo, registration_opens_at=utcnow() - timedelta(minutes=1))
    assert api("POST", _url(demo), json=PERSON).status_code == 201


def test_inside_the_window_the_event_page_says_when_it_closes(client, demo):
    page = client.get(f"/events/{demo['slug']}").get_data(as_text=True)
    assert 'id="register-link"' in page and "Registration closes " in page


def test_the_event_page_says_when_places_are_full(api, client, demo, set_capacity):
    page = client.get(f"/events/{demo['slug']}").get_data(as_text=True)
    assert 'id="places-full"' not in page
    set_capacity(1, 1)
    assert api("POST", _url(demo), json=person(1)).json()["status"] == "confirmed"
    page = client.get(f"/events/{demo['slug']}").get_data(as_text=True)
    assert "On-site places are full." in page and "Digital places are full." not in page
    assert api("POST", _url(demo), json=person(2, mode="digital")).json()["status"] == "confirmed"
    page = client.get(f"/events/{demo['slug']}").get_data(as_text=True)
    assert "On-site places are full." in page and "Digital places are full." in page
    form = client.get(f"/events/{demo['slug']}/register").get_data(as_text=True)
    assert 'id="onsite-full"' in form and 'id="digital-full"' in form


def test_a_waiting_registrant_sees_their_place_in_the_queue(api, app, demo, set_capacity):
    set_capacity(1)
    first = api("POST", _url(demo), "organiser", json=person(1)).json()
    second = api("POST", _url(demo), "organiser", json=person(2)).json()
    third = api("POST", _url(demo), "organiser", json=person(3)).json()
    assert [r["status"] for r in (first, second, third)] == [
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]
    page = requests.get(third["manage_url"], timeout=10).text
    assert "You are number 2 in the queue for a place." in page
    assert "in the queue" not in requests.get(first["manage_url"], timeout=10).text
    api("POST", f"{_url(demo)}/{first['id']}/cancel", role="organiser")
    page = requests.get(third["manage_url"], timeout=10).text
    assert "You are number 1 in the queue for a place." in page
    with app.app_context():
        promoted = services.registration_of(
            db.session.scalar(select(Event).where(Event.slug == demo["slug"])), second["id"]
        )
        assert services.waiting_position(promoted) is None and promoted.status == "confirmed"
