"""English and Norwegian Bokmål: every string translated, dates in the event's zone."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser

from babel.messages.pofile import read_po

from eventmgr.networking.models import Delegation
from eventmgr.platform.config import ROOT
from eventmgr.platform.db import db

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


# --------------------------------------------------------------------------- labels from code
# and data: a key shown as it is ("confirmed", "-created", "incubator or cluster") passes the
# catalogue tests above, so every value the code knows must have a label, every label a
# translation, and the pages in Bokmål show neither a raw key nor an English label.


def _labelled_values():
    """(where, the values the code knows, their labels) for every enumeration a page shows."""
    from eventmgr.badges.pdf import ROLES as BADGE_ROLES
    from eventmgr.badges.services import ROLE_LABELS as BADGE_ROLE_LABELS
    from eventmgr.networking.forms import KIND_LABELS, STAGE_LABELS
    from eventmgr.networking.models import KINDS, STAGES
    from eventmgr.platform.roles import ROLE_LABELS, Role
    from eventmgr.registration import labels
    from eventmgr.registration.queries import SORTS

    return [
        ("registration status", labels.VALUES["status"], labels.STATUS),
        ("participation", labels.VALUES["mode"], labels.MODE),
        ("role marker", labels.VALUES["role"], labels.ROLE),
        ("sort order", tuple(SORTS), labels.SORT),
        ("account role", tuple(Role), ROLE_LABELS),
        ("badge role", BADGE_ROLES, BADGE_ROLE_LABELS),
        ("networking kind", KINDS, KIND_LABELS),
        ("startup stage", STAGES, STAGE_LABELS),
    ]


def test_every_value_the_code_knows_has_a_translated_label(app):
    from flask_babel import force_locale

    translated = {m.id: m.string for m in _catalog() if m.id}
    with app.test_request_context():
        for where, values, named in _labelled_values():
            assert sorted(map(str, values)) == sorted(map(str, named)), where
            for value, label in named.items():
                with force_locale("en"):
                    msgid = str(label)
                assert translated.get(msgid), f"{where} {value!r}: {msgid!r} has no translation"


class _TextNodes(HTMLParser):
    """The text a reader sees, node by node (no script, style or attribute)."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style", "title")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style", "title")

    def handle_data(self, data):
        text = data.strip().strip("()·:,– ")
        if text and not self._skip:
            self.nodes.append(text)


def _english_only(app, event) -> set[str]:
    """Raw keys and English labels (those whose Bokmål differs) a Bokmål page must not show."""
    from flask_babel import force_locale

    translated = {m.id: m.string for m in _catalog() if m.id}
    found: set[str] = set()
    with app.test_request_context():
        for _where, _values, named in _labelled_values():
            for key, label in named.items():
                with force_locale("en"):
                    english = str(label)
                norwegian = translated.get(english) or ""
                found.add(str(key))
                if english != norwegian:
                    found.add(english)
    for category in event.categories:
        if category["label"]["en"] != category["label"]["nb"]:
            found |= {category["label"]["en"], category["key"]}
    return found - {"", *(translated.get(t) for t in found)}


def test_bokmaal_pages_show_no_raw_key_or_english_label(app, client, demo, login):
    from sqlalchemy import select

    from eventmgr.events.models import Event
    from eventmgr.networking.demo import seed_networking
    from eventmgr.registration import services
    from eventmgr.registration.models import Registration
    from tests.registration.conftest import person

    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == demo["slug"]))
        seed_networking(event)
        waiting = services.register(
            event, person(1, category="incubator or cluster"), actor="test", public=False
        )
        gone = services.register(
            event, person(2, role="speaker", mode="digital"), actor="organiser", public=False
        )
        services.cancel(gone.registration, "organiser test")
        token, registration_id = waiting.token, waiting.registration.id
        db.session.get(Registration, registration_id).status = "waitlisted"
        db.session.commit()
        forbidden = _english_only(app, event)
        delegation_id = db.session.scalars(select(Delegation.id)).first()
    slug = demo["slug"]
    pages = {
        "organiser": [
            f"/manage/events/{slug}/registrations",
            f"/manage/events/{slug}/registrations?status=waitlisted",
            f"/manage/events/{slug}/registrations/{registration_id}",
            f"/manage/events/{slug}/registrations/new",
            f"/manage/events/{slug}/badges",
        ],
        "admin": ["/admin/users"],
        "delegation_lead": [f"/events/{slug}/delegations/{delegation_id}"],
        "attendee": [f"/events/{slug}/networking/profile"],
        None: [f"/r/{token}", f"/events/{slug}/register"],
    }
    shown = []
    for role, paths in pages.items():
        browser = login(role) if role else app.test_client()
        browser.post("/language", data={"lang": "nb", "next": "/"})
        for path in paths:
            response = browser.get(path)
            assert response.status_code == 200, path
            parser = _TextNodes()
            parser.feed(response.get_data(as_text=True))
            shown += [f"{path}: {text!r}" for text in parser.nodes if text in forbidden]
        if role:
            browser.post("/logout")
    assert shown == []
