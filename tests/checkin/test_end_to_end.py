"""As it really happens: register, print the badge PDF, read its QR code with a camera-like
decoder (pdftoppm at 150 dpi, then zxing-cpp), and scan that code at the door."""

from __future__ import annotations

import subprocess

import requests
import zxingcpp
from PIL import Image

from tests.registration.conftest import PERSON


def badge_code_from_pdf(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "badge.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages
    found = zxingcpp.read_barcodes(Image.open(pages[0]))
    codes = [b.text for b in found if b.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(codes) == 1, found
    return codes[0]


def test_register_print_decode_and_scan(api, demo, tmp_path):
    registered = api("POST", f"/api/v1/events/{demo['slug']}/registrations", json=PERSON)
    assert registered.status_code == 201, registered.text
    badge = requests.get(registered.json()["badge_url"], timeout=10)
    assert badge.content[:5] == b"%PDF-"
    code = badge_code_from_pdf(badge.content, tmp_path)
    url = f"/api/v1/events/{demo['slug']}/checkins"
    first = api("POST", url, "door_staff", json={"code": code, "door": "Auditorium"}).json()
    assert first["status"] == "accepted"
    assert first["registration"]["name"] == PERSON["name"]
    assert first["registration"]["organisation"] == PERSON["organisation"]
    second = api("POST", url, "door_staff", json={"code": code, "door": "Auditorium"}).json()
    assert (second["status"], second["reason"]) == ("refused", "already_checked_in")
    assert second["first_checkin"]["door"] == "Auditorium"
