"""People at the world's event for message tests: several languages, modes and consents."""

from __future__ import annotations

import pytest

from eventmgr.events.models import Event
from eventmgr.platform.db import commit, db
from eventmgr.registration.models import Registration
from tests import factories


@pytest.fixture
def people(app, world) -> dict[str, int]:
    """{label: registration id}: on site in English with news, on site in Bokmål, digital,
    a speaker, one whose address is unproven, one cancelled."""
    with app.app_context():
        event = db.session.query(Event).filter_by(slug=world["slug"]).one()
        made = {
            "ada": factories.registration_for(
                event, name="Ada Onsite", language="en", news_opt_in=True
            ),
            "bo": factories.registration_for(event, name="Bø Norsk", language="nb"),
            "dina": factories.registration_for(
                event, name="Dina Digital", mode="digital", news_opt_in=True
            ),
            "sam": factories.registration_for(event, name="Sam Speaker", role="speaker"),
            "una": factories.registration_for(event, name="Una Unproven", news_opt_in=True),
            "cato": factories.registration_for(event, name="Cato Cancelled"),
        }
        ids = {label: outcome.registration.id for label, outcome in made.items()}
        db.session.get(Registration, ids["una"]).email_proven_at = None
        db.session.get(Registration, ids["cato"]).status = "cancelled"
        commit()
        return ids
