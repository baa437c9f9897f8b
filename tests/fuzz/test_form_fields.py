"""Form fields and API bodies: the public registration form and API, and the event API's
time zone and dates. Any value per field gives 201/409/422 (the page: a redirect, or the form
again with its errors), never a 500, and a refused body stores nothing."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select

from eventmgr.events.models import Event
from eventmgr.platform.db import db
from eventmgr.registration.models import Registration
from eventmgr.registration.services import CONTROL
from tests.fuzz.conftest import FUZZ, count, hostile_text, json_values

VALID = {
    "name": st.sampled_from(["Kari Nordmann", "Åse Ødegård"]),
    "email": st.emails().map(str.lower) | st.sampled_from(["kari@example.org"]),
    "organisation": st.just("Oslo universitetssykehus"),
    "job_title": st.just("Oncologist"),
    "category": st.sampled_from(["oncologist", "researcher", "student"]),
    "mode": st.sampled_from(["on_site", "digital"]),
    "dietary_needs": st.just("Vegetarian"),
    "language": st.sampled_from(["en", "nb"]),
    "consent": st.just(True),
    "networking_opt_in": st.booleans(),
    "when_full": st.sampled_from(["waitlist", "digital"]),
}


@pytest.fixture(autouse=True)
def _no_rate_limit(app, monkeypatch):
    """The rate limit has its own tests; here every example must reach the rules."""
    monkeypatch.setitem(app.config, "REGISTRATION_RATE_LIMIT", "")


def _stored_clean(app) -> None:
    with app.app_context():
        for reg in db.session.scalars(select(Registration)):
            for name in ("name", "email", "organisation", "job_title", "dietary_needs"):
                assert not CONTROL.search(getattr(reg, name) or ""), (name, getattr(reg, name))


@st.composite
def api_bodies(draw) -> dict:
    body = {}
    for name, valid in VALID.items():
        choice = draw(st.sampled_from(["valid", "valid", "hostile", "any", "absent"]))
        if choice == "valid":
            body[name] = draw(valid)
        elif choice == "hostile":
            body[name] = draw(hostile_text)
        elif choice == "any":
            body[name] = draw(json_values)
    if draw(st.booleans()):
        body |= draw(st.dictionaries(st.text(max_size=10), json_values, max_size=2))
    return body


@FUZZ
@given(body=st.one_of(api_bodies(), json_values))
@example(body={**{k: "x" for k in VALID}, "name": "A\x00B", "email": "nul@example.org"})
def test_the_registration_api_answers_201_409_or_422(app, client, demo, body):
    before = count(app, Registration)
    response = client.post(f"/api/v1/events/{demo['slug']}/registrations", json=body)
    assert response.status_code in (201, 409, 422), response.get_data(as_text=True)[:300]
    assert response.status_code == 201 or response.get_json()["error"]["message"]
    assert count(app, Registration) == before + (response.status_code == 201)
    _stored_clean(app)


@st.composite
def form_data(draw) -> dict:
    data = {}
    for name, valid in VALID.items():
        choice = draw(st.sampled_from(["valid", "valid", "hostile", "absent"]))
        if choice == "valid":
            value = draw(valid)
            data[name] = "y" if value is True else value
        elif choice == "hostile":
            data[name] = draw(hostile_text)
    if data.get("networking_opt_in") is False:
        del data["networking_opt_in"]
    return data


@FUZZ
@given(data=form_data())
@example(
    data={
        "name": "A\x00B",
        "email": "nul@example.org",
        "category": "student",
        "mode": "digital",
        "consent": "y",
    }
)
def test_the_registration_page_redirects_or_shows_the_errors(app, client, demo, data):
    before = count(app, Registration)
    response = client.post(f"/events/{demo['slug']}/register", data=data)
    assert response.status_code in (302, 422), response.status_code
    if response.status_code == 422:
        assert count(app, Registration) == before
        assert "<form" in response.get_data(as_text=True)
    _stored_clean(app)


ZONES = st.one_of(
    st.sampled_from(
        [
            "Europe/Oslo",
            "UTC",
            "europe/oslo",
            " Europe/Oslo",
            "Europe/Oslo\x00",
            "../../../etc/passwd",
            "/etc/localtime",
            "Etc/GMT+99",
            "Etc/GMT-14",
            "posixrules",
            "",
            "Europe/" + "x" * 300,
        ]
    ),
    hostile_text,
)
MOMENTS = st.one_of(
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.sampled_from(
        [
            "2023-01-26T09:00:00+01:00",
            "2023-01-26T09:00:00",
            "2023-02-30T09:00:00+01:00",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-14:00",
            "0001-01-01T00:00:00+00:00",
            "9999-12-31T23:59:59+00:00",
            "2023-01-26",
            "tomorrow",
            "",
        ]
    ),
    hostile_text,
)


@pytest.fixture
def organiser_headers(bearer):
    return bearer["organiser"]


@FUZZ
@given(
    body=st.fixed_dictionaries(
        {}, optional={"timezone": ZONES, "starts_at": MOMENTS, "ends_at": MOMENTS}
    )
)
@example(body={"starts_at": "0001-01-01T00:00:00+00:00"})
@example(body={"ends_at": "9999-12-31T23:59:59+00:00"})  # was stored, then every read failed
@example(body={"timezone": "0" * 300})  # was a 500 (file name too long)
@example(body={"timezone": "Europe"})
@example(body={"timezone": "Etc/GMT-14", "starts_at": "0001-01-01T00:00:00+00:00"})
def test_event_patch_with_any_zone_or_dates_is_200_or_422(
    app, client, demo, organiser_headers, body
):
    url = f"/api/v1/events/{demo['slug']}"
    before = client.get(url).get_json()
    response = client.patch(url, json=body, headers=organiser_headers)
    assert response.status_code in (200, 422), (body, response.get_data(as_text=True)[:300])
    after = client.get(url)
    assert after.status_code == 200
    if response.status_code == 422:
        assert after.get_json() == before
    else:
        with app.app_context():
            event = db.session.scalar(select(Event).where(Event.slug == demo["slug"]))
            assert event.ends_at > event.starts_at
        client.patch(url, json=before | {"slug": demo["slug"]}, headers=organiser_headers)
