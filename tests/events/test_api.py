"""The events API over real HTTP: tokens, roles, validation, the error shape, OpenAPI."""

from __future__ import annotations

import pytest
import requests

NEW_EVENT = {
    "slug": "oncology-day-2024",
    "name": "Oncology Day 2024",
    "starts_at": "2024-03-14T09:00:00+01:00",
    "ends_at": "2024-03-14T17:00:00+01:00",
    "timezone": "Europe/Oslo",
    "venue": "Kaare Norum Auditorium",
    "onsite_capacity": 320,
    "digital_capacity": None,
    "stream_url": "https://stream.example.org/oncology-day",
}


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def test_list_and_read_published_events(api, demo):
    events = api("GET", "/api/v1/events").json()
    assert [e["slug"] for e in events] == [demo["slug"]]
    event = api("GET", f"/api/v1/events/{demo['slug']}").json()
    assert event["starts_at"] == "2023-01-26T10:30:00+01:00"
    assert event["timezone"] == "Europe/Oslo"
    assert event["onsite_capacity"] == 320 and event["digital_capacity"] is None


def test_organiser_creates_and_updates_an_event(api):
    created = api("POST", "/api/v1/events", role="organiser", json=NEW_EVENT)
    assert created.status_code == 201, created.text
    assert created.json()["published"] is False
    assert api("GET", "/api/v1/events/oncology-day-2024").status_code == 404
    own = api("GET", "/api/v1/events/oncology-day-2024", role="organiser")
    assert own.status_code == 200
    patched = api(
        "PATCH",
        "/api/v1/events/oncology-day-2024",
        role="organiser",
        json={"published": True, "onsite_capacity": 300},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["onsite_capacity"] == 300
    assert api("GET", "/api/v1/events/oncology-day-2024").json()["published"] is True


def test_creating_needs_a_token_and_the_right_role(api):
    assert _error(api("POST", "/api/v1/events", json=NEW_EVENT), 401)["code"] == "unauthorized"
    assert (
        _error(api("POST", "/api/v1/events", role="attendee", json=NEW_EVENT), 403)["code"]
        == "forbidden"
    )
    bad_token = api(
        "POST", "/api/v1/events", json=NEW_EVENT, headers={"Authorization": "Bearer em_nope"}
    )
    _error(bad_token, 401)
    basic = api("GET", "/api/v1/events", headers={"Authorization": "Basic abc"})
    _error(basic, 401)


def test_the_session_cookie_does_not_authenticate_the_api(api, live_server, demo):
    session = requests.Session()
    email, password = demo["logins"]["admin"]
    session.get(live_server + "/login")
    response = session.post(live_server + "/api/v1/events", json=NEW_EVENT, timeout=10)
    _error(response, 401)


def test_door_staff_cannot_patch(api, demo):
    _error(
        api("PATCH", f"/api/v1/events/{demo['slug']}", role="door_staff", json={"name": "X"}), 403
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"slug": "Not A Slug"}, "slug"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"ends_at": "2024-03-14T08:00:00+01:00"}, "ends_at"),
        ({"starts_at": "2024-03-14T09:00:00"}, "starts_at"),
        ({"onsite_capacity": -1}, "onsite_capacity"),
        ({"onsite_capacity": "many"}, "onsite_capacity"),
        ({"digital_capacity": 2.5}, "digital_capacity"),
        ({"stream_url": "not a url"}, "stream_url"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(api, change, field):
    response = api("POST", "/api/v1/events", role="organiser", json={**NEW_EVENT, **change})
    error = _error(response, 422)
    assert error["code"] == "validation_error"
    assert field in error["fields"], error
    assert [e["slug"] for e in api("GET", "/api/v1/events", role="organiser").json()] == [
        "cancer-crosslinks-2023"
    ]


def test_missing_fields_are_listed(api):
    error = _error(api("POST", "/api/v1/events", role="organiser", json={}), 422)
    assert {"slug", "name", "starts_at", "ends_at", "timezone"} <= set(error["fields"])


def test_duplicate_slug_is_a_conflict(api, demo):
    error = _error(
        api("POST", "/api/v1/events", role="organiser", json={**NEW_EVENT, "slug": demo["slug"]}),
        409,
    )
    assert "slug" in error["fields"]


def test_patch_rules(api, demo):
    path = f"/api/v1/events/{demo['slug']}"
    _error(api("PATCH", path, role="organiser", json={"slug": "renamed"}), 422)
    error = _error(
        api("PATCH", path, role="organiser", json={"ends_at": "2023-01-26T08:00:00+01:00"}), 422
    )
    assert "ends_at" in error["fields"]
    assert api("GET", path).json()["ends_at"] == "2023-01-26T19:00:00+01:00"
    _error(api("PATCH", "/api/v1/events/no-such-event", role="admin", json={"name": "X"}), 404)


def test_malformed_bodies_and_unknown_routes_answer_json(api):
    broken = api(
        "POST",
        "/api/v1/events",
        role="organiser",
        data="{not json",
        headers={"Content-Type": "application/json"},
    )
    assert broken.status_code in (400, 422)
    _error(broken, broken.status_code)
    _error(api("GET", "/api/v1/nothing-here"), 404)
    _error(api("DELETE", "/api/v1/events"), 405)


def test_unexpected_errors_answer_json_without_traceback(api, monkeypatch):
    from eventmgr.events import services

    def explode(user):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "visible_events", explode)
    response = api("GET", "/api/v1/events")
    error = _error(response, 500)
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert error["code"] == "internal_error"


def test_openapi_document_is_generated_from_the_schemas(api):
    spec = api("GET", "/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/events", "/api/v1/events/{slug}"} <= set(spec["paths"])
    assert "patch" in spec["paths"]["/api/v1/events/{slug}"]
    schema = spec["components"]["schemas"]["Event"]
    assert {
        "slug",
        "name",
        "starts_at",
        "ends_at",
        "timezone",
        "onsite_capacity",
        "digital_capacity",
        "stream_url",
        "published",
    } <= set(schema["properties"])
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
