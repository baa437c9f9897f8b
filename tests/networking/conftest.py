"""Fixtures for networking tests: people with accounts, registrations, profiles and tokens."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import requests

from eventmgr.platform.db import db

PASSWORD = "networking-test-pw"


@dataclass
class Person:
    name: str
    email: str
    registration_id: int
    profile_id: int | None
    token: str


def _make(app, slug: str, name: str, email: str, *, opt_in: bool = True, **profile) -> Person:
    from eventmgr.accounts.services import get_or_create_user, issue_api_token
    from eventmgr.events.web import find_event
    from eventmgr.networking import services
    from eventmgr.registration import services as registration

    mode = profile.pop("mode", "on_site")
    with app.test_request_context():
        event = find_event(slug)
        reg = registration.register(
            event,
            {
                "name": name,
                "email": email,
                "organisation": profile.get("organisation", ""),
                "category": "investor" if profile.get("kind") == "investor" else "industry",
                "mode": mode,
                "networking_opt_in": opt_in,
            },
            actor="test",
            public=False,
        ).registration
        profile_id = None
        if opt_in:
            mine = services.profile_of(reg)
            services.update_profile(mine, event, profile)
            profile_id = mine.id
        user = get_or_create_user(email, name=name, password=PASSWORD)
        token = issue_api_token(user)
        db.session.commit()
        return Person(name, email, reg.id, profile_id, token)


@pytest.fixture
def make_person(app, demo):
    """make_person(name, email, opt_in=True, kind=..., interests=[...], ...) -> Person."""

    def make(name: str, email: str, **kwargs) -> Person:
        return _make(app, demo["slug"], name, email, **kwargs)

    return make


@pytest.fixture
def startup(make_person):
    return make_person(
        "Sara Rhost",
        "sara@example.org",
        organisation="Sortina Pharma",
        kind="startup",
        pitch="Small molecules for breast cancer, pre-clinical proof of concept.",
        seeks="seed investment",
        company_stage="pre-clinical",
        interests=["precision medicine", "cell therapy"],
    )


@pytest.fixture
def investor(make_person):
    return make_person(
        "Ingrid Berg",
        "ingrid@example.org",
        organisation="Fjord Health Capital",
        kind="investor",
        pitch="Seed investor in pre-clinical oncology.",
        offers="seed investment",
        investment_focus="pre-clinical oncology, precision medicine",
        interests=["precision medicine", "cell therapy", "venture capital"],
    )


@pytest.fixture
def call(live_server, demo):
    """call(method, path under /networking, person or token, **kwargs) -> response."""
    base = f"{live_server}/api/v1/events/{demo['slug']}/networking"

    def _call(method: str, path: str, who=None, **kwargs):
        headers = kwargs.pop("headers", {})
        if who is not None:
            token = who if isinstance(who, str) else who.token
            headers["Authorization"] = f"Bearer {token}"
        return requests.request(method, base + path, headers=headers, timeout=30, **kwargs)

    return _call


@pytest.fixture
def organiser_token(app, demo):
    from eventmgr.accounts.services import find_user, issue_api_token

    with app.app_context():
        token = issue_api_token(find_user(demo["logins"]["organiser"][0]))
        db.session.commit()
    return token


def outbox(app, recipient: str | None = None) -> list:
    """(recipient, subject, body) of every queued message, oldest first."""
    from sqlalchemy import select

    from eventmgr.mail.models import OutboxMessage

    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [
            (m.recipient, m.subject, m.body)
            for m in rows
            if recipient is None or m.recipient == recipient
        ]
