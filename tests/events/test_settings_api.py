"""The event's registration settings over the API (PATCH and GET /api/v1/events/<slug>):
every new field stored and given back, and bad input refused with a 422 naming the field,
changing nothing."""

from __future__ import annotations

import pytest

QUESTIONS = [
    {
        "key": "diet",
        "label": {"en": "Dietary needs", "nb": "Kosthold"},
        "kind": "choice",
        "required": True,
        "choices": [
            {"key": "none", "label": {"en": "None", "nb": "Ingen"}},
            {"key": "vegetarian", "label": {"en": "Vegetarian", "nb": "Vegetar"}},
        ],
    },
    {
        "key": "photo",
        "label": {"en": "You may photograph me", "nb": "Dere kan ta bilder av meg"},
        "kind": "checkbox",
        "required": False,
        "choices": [],
    },
    {
        "key": "institution",
        "label": {"en": "Which institution?"},
        "kind": "text",
        "required": False,
        "choices": [],
    },
    {
        "key": "topics",
        "label": {"en": "Topics", "nb": "Tema"},
        "kind": "multiple",
        "required": False,
        "choices": [
            {"key": "lung", "label": {"en": "Lung cancer"}},
            {"key": "car-t", "label": {"en": "CAR-T"}},
        ],
    },
]
CATEGORIES = [
    {"key": "clinician", "label": {"en": "Clinician", "nb": "Kliniker"}},
    {"key": "researcher", "label": {"en": "Researcher", "nb": "Forsker"}},
]


def _patch(api, demo, body: dict, role: str = "organiser"):
    return api("PATCH", f"/api/v1/events/{demo['slug']}", role=role, json=body)


def test_every_setting_is_stored_and_given_back(api, demo):
    body = {
        "registration_opens_at": "2022-11-01T09:00:00+01:00",
        "registration_closes_at": "2031-01-20T12:00:00+01:00",
        "categories": CATEGORIES,
        "questions": QUESTIONS,
        "organiser_name": "Oslo Cancer Cluster",
        "contact_email": "privacy@example.org",
        "privacy_notice": {"en": "We keep your name.", "nb": "Vi tar vare på navnet ditt."},
        "interest_tags": ["immuno-oncology", "CAR-T"],
    }
    answer = _patch(api, demo, body)
    assert answer.status_code == 200, answer.text
    event = api("GET", f"/api/v1/events/{demo['slug']}").json()
    assert {name: event[name] for name in body} == body
    assert event["registration_state"] == "open"


def test_times_come_back_in_the_events_zone_and_null_restores_the_defaults(api, demo):
    answer = _patch(api, demo, {"registration_closes_at": "2031-01-20T11:00:00Z"})
    assert answer.json()["registration_closes_at"] == "2031-01-20T12:00:00+01:00"
    answer = _patch(
        api,
        demo,
        {"registration_opens_at": None, "registration_closes_at": None, "privacy_notice": None},
    )
    event = answer.json()
    assert (event["registration_opens_at"], event["registration_closes_at"]) == (None, None)
    assert event["privacy_notice"] is None
    assert event["registration_state"] == "closed"  # the demo ended in 2023


def test_an_empty_tag_list_and_question_list_are_kept_empty(api, demo):
    _patch(api, demo, {"questions": QUESTIONS, "interest_tags": ["a"]})
    event = _patch(api, demo, {"questions": [], "interest_tags": []}).json()
    assert event["questions"] == [] and event["interest_tags"] == []


BAD = [
    ("registration_opens_at", "2030-01-01T09:00:00", "registration_opens_at"),  # no offset
    ("registration_closes_at", "tomorrow", "registration_closes_at"),
    ("registration_closes_at", "9999-12-31T23:00:00+01:00", "registration_closes_at"),
    ("categories", [{"key": "a", "label": {"en": "A"}}] * 2, "categories"),
    ("categories", [{"key": "", "label": {"en": "A"}}], "categories"),
    ("categories", [{"key": "a", "label": {"nb": "Bare norsk"}}], "categories"),
    ("questions", [QUESTIONS[0], QUESTIONS[0]], "questions"),
    ("questions", [QUESTIONS[0] | {"key": "Bad Key"}], "questions"),
    ("questions", [QUESTIONS[0] | {"kind": "essay"}], "questions"),
    ("questions", [QUESTIONS[0] | {"choices": []}], "questions"),
    ("questions", [QUESTIONS[1] | {"choices": QUESTIONS[0]["choices"]}], "questions"),
    ("questions", [QUESTIONS[0] | {"required": "yes"}], "questions"),
    ("questions", [QUESTIONS[0] | {"colour": "red"}], "questions"),
    ("questions", [QUESTIONS[0] | {"label": {"en": "x" * 301}}], "questions"),
    (
        "questions",
        [QUESTIONS[0] | {"choices": [QUESTIONS[0]["choices"][0]] * 2}],
        "questions",
    ),
    ("organiser_name", "x" * 201, "organiser_name"),
    ("contact_email", "not an address", "contact_email"),
    ("privacy_notice", {"de": "Datenschutz"}, "privacy_notice"),
    ("privacy_notice", {"en": "x" * 20001}, "privacy_notice"),
    ("privacy_notice", "We keep your name.", "privacy_notice"),
    ("interest_tags", "immuno-oncology", "interest_tags"),
    ("interest_tags", [""], "interest_tags"),
    ("interest_tags", ["x" * 61], "interest_tags"),
    ("interest_tags", ["tab\tin it"], "interest_tags"),
    ("registration_state", "open", "registration_state"),  # read only
]


@pytest.mark.parametrize(
    ("field", "value", "named"), BAD, ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD)]
)
def test_bad_input_is_a_422_naming_the_field_and_changes_nothing(api, demo, field, value, named):
    before = api("GET", f"/api/v1/events/{demo['slug']}", role="organiser").json()
    answer = _patch(api, demo, {field: value, "name": "Changed name"})
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "validation_error"
    assert named in error["fields"], error
    after = api("GET", f"/api/v1/events/{demo['slug']}", role="organiser").json()
    assert after == before


def test_the_window_must_close_after_it_opens(api, demo):
    answer = _patch(
        api,
        demo,
        {
            "registration_opens_at": "2030-02-01T09:00:00+01:00",
            "registration_closes_at": "2030-01-01T09:00:00+01:00",
        },
    )
    assert answer.status_code == 422
    assert "registration_closes_at" in answer.json()["error"]["fields"]


def test_a_wrong_tag_changes_none_of_the_events_fields(api, demo):
    """Tags are networking's: checked before the event is changed."""
    answer = _patch(api, demo, {"organiser_name": "Somebody", "interest_tags": [" "]})
    assert answer.status_code == 422
    event = api("GET", f"/api/v1/events/{demo['slug']}").json()
    assert event["organiser_name"] == "Oslo Cancer Cluster"


def test_only_the_events_organisers_change_settings(api, demo):
    body = {"questions": QUESTIONS}
    assert _patch(api, demo, body, role="door_staff").status_code == 403
    assert api("PATCH", f"/api/v1/events/{demo['slug']}", json=body).status_code == 401


def test_the_demo_seeds_its_own_settings(api, demo):
    """Categories, tags, the organiser and a registration window that lets people try it."""
    event = api("GET", f"/api/v1/events/{demo['slug']}").json()
    assert [c["key"] for c in event["categories"]][:3] == [
        "oncologist",
        "haematologist",
        "researcher",
    ]
    assert "immuno-oncology" in event["interest_tags"]
    assert event["organiser_name"] == "Oslo Cancer Cluster"
    assert event["registration_state"] == "open"


def test_a_new_event_takes_its_settings_at_once(api):
    body = {
        "slug": "oncology-day-2031",
        "name": "Oncology Day 2031",
        "starts_at": "2031-03-14T09:00:00+01:00",
        "ends_at": "2031-03-14T17:00:00+01:00",
        "timezone": "Europe/Oslo",
        "categories": CATEGORIES,
        "questions": QUESTIONS[:1],
        "registration_opens_at": "2031-01-01T09:00:00+01:00",
        "interest_tags": ["biomarkers"],
        "organiser_name": "Oncology Society",
    }
    created = api("POST", "/api/v1/events", role="organiser", json=body)
    assert created.status_code == 201, created.text
    event = created.json()
    assert {name: event[name] for name in body} == body
    assert event["registration_closes_at"] is None and event["privacy_notice"] is None
    assert event["registration_state"] == "not_yet_open"
    bad = api(
        "POST",
        "/api/v1/events",
        role="organiser",
        json=body | {"slug": "x-2031", "interest_tags": [""]},
    )
    assert bad.status_code == 422 and "interest_tags" in bad.json()["error"]["fields"]
    assert api("GET", "/api/v1/events/x-2031", role="organiser").status_code == 404
