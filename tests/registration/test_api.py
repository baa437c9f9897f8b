"""The registration API over real HTTP: every rule and every kind of bad input."""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import func, select

from eventmgr.platform.db import db
from eventmgr.registration.models import Registration
from tests.registration.conftest import PERSON, person


def _url(demo) -> str:
    return f"/api/v1/events/{demo['slug']}/registrations"


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Registration.id)))


def test_an_organiser_registering_gets_working_personal_links(api, demo):
    response = api("POST", _url(demo), "organiser", json=PERSON)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "confirmed" and body["mode"] == "on_site"
    assert set(body) == {"id", "status", "mode", "manage_url", "badge_url", "calendar_url"}
    page = requests.get(body["manage_url"], timeout=10)
    assert page.status_code == 200 and "Kari Nordmann" in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer"
    badge = requests.get(body["badge_url"], timeout=10)
    assert badge.headers["Content-Type"] == "application/pdf" and badge.content[:5] == b"%PDF-"
    ics = requests.get(body["calendar_url"], timeout=10)
    assert ics.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "BEGIN:VTIMEZONE" in ics.text and "TZID:Europe/Oslo" in ics.text
    assert "DTSTART;TZID=Europe/Oslo:20230126T103000" in ics.text
    assert "Kaare Norum" not in ics.text or "LOCATION" in ics.text


def test_digital_people_get_the_stream_not_the_room(api, demo):
    body = api("POST", _url(demo), "organiser", json=PERSON | {"mode": "digital"}).json()
    assert body["status"] == "confirmed" and "badge_url" not in body
    ics = requests.get(body["calendar_url"], timeout=10).text
    assert "stream.example.org" in ics and "Ullernchausseen" not in ics
    page = requests.get(body["manage_url"], timeout=10).text
    assert "stream.example.org" in page
    event_page = requests.get(body["manage_url"].split("/r/")[0] + f"/events/{demo['slug']}").text
    assert "stream.example.org" not in event_page
    assert requests.get(body["manage_url"] + "/badge.pdf", timeout=10).status_code == 404


def test_full_on_site_puts_people_on_the_waiting_list_or_digital(api, demo, set_capacity):
    set_capacity(1)
    assert api("POST", _url(demo), json=person(1)).json()["status"] == "confirmed"
    second = api("POST", _url(demo), json=person(2)).json()
    assert second["status"] == "waitlisted" and "badge_url" not in second
    third = api("POST", _url(demo), json=person(3, when_full="digital")).json()
    assert (third["status"], third["mode"]) == ("confirmed", "digital")


def test_digital_capacity_has_its_own_waiting_list(api, demo, set_capacity):
    set_capacity(None, 1)
    assert api("POST", _url(demo), json=person(1, mode="digital")).json()["status"] == "confirmed"
    assert api("POST", _url(demo), json=person(2, mode="digital")).json()["status"] == "waitlisted"


def test_same_email_again_is_409_and_the_link_is_mailed(api, app, demo, smtp):
    first = api("POST", _url(demo), json=PERSON)
    assert first.status_code == 201
    again = api("POST", _url(demo), json=PERSON | {"email": "KARI@Example.org", "name": "X"})
    error = _error(again, 409)
    assert "manage_url" not in again.text and "email" in error["fields"]
    assert _count(app) == 1
    assert [m["To"] for m in smtp] == ["kari@example.org", "kari@example.org"]
    assert "/r/" in smtp[-1].get_content() and "already registered" in smtp[-1].get_content()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"consent": False}, "consent"),
        ({"consent": None}, "consent"),
        ({"email": "not-an-address"}, "email"),
        ({"email": ""}, "email"),
        ({"mode": "hybrid"}, "mode"),
        ({"category": "astronaut"}, "category"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"organisation": "o" * 201}, "organisation"),
        ({"job_title": "j" * 201}, "job_title"),
        ({"dietary_needs": "d" * 501}, "dietary_needs"),
        ({"language": "fr"}, "language"),
        ({"name": 42}, "name"),
        ({"when_full": "maybe"}, "when_full"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(api, app, demo, change, field):
    body = {k: v for k, v in (PERSON | change).items()}
    error = _error(api("POST", _url(demo), json=body), 422)
    assert field in error["fields"], error
    assert _count(app) == 0


def test_missing_fields_are_all_named(api, app, demo):
    error = _error(api("POST", _url(demo), json={}), 422)
    assert {"name", "email", "category", "mode", "consent"} <= set(error["fields"])
    _error(api("POST", _url(demo), data="nonsense"), 422)


def test_unknown_and_unpublished_events_are_404(api, demo, app):
    _error(api("POST", "/api/v1/events/no-such-event/registrations", json=PERSON), 404)
    api("PATCH", f"/api/v1/events/{demo['slug']}", role="organiser", json={"published": False})
    _error(api("POST", _url(demo), json=PERSON), 404)


def test_html_in_names_is_shown_escaped(api, demo):
    body = api(
        "POST", _url(demo), "organiser", json=PERSON | {"name": "<script>alert(1)</script>"}
    ).json()
    page = requests.get(body["manage_url"], timeout=10).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    listed = api("GET", _url(demo), role="organiser").json()
    assert listed["items"][0]["name"] == "<script>alert(1)</script>"


def test_rate_limit_answers_429(api, demo, live_app):
    live_app.config["REGISTRATION_RATE_LIMIT"] = "2 per minute"
    try:
        codes = [api("POST", _url(demo), json=person(i)).status_code for i in range(3)]
    finally:
        live_app.config["REGISTRATION_RATE_LIMIT"] = "30 per minute"
    assert codes == [201, 201, 429]


def test_organiser_lists_filters_and_pages(api, demo, set_capacity):
    set_capacity(2)
    for i in range(5):
        api("POST", _url(demo), json=person(i, category="researcher" if i % 2 else "industry"))
    listing = api("GET", _url(demo) + "?per_page=2&page=2", role="organiser").json()
    assert listing["total"] == 5 and len(listing["items"]) == 2 and listing["page"] == 2
    assert listing["counts"]["on_site"] == {"confirmed": 2, "waitlisted": 3, "cancelled": 0}
    waiting = api("GET", _url(demo) + "?status=waitlisted", role="organiser").json()
    assert [r["name"] for r in waiting["items"]] == ["Person 2", "Person 3", "Person 4"]
    found = api("GET", _url(demo) + "?q=person3", role="organiser").json()
    assert [r["name"] for r in found["items"]] == ["Person 3"]
    industry = api("GET", _url(demo) + "?category=industry", role="organiser").json()
    assert industry["total"] == 3
    _error(api("GET", _url(demo) + "?status=maybe", role="organiser"), 422)
    _error(api("GET", _url(demo)), 401)
    _error(api("GET", _url(demo), role="attendee"), 403)


def test_organiser_reads_updates_cancels_and_promotes(api, demo, set_capacity, smtp):
    set_capacity(1)
    first = api("POST", _url(demo), json=person(1)).json()
    second = api("POST", _url(demo), json=person(2)).json()
    third = api("POST", _url(demo), json=person(3)).json()
    item = f"{_url(demo)}/{first['id']}"
    assert api("GET", item, role="organiser").json()["email"] == "person1@example.org"
    updated = api("PATCH", item, role="organiser", json={"role": "speaker", "name": "Dr One"})
    assert updated.status_code == 200 and updated.json()["role"] == "speaker"
    _error(api("PATCH", item, role="organiser", json={"email": "person2@example.org"}), 409)
    _error(api("PATCH", item, role="organiser", json={"role": "king"}), 422)
    # no free place: promoting by hand is refused
    _error(api("POST", f"{_url(demo)}/{third['id']}/promote", role="organiser"), 409)
    cancelled = api("POST", f"{item}/cancel", role="organiser").json()
    assert cancelled["status"] == "cancelled"
    # the first in line got the place, automatically, and was told
    assert api("GET", f"{_url(demo)}/{second['id']}", role="organiser").json()["status"] == (
        "confirmed"
    )
    assert any(m["To"] == "person2@example.org" and "place is yours" in m["Subject"] for m in smtp)
    _error(api("POST", f"{_url(demo)}/{second['id']}/promote", role="organiser"), 409)
    _error(api("GET", f"{_url(demo)}/99999", role="organiser"), 404)


def test_raising_capacity_through_the_events_api_promotes_in_order(api, demo, set_capacity, smtp):
    set_capacity(1)
    ids = [api("POST", _url(demo), json=person(i)).json()["id"] for i in range(4)]
    response = api(
        "PATCH", f"/api/v1/events/{demo['slug']}", role="organiser", json={"onsite_capacity": 3}
    )
    assert response.status_code == 200
    statuses = [api("GET", f"{_url(demo)}/{i}", role="organiser").json()["status"] for i in ids]
    assert statuses == ["confirmed", "confirmed", "confirmed", "waitlisted"]
    promoted = {m["To"] for m in smtp if "place is yours" in m["Subject"]}
    assert promoted == {"person1@example.org", "person2@example.org"}


def test_the_stream_link_is_not_public(api, demo):
    public = api("GET", f"/api/v1/events/{demo['slug']}").json()
    assert public["stream_url"] is None
    organiser = api("GET", f"/api/v1/events/{demo['slug']}", role="organiser").json()
    assert organiser["stream_url"].startswith("https://stream.example.org/")
