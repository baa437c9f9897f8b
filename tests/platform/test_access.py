"""Every view declares who may use it, and every non-public one refuses the wrong people."""

from __future__ import annotations

import pytest

from eventmgr.platform.access import PUBLIC, ROLES

WRONG_ROLE_ORDER = ("attendee", "door_staff", "delegation_lead", "organiser")
SAMPLE_ARGS = {
    "slug": "cancer-crosslinks-2023",
    "token": "x",
    "message_id": 1,
    "item_id": 1,
    "person_id": 1,
    "room_id": 1,
    "fmt": "json",
}


def _handlers(app):
    """(rule, method, view function) for every route and method, static files aside."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            handler = getattr(getattr(view, "view_class", None), method.lower(), view)
            yield rule, method, handler


def _url(rule) -> str:
    return rule.build(
        {name: SAMPLE_ARGS.get(name, 1) for name in rule.arguments}, append_unknown=False
    )[1]


def test_every_view_declares_access(app):
    undeclared = [
        f"{method} {rule.rule}"
        for rule, method, handler in _handlers(app)
        if not hasattr(handler, "access") and rule.endpoint != "api-docs.openapi_json"
    ]
    assert undeclared == []


def _restricted(app):
    return [
        (rule, method, handler.access)
        for rule, method, handler in _handlers(app)
        if getattr(handler, "access", None) and handler.access.level != PUBLIC
    ]


def test_anonymous_visitors_are_refused_everywhere(app, client, demo):
    checked = 0
    for rule, method, _access in _restricted(app):
        response = client.open(_url(rule), method=method)
        if rule.rule.startswith("/api/"):
            assert response.status_code == 401, (method, rule.rule)
            assert response.is_json
        else:
            assert response.status_code == 302, (method, rule.rule)
            assert "/login" in response.headers["Location"]
        checked += 1
    assert checked >= 8


@pytest.mark.parametrize("api", [False, True], ids=["pages", "api"])
def test_wrong_roles_are_refused_everywhere(app, demo, api):
    from eventmgr.accounts.services import find_user, issue_api_token
    from eventmgr.platform.db import db

    tokens = {}
    with app.app_context():
        for role, (email, _pw) in demo["logins"].items():
            tokens[role] = issue_api_token(find_user(email))
        db.session.commit()
    checked = 0
    clients: dict[str, object] = {}  # one log-in per role: the log-in rate limit is 10 a minute
    for rule, method, access in _restricted(app):
        if access.level != ROLES or rule.rule.startswith("/api/") != api:
            continue
        wrong = next(r for r in WRONG_ROLE_ORDER if r not in access.roles)
        headers = {}
        if api:
            client = app.test_client()
            headers["Authorization"] = f"Bearer {tokens[wrong]}"
        elif wrong in clients:
            client = clients[wrong]
        else:
            client = clients[wrong] = app.test_client()
            email, password = demo["logins"][wrong]
            client.post("/login", data={"email": email, "password": password})
        response = client.open(_url(rule), method=method, headers=headers, json={})
        assert response.status_code == 403, (wrong, method, rule.rule, response.data[:200])
        checked += 1
    assert checked >= (2 if api else 6)


def test_event_roles_hold_for_their_own_event_only(app, client, demo):
    """An organiser of the demo event may not edit another event."""
    from datetime import UTC, datetime

    from eventmgr.events.services import create_event
    from eventmgr.platform.db import db

    with app.app_context():
        create_event(
            {
                "slug": "other-event",
                "name": "Other",
                "timezone": "Europe/Oslo",
                "starts_at": datetime(2024, 1, 1, 9, tzinfo=UTC),
                "ends_at": datetime(2024, 1, 1, 17, tzinfo=UTC),
            }
        )
        db.session.commit()
    email, password = demo["logins"]["organiser"]
    client.post("/login", data={"email": email, "password": password})
    assert client.get(f"/manage/events/{demo['slug']}/edit").status_code == 200
    assert client.get("/manage/events/other-event/edit").status_code == 403
