"""Uploads are bounded: a request body over MAX_CONTENT_LENGTH is refused with 413 before it
is read, on every upload form (a page saying so) and in the API (the JSON error shape)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from eventmgr.platform.db import db
from eventmgr.programme.models import Person
from eventmgr.registration.models import Registration

LIMIT = 16 * 1024 * 1024


def _too_big() -> io.BytesIO:
    return io.BytesIO(b"x" * (LIMIT + 1024))


def test_the_limit_is_set(app):
    assert app.config["MAX_CONTENT_LENGTH"] == LIMIT


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/manage/events/{slug}/people/{person}/edit", "photo"),
        ("/manage/events/{slug}/registrations/import", "file"),
        ("/manage/events/{slug}/programme/import", "file"),
    ],
    ids=["speaker-photo", "registration-csv", "programme-import"],
)
def test_an_oversize_upload_gets_a_page_that_says_so(app, login, world, path, field):
    organiser = login("organiser")
    with app.app_context():
        person = db.session.scalar(select(Person.id).order_by(Person.id))
        before = db.session.scalar(select(func.count(Registration.id)))
    response = organiser.post(
        path.format(slug=world["slug"], person=person),
        data={"name": "Ben Speaker", field: (_too_big(), "big.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "The upload is too large." in page and "Send at most 16 MB at once" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Registration.id))) == before


def test_an_oversize_api_body_gets_the_json_error(client, world):
    body = b'{"name": "' + b"x" * (LIMIT + 1024) + b'"}'
    response = client.post(
        f"/api/v1/events/{world['slug']}/registrations",
        data=body,
        content_type="application/json",
    )
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "payload_too_large" and "16 MB" in error["message"]
