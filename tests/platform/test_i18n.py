"""English and Norwegian Bokmål: every string translated, dates in the event's zone."""

from __future__ import annotations

import subprocess
import sys

from babel.messages.pofile import read_po

from eventmgr.platform.config import ROOT

PO = ROOT / "eventmgr" / "translations" / "nb" / "LC_MESSAGES" / "messages.po"


def _catalog():
    with PO.open("rb") as fh:
        return read_po(fh)


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as fh:
        extracted = {m.id for m in read_po(fh) if m.id}
    known = {m.id for m in _catalog() if m.id}
    assert sorted(map(str, extracted - known)) == []


def test_every_string_has_a_norwegian_translation():
    missing = [m.id for m in _catalog() if m.id and (not m.string or m.fuzzy)]
    assert missing == []


def test_pages_speak_norwegian_when_asked(client, demo):
    client.post("/language", data={"lang": "nb", "next": "/"})
    home = client.get("/").get_data(as_text=True)
    assert "Arrangementer" in home and 'lang="nb"' in home
    event = client.get(f"/events/{demo['slug']}").get_data(as_text=True)
    assert "torsdag 26. januar 2023" in event
    assert "10:30" in event and "Europe/Oslo" in event


def test_english_dates_in_the_event_zone(client, demo):
    page = client.get(f"/events/{demo['slug']}", headers={"Accept-Language": "en-GB"})
    text = page.get_data(as_text=True)
    assert "Thursday, January 26, 2023" in text or "Thursday 26 January 2023" in text
    assert "10:30" in text


def test_browser_language_is_the_default(client, demo):
    page = client.get("/", headers={"Accept-Language": "nb-NO,nb;q=0.9"})
    assert "Arrangementer" in page.get_data(as_text=True)
