"""Fixtures for registration tests: people to register, a small event's capacity."""

from __future__ import annotations

import pytest

from eventmgr.platform.db import db

PERSON = {
    "name": "Kari Nordmann",
    "email": "kari@example.org",
    "organisation": "Oslo universitetssykehus",
    "job_title": "Oncologist",
    "category": "oncologist",
    "mode": "on_site",
    "consent": True,
}


def person(n: int, **extra) -> dict:
    return PERSON | {"name": f"Person {n}", "email": f"person{n}@example.org"} | extra


@pytest.fixture
def set_capacity(app, demo):
    """Set the demo event's on-site (and digital) capacity."""

    def apply(onsite, digital=None):
        from eventmgr.events.models import Event

        with app.app_context():
            event = db.session.scalars(db.select(Event).filter_by(slug=demo["slug"])).one()
            event.onsite_capacity = onsite
            event.digital_capacity = digital
            db.session.commit()

    return apply


def bearer(app, logins: dict, role: str = "organiser") -> dict:
    """Authorization headers with a fresh API token of that role's account: an organiser's
    sign-up through the API gets the personal links in its answer (anonymous callers do not)."""
    from eventmgr.accounts.services import find_user, issue_api_token

    with app.app_context():
        token = issue_api_token(find_user(logins[role][0]))
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}
