"""As it really happens: register, print the badge PDF, read its QR code with a camera-like
decoder (rendered at 150 dpi, then zxing-cpp), and scan that code at the door."""

from __future__ import annotations

import requests

from tests.registration.conftest import PERSON
from tests.support import pdf_qr_codes


def badge_code_from_pdf(pdf: bytes) -> str:
    pages = pdf_qr_codes(pdf, dpi=150)
    assert pages and len(pages[0]) == 1, pages
    return pages[0][0]


def test_register_print_decode_and_scan(api, world):
    registered = api(
        "POST", f"/api/v1/events/{world['slug']}/registrations", "organiser", json=PERSON
    )
    assert registered.status_code == 201, registered.text
    badge = requests.get(registered.json()["badge_url"], timeout=10)
    assert badge.content[:5] == b"%PDF-"
    code = badge_code_from_pdf(badge.content)
    url = f"/api/v1/events/{world['slug']}/checkins"
    first = api("POST", url, "door_staff", json={"code": code, "door": "Auditorium"}).json()
    assert first["status"] == "accepted"
    assert first["registration"]["name"] == PERSON["name"]
    assert first["registration"]["organisation"] == PERSON["organisation"]
    second = api("POST", url, "door_staff", json={"code": code, "door": "Auditorium"}).json()
    assert (second["status"], second["reason"]) == ("refused", "already_checked_in")
    assert second["first_checkin"]["door"] == "Auditorium"
