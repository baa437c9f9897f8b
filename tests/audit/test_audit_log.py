"""The audit log: organiser actions are recorded, and the administrator views and exports them."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from eventmgr.platform.db import db
from eventmgr.registration.models import Registration
from tests.registration.conftest import PERSON


def _register(client, slug: str, person: dict) -> None:
    response = client.post(f"/api/v1/events/{slug}/registrations", json=person)
    assert response.status_code == 201, response.get_json()


def test_an_organisers_cancellation_is_in_the_audit_log_and_its_export(app, client, world, login):
    _register(client, world["slug"], PERSON)
    organiser = login("organiser")
    with app.app_context():
        registration_id = db.session.scalars(select(Registration.id)).one()
    response = organiser.post(
        f"/manage/events/{world['slug']}/registrations/{registration_id}/cancel"
    )
    assert response.status_code == 302
    organiser.post("/logout")

    admin = login("admin")
    page = admin.get("/admin/audit?action=registration").get_data(as_text=True)
    assert "registration.cancelled" in page
    assert world["logins"]["organiser"][0] in page
    export = admin.get("/admin/audit.csv?action=registration.cancelled")
    assert export.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["at_utc", "actor", "event_id", "action"]
    assert [r[3] for r in rows[1:]] == ["registration.cancelled"]
    assert rows[1][1] == world["logins"]["organiser"][0]


def test_the_attendees_own_changes_are_not_organiser_actions(app, client, world, login):
    _register(client, world["slug"], PERSON)
    admin = login("admin")
    assert "registration.registered" not in admin.get("/admin/audit").get_data(as_text=True)
