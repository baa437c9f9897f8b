"""Speaker photos: a good upload is re-encoded and served resized; a bad one is refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.programme.conftest import SLUG


def _image(fmt: str = "PNG", size: tuple[int, int] = (1200, 900)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def _edit(client, person_id: int, data: bytes, name: str = "photo.png"):
    return client.post(
        f"/manage/events/{SLUG}/people/{person_id}/edit",
        data={"name": "Ben Speaker", "photo": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_a_good_photo_is_reencoded_and_served_resized(client, login, symposium):
    organiser = login("organiser")
    person_id = symposium["people"]["Ben Speaker"]
    assert _edit(organiser, person_id, _image()).status_code == 302
    large = client.get(f"/events/{SLUG}/people/{person_id}/photo")
    thumb = client.get(f"/events/{SLUG}/people/{person_id}/photo?size=thumb")
    assert large.mimetype == thumb.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(large.data)).size == (800, 600)
    assert max(Image.open(io.BytesIO(thumb.data)).size) == 240
    people = organiser.get(f"/manage/events/{SLUG}/people").get_data(as_text=True)
    assert f"/people/{person_id}/photo?size=thumb" in people


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"<?php echo 1; ?>", "photo.png", "not a photo we can read"),
        (_image(size=(60, 60)), "photo.png", "too small"),
        (_image("GIF"), "photo.gif", "JPEG, PNG or WebP"),
        (b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 10), "photo.jpg", "larger than 5 MB"),
    ],
    ids=["not-an-image", "tiny", "gif", "too-big"],
)
def test_a_bad_photo_is_refused_with_a_message(client, login, symposium, data, name, message):
    organiser = login("organiser")
    person_id = symposium["people"]["Ben Speaker"]
    response = _edit(organiser, person_id, data, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert client.get(f"/events/{SLUG}/people/{person_id}/photo").status_code == 404


def _person_id(app, slug: str, name: str) -> int:
    from sqlalchemy import select

    from eventmgr.events.models import Event
    from eventmgr.platform.db import db
    from eventmgr.programme.models import Person

    with app.app_context():
        return db.session.scalar(
            select(Person.id)
            .join(Event, Event.id == Person.event_id)
            .where(Event.slug == slug, Person.name == name)
        )


def test_only_photos_of_the_published_programme_are_public(app, login, demo):
    """A person the organiser added but has not published (a speaker still being asked, a
    withdrawn one) keeps their photo to the organisers; the published speakers' are public."""
    slug = demo["slug"]
    organiser = login("organiser")
    added = organiser.post(
        f"/manage/events/{slug}/people/new",
        data={"name": "Not Yet Announced", "photo": (io.BytesIO(_image()), "photo.png")},
        content_type="multipart/form-data",
    )
    assert added.status_code == 302
    hidden = _person_id(app, slug, "Not Yet Announced")
    published = _person_id(app, slug, "Katarina Puco")
    edited = organiser.post(
        f"/manage/events/{slug}/people/{published}/edit",
        data={"name": "Katarina Puco", "photo": (io.BytesIO(_image()), "photo.png")},
        content_type="multipart/form-data",
    )
    assert edited.status_code == 302
    anonymous = app.test_client()
    for size in ("", "?size=thumb"):
        assert anonymous.get(f"/events/{slug}/people/{hidden}/photo{size}").status_code == 404
        public = anonymous.get(f"/events/{slug}/people/{published}/photo{size}")
        assert public.status_code == 200 and public.mimetype == "image/jpeg"
        assert public.headers["Cache-Control"] == "public, max-age=86400"
    own = organiser.get(f"/events/{slug}/people/{hidden}/photo")
    assert own.status_code == 200 and own.headers["Cache-Control"] == "private, no-store"


def test_the_pixel_count_is_checked_before_decoding(login, symposium, monkeypatch):
    """A small file of a huge blank image (8000 x 8000 px, 64 megapixels, in a few hundred KB)
    is refused from its header, naming the limit, before any pixel is decoded."""
    from PIL import ImageFile

    organiser = login("organiser")
    person_id = symposium["people"]["Ben Speaker"]
    huge = _image(size=(8000, 8000))
    assert len(huge) < 1024 * 1024
    decoded = []
    load = ImageFile.ImageFile.load
    monkeypatch.setattr(
        ImageFile.ImageFile, "load", lambda image: decoded.append(image.size) or load(image)
    )
    response = _edit(organiser, person_id, huge)
    assert response.status_code == 422
    assert "at most 36 megapixels" in response.get_data(as_text=True)
    assert decoded == []
    fits = _edit(organiser, person_id, _image("JPEG", size=(7000, 5000)))  # 35 megapixels
    assert fits.status_code == 302
