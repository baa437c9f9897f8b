"""What Lighthouse checks on the public pages, checked here without it: an icon, a language,
a title and a description on every page, compressed answers, static files cached for a year
under a URL that changes with them, and personal pages kept out of search engines."""

from __future__ import annotations

import gzip
import re

import pytest
from sqlalchemy import select

from eventmgr.events.models import Event
from eventmgr.platform.db import db
from eventmgr.registration import services as registration
from tests.registration.conftest import person

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def _public_pages(slug: str) -> list[str]:
    return [
        "/",
        f"/events/{slug}",
        f"/events/{slug}/programme",
        f"/events/{slug}/speakers",
        f"/events/{slug}/register",
        "/login",
    ]


def _text(response) -> str:
    data = response.data
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return data.decode()


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/x-icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client.get("/login").get_data(as_text=True)
    assert re.search(r'<link rel="icon" href="/static/favicon.svg\?v=\w+"', page)


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_every_public_page_has_a_language_title_and_description(client, demo, lang):
    client.post("/language", data={"lang": lang, "next": "/"})
    for path in _public_pages(demo["slug"]):
        page = _text(client.get(path, headers=GZIP))
        assert f'<html lang="{lang}">' in page, path
        title = re.search(r"<title>([^<]+)</title>", page)
        assert title and title.group(1).strip(), path
        description = re.search(r'<meta name="description" content="([^"]*)">', page)
        assert description and len(description.group(1)) > 30, path
        assert 'name="robots"' not in page, path
    event = _text(client.get(f"/events/{demo['slug']}"))
    described = re.search(r'<meta name="description" content="([^"]*)">', event).group(1)
    assert described.startswith("Cancer Crosslinks 2023 · ")
    assert ("26. januar 2023" if lang == "nb" else "January 26, 2023") in described


def test_a_manage_link_page_is_not_indexed(app, client, demo):
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == demo["slug"]))
        token = registration.register(event, person(1), actor="test", public=True).token
    response = client.get(f"/r/{token}")
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.get_data(as_text=True)
    assert "X-Robots-Tag" not in client.get(f"/events/{demo['slug']}").headers


def test_static_files_are_compressed_and_cached_for_a_year(client):
    page = client.get("/login").get_data(as_text=True)
    css = re.search(r'href="(/static/vendor/pico.min.css\?v=\w+)"', page).group(1)
    plain = client.get(css)
    response = client.get(css, headers=GZIP)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(response.data) == plain.data
    assert len(response.data) < len(plain.data) / 3
    cache = response.cache_control
    assert cache.max_age == 365 * 24 * 3600 and cache.public and cache.immutable
    assert not cache.no_cache
    script = re.search(r'src="(/static/js/page.js\?v=\w+)"', page).group(1)
    assert client.get(script, headers=GZIP).headers["Content-Encoding"] == "gzip"


def test_a_public_page_is_compressed_a_signed_in_page_is_not(client, demo, login):
    """A signed-in page holds a CSRF token next to text the URL can put there: compressed,
    its size would give the token away (BREACH)."""
    public = client.get(f"/events/{demo['slug']}/programme", headers=GZIP)
    assert public.headers["Content-Encoding"] == "gzip"
    assert "Cancer Crosslinks 2023" in gzip.decompress(public.data).decode()
    organiser = login("organiser")
    private = organiser.get(f"/manage/events/{demo['slug']}/registrations", headers=GZIP)
    assert private.status_code == 200
    assert "Content-Encoding" not in private.headers
    assert private.headers["X-Robots-Tag"] == "noindex, nofollow"
    public_again = organiser.get(f"/events/{demo['slug']}/programme", headers=GZIP)
    assert "Content-Encoding" not in public_again.headers
