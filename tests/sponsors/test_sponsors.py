"""Sponsors and partners per event: the API, logos checked and re-encoded (transparency kept),
the event page, the badges and the stream link."""

from __future__ import annotations

import io

import pytest
import requests
from PIL import Image, PngImagePlugin
from sqlalchemy import func, select

from eventmgr.platform.db import db
from eventmgr.sponsors.models import Sponsor
from tests.registration.conftest import person
from tests.support import pdf_qr_codes


def _png(size=(400, 120), text: str = "") -> bytes:
    """A logo on a transparent background (and a text chunk that must not survive)."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    for x in range(size[0] // 4, 3 * size[0] // 4):
        for y in range(size[1] // 4, 3 * size[1] // 4):
            image.putpixel((x, y), (190, 20, 40, 255))
    info = PngImagePlugin.PngInfo()
    if text:
        info.add_text("Comment", text)
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _url(demo) -> str:
    return f"/api/v1/events/{demo['slug']}/sponsors"


def _upload(api, demo, sponsor_id: int, data: bytes, name: str = "logo.png"):
    return api(
        "PUT",
        f"{_url(demo)}/{sponsor_id}/logo",
        role="organiser",
        files={"logo": (name, data, "application/octet-stream")},
    )


def test_the_demo_seeds_its_sponsors_and_partner_clusters(api, demo):
    sponsors = api("GET", _url(demo)).json()
    assert [(s["name"], s["level"]) for s in sponsors] == [
        ("Bristol Myers Squibb", "sponsor"),
        ("Eli Lilly and Company", "sponsor"),
        ("The Life Science Cluster", "partner"),
        ("Norway Health Tech", "partner"),
        ("Norwegian Smart Care Cluster", "partner"),
        ("Biotech North", "partner"),
    ]


def test_an_organiser_adds_changes_and_removes_a_sponsor(api, app, demo):
    created = api(
        "POST",
        _url(demo),
        role="organiser",
        json={"name": "Aleap", "url": "https://aleap.no", "level": "main", "on_badges": True},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body | {"id": 0} == {
        "id": 0,
        "name": "Aleap",
        "url": "https://aleap.no",
        "level": "main",
        "position": 0,
        "on_badges": True,
        "on_stream": False,
        "logo_url": None,
    }
    assert api("GET", _url(demo)).json()[0]["name"] == "Aleap"  # main sponsors first
    patched = api(
        "PATCH", f"{_url(demo)}/{body['id']}", role="organiser", json={"level": "supporter"}
    )
    assert patched.json()["level"] == "supporter" and patched.json()["url"] == "https://aleap.no"
    assert api("GET", _url(demo)).json()[-1]["name"] == "Aleap"
    assert api("DELETE", f"{_url(demo)}/{body['id']}", role="organiser").status_code == 204
    assert api("GET", f"{_url(demo)}/{body['id']}").status_code == 404


BAD = [
    ({"url": "https://x.org"}, "name"),
    ({"name": ""}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"name": "A", "url": "javascript:alert(1)"}, "url"),
    ({"name": "A", "url": "not a link"}, "url"),
    ({"name": "A", "level": "platinum"}, "level"),
    ({"name": "A", "position": "1"}, "position"),
    ({"name": "A", "position": -1}, "position"),
    ({"name": "A", "on_badges": "yes please"}, "on_badges"),
    ({"name": "A", "logo": "x"}, "logo"),
]


@pytest.mark.parametrize(("body", "named"), BAD)
def test_bad_input_is_a_422_naming_the_field(api, app, demo, body, named):
    answer = api("POST", _url(demo), role="organiser", json=body)
    assert answer.status_code == 422, answer.text
    assert named in answer.json()["error"]["fields"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Sponsor.id))) == 6


def test_only_organisers_change_sponsors(api, demo):
    assert api("POST", _url(demo), role="door_staff", json={"name": "A"}).status_code == 403
    assert api("POST", _url(demo), json={"name": "A"}).status_code == 401


def test_a_logo_is_checked_and_re_encoded_as_png_keeping_transparency(api, app, demo):
    sponsor = api("GET", _url(demo)).json()[0]
    sent = _png(text="secret comment")
    answer = _upload(api, demo, sponsor["id"], sent)
    assert answer.status_code == 200, answer.text
    logo_url = answer.json()["logo_url"]
    served = api("GET", logo_url)
    assert served.headers["Content-Type"] == "image/png"
    assert served.content != sent and b"secret comment" not in served.content
    image = Image.open(io.BytesIO(served.content))
    assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0  # still transparent
    assert image.getpixel((200, 60))[:3] == (190, 20, 40)
    small = Image.open(io.BytesIO(api("GET", logo_url + "&size=small").content))
    assert small.size == (320, 96)
    for data, name in (
        (b"GIF89a" + b"\0" * 100, "logo.gif"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.svg"),
        (_png((20, 20)), "tiny.png"),
        (b"", "empty.png"),
    ):
        refused = _upload(api, demo, sponsor["id"], data, name)
        assert refused.status_code == 422, (name, refused.text)
        assert "logo" in refused.json()["error"]["fields"]
    assert api("GET", logo_url).content == served.content  # a refused upload changed nothing
    removed = api("DELETE", f"{_url(demo)}/{sponsor['id']}/logo", role="organiser")
    assert removed.json()["logo_url"] is None
    assert api("GET", logo_url).status_code == 404


def test_the_event_page_shows_sponsors_by_level_with_their_logos(api, client, demo):
    sponsor = api("GET", _url(demo)).json()[0]
    _upload(api, demo, sponsor["id"], _png())
    api("PATCH", f"{_url(demo)}/{sponsor['id']}", role="organiser", json={"url": "https://bms.com"})
    page = client.get(f"/events/{demo['slug']}").get_data(as_text=True)
    sponsors = page[page.index('id="sponsors"') :]
    assert sponsors.index("Sponsors") < sponsors.index("Partners")
    assert 'href="https://bms.com"' in sponsors and 'alt="Bristol Myers Squibb"' in sponsors
    assert "Biotech North" in sponsors


def test_logos_go_on_badges_when_the_organiser_asks(api, app, demo):
    registered = api(
        "POST", f"/api/v1/events/{demo['slug']}/registrations", "organiser", json=person(1)
    )
    badge_url = registered.json()["badge_url"]
    plain = requests.get(badge_url, timeout=10).content
    assert plain.count(b"/Subtype /Image") == 0
    sponsor = api("GET", _url(demo)).json()[0]
    _upload(api, demo, sponsor["id"], _png())
    assert requests.get(badge_url, timeout=10).content.count(b"/Subtype /Image") == 0
    api("PATCH", f"{_url(demo)}/{sponsor['id']}", role="organiser", json={"on_badges": True})
    badge = requests.get(badge_url, timeout=10).content
    assert badge.count(b"/Subtype /Image") >= 1  # the logo (and its transparency mask)
    code = api(
        "GET",
        f"/api/v1/events/{demo['slug']}/registrations/{registered.json()['id']}",
        role="organiser",
    ).json()["badge_code"]
    assert pdf_qr_codes(badge) == [[code]]  # the code still reads


def test_sponsors_shown_beside_the_stream(api, demo):
    registered = api(
        "POST",
        f"/api/v1/events/{demo['slug']}/registrations",
        "organiser",
        json=person(1, mode="digital"),
    ).json()
    assert 'id="stream-sponsors"' not in requests.get(registered["manage_url"], timeout=10).text
    sponsor = api("GET", _url(demo)).json()[1]
    api("PATCH", f"{_url(demo)}/{sponsor['id']}", role="organiser", json={"on_stream": True})
    page = requests.get(registered["manage_url"], timeout=10).text
    assert 'id="stream-sponsors"' in page and "Eli Lilly and Company" in page


def test_the_organiser_adds_a_sponsor_with_its_logo_on_the_page(app, login, demo):
    organiser = login("organiser")
    url = f"/manage/events/{demo['slug']}/sponsors"
    answer = organiser.post(
        url + "/new",
        data={
            "name": "Inven2",
            "url": "https://www.inven2.com",
            "level": "partner",
            "position": "9",
            "logo": (io.BytesIO(_png()), "inven2.png"),
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302
    refused = organiser.post(
        url + "/new",
        data={"name": "Broken", "level": "partner", "logo": (io.BytesIO(b"nope"), "x.png")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "This file is not an image we can read." in refused.get_data(as_text=True)
    with app.app_context():
        added = db.session.scalar(select(Sponsor).where(Sponsor.name == "Inven2"))
        assert added.has_logo and added.position == 9
        assert db.session.scalar(select(Sponsor).where(Sponsor.name == "Broken")) is None
    assert "Inven2" in organiser.get(url).get_data(as_text=True)
