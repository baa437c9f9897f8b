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
