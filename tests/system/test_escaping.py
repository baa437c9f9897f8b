"""Markup and script sent through every text field is shown as text: on every page, in JSON,
emails, PDFs and calendar files; a newline in a name or message injects no header or property."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from tests.hostile import ATTRIBUTE, PAYLOAD, RAW_MARKERS, SCRIPT, hostile_world

ROLES = ("admin", "organiser", "door_staff", "delegation_lead", "attendee")
# Only the agenda feed takes the agenda's token; every other <token> is a manage token.
TOKEN_KIND = {
    "calendar.agenda_ics": "agenda_token",
    "accounts.reset": "reset",
    "digital.link_page": "moderator_token",
    "digital.link_projector": "moderator_token",
    "digital.link_queue": "moderator_token",
    "digital.link_board": "moderator_token",
    "digital.link_csrf": "moderator_token",
}
QUERY = {"checkin.search": "?q=Demo", "checkins_api.CheckinSearch": "?q=Demo"}


def _get_rules(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.endpoint.endswith("static"):
            yield rule


def _url(rule, world) -> str | None:
    values = {}
    for name in rule.arguments:
        if name == "slug":
            values[name] = world.slug
        elif name == "fmt":
            values[name] = "json"
        elif name == "token":
            kind = TOKEN_KIND.get(rule.endpoint, "token")
            if kind not in world.tokens:
                return None
            values[name] = world.tokens[kind]
        else:
            assert name in world.ids, f"tests/hostile.py: add a sample value for <{name}>"
            values[name] = world.ids[name]
    return rule.build(values, append_unknown=False)[1] + QUERY.get(rule.endpoint, "")


def _clients(app, demo):
    yield "anonymous", app.test_client()
    for role in ROLES:
        client = app.test_client()
        email, password = demo["logins"][role]
        assert client.post("/login", data={"email": email, "password": password}).status_code == 302
        yield role, client


def _assert_escaped(body: str, where: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in body, f"unescaped {marker!r} in {where}"


def test_every_page_shows_hostile_text_escaped(app, demo):
    world = hostile_world(app, demo)
    shown: set[str] = set()
    fetched = 0
    for who, client in _clients(app, demo):
        for rule in _get_rules(app):
            url = _url(rule, world)
            if url is None:
                continue
            response = client.get(url)
            fetched += 1
            if response.status_code != 200:
                continue
            kind = response.mimetype
            where = f"{who} GET {url} ({kind})"
            if kind == "text/html":
                body = response.get_data(as_text=True)
                _assert_escaped(body, where)
                if "&lt;script&gt;alert(1)&lt;/script&gt;" in body:
                    shown.add(rule.endpoint)
                    assert "{{7*7}}" in body, f"template syntax evaluated in {where}"
            elif kind == "application/json":
                data = json.dumps(response.get_json(), ensure_ascii=False)
                if SCRIPT in data:  # data is data: carried literally, escaped by whoever shows it
                    shown.add(rule.endpoint)
            elif kind in ("text/csv", "text/calendar", "application/pdf"):
                shown.add(rule.endpoint)
    assert fetched > 100
    must_show = {
        "pages.event_home",
        "programme.programme",
        "programme.item",
        "programme.speakers",
        "registration.manage",
        "registration_admin.index",
        "registration_admin.edit",
        "checkin.search",
        "networking.people",
        "networking.person",
        "networking.my_agenda",
        "networking.delegation",
        "checkin.live",
        "pages.dashboard",
        "mail.message",
        "messages.show",
        "admin.audit",
        "digital.verify",
        "digital.feedback_page",
        "digital.link_queue",
        "digital.settings",
    }
    missing = {e for e in must_show if e in app.view_functions} - shown
    assert not missing, f"the payload was expected (escaped) on {sorted(missing)}"


def test_registration_form_and_api_keep_hostile_text_as_text(app, demo, client, api):
    slug = demo["slug"]
    form = {
        "name": f"Form {PAYLOAD}",
        "email": "form@example.org",
        "organisation": f"Org {PAYLOAD}",
        "job_title": f"Job {PAYLOAD}",
        "category": "researcher",
        "mode": "on_site",
        "dietary_needs": f"Diet {PAYLOAD}",
        "language": "en",
        "consent": "y",
    }
    response = client.post(f"/events/{slug}/register", data=form, follow_redirects=True)
    assert response.status_code == 200, response.data[:400]
    _assert_escaped(response.get_data(as_text=True), "registration answer")
    body = dict(form, email="api@example.org", consent=True)
    answer = api("POST", f"/api/v1/events/{slug}/registrations", json=body)
    assert answer.status_code == 201, answer.text
    listing = api("GET", f"/api/v1/events/{slug}/registrations?q=api", role="organiser").json()
    assert listing["items"][0]["name"] == f"Form {PAYLOAD}"
    assert listing["items"][0]["dietary_needs"] == f"Diet {PAYLOAD}"


def test_mails_carry_text_literally_and_no_injected_headers(app, demo, client, smtp):
    from eventmgr.events.models import Event
    from eventmgr.platform.db import db

    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == demo["slug"]))
        event.name = f"Crosslinks {SCRIPT}\r\nBcc: evil@example.org"
        db.session.commit()
    response = client.post(
        f"/events/{demo['slug']}/register",
        data={
            "name": f"Eve {PAYLOAD}\r\nBcc: evil@example.org",
            "email": "eve@example.org",
            "category": "researcher",
            "mode": "on_site",
            "language": "en",
            "consent": "y",
        },
    )
    assert response.status_code in (200, 302), response.data[:400]
    assert smtp, "the confirmation was not sent"
    for message in smtp:
        assert "Bcc" not in message, "a newline in a field created a header"
        for name, value in message.items():
            assert "\n" not in value.replace("\r\n ", "").replace("\n ", ""), (name, value)
        for part in message.walk():
            if part.get_content_type() == "text/html":
                _assert_escaped(part.get_content(), "an HTML mail")


def _pdf_text(data: bytes) -> str:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(io.BytesIO(data))
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)


def _login(app, demo, role):
    client = app.test_client()
    email, password = demo["logins"][role]
    client.post("/login", data={"email": email, "password": password})
    return client


def test_pdfs_show_hostile_text_literally(app, demo):
    world = hostile_world(app, demo)
    slug = world.slug
    anonymous = app.test_client()
    badge = anonymous.get(f"/r/{world.tokens['token']}/badge.pdf")
    assert badge.status_code == 200
    assert "<script>" in _pdf_text(badge.data).replace("\r", "")
    attendee = _login(app, demo, "attendee")
    agenda = attendee.get(f"/events/{slug}/networking/agenda.pdf")
    assert agenda.status_code == 200, agenda.data[:300]
    assert "<script>" in _pdf_text(agenda.data)
    organiser = _login(app, demo, "organiser")
    signs = organiser.get(f"/manage/events/{slug}/networking/table-signs.pdf")
    assert signs.status_code == 200
    _pdf_text(signs.data)  # renders and parses


def _calendar(data: bytes):
    import vobject

    return vobject.readOne(data.decode("utf-8"))


TEXT_PROPERTIES = {"summary", "description", "location", "x-wr-calname"}


def _assert_not_injected(component, where: str) -> None:
    """The injected address may only be inside a text value, never a property of its own."""
    for name, lines in component.contents.items():
        if name in TEXT_PROPERTIES:
            continue
        for line in lines:
            if hasattr(line, "components"):  # a nested component (VALARM, ...)
                _assert_not_injected(line, where)
                continue
            assert "evil@example.org" not in str(line.value), f"{name} injected in {where}"


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_calendar_files_carry_text_literally(app, demo, newline):
    from eventmgr.events.models import Event
    from eventmgr.platform.db import db
    from eventmgr.programme import services as programme
    from eventmgr.programme.models import ProgrammeItem
    from eventmgr.registration.models import Registration

    world = hostile_world(app, demo)
    injected = f"x{newline}ATTENDEE:mailto:evil@example.org"
    with app.app_context():
        event = db.session.get(Event, world.ids["event_id"])
        event.name = f"{PAYLOAD}{injected}"
        event.description = f"{PAYLOAD}{injected}"
        for item in db.session.scalars(
            select(ProgrammeItem).where(ProgrammeItem.event_id == event.id)
        ):
            item.title = f"{PAYLOAD}{injected}"
            item.abstract = f"{PAYLOAD}{injected}"
        for reg in db.session.scalars(
            select(Registration).where(Registration.event_id == event.id)
        ):
            reg.name = f"{reg.name[:155]}{injected}"  # an ATTENDEE's CN in meeting calendars
        programme.publish(event, confirm=True)
        db.session.commit()
    client = app.test_client()
    feeds = [
        f"/events/{world.slug}/programme.ics",
        f"/events/{world.slug}/items/{world.ids['item_id']}.ics",
        f"/r/{world.tokens['token']}/event.ics",
        f"/agenda/{world.tokens['agenda_token']}.ics",
    ]
    summaries = 0
    for url in feeds:
        response = client.get(url)
        assert response.status_code == 200, url
        calendar = _calendar(response.data)
        for component in calendar.components():
            _assert_not_injected(component, url)
            if component.name != "VEVENT":
                continue
            summary = component.summary.value
            assert SCRIPT in summary and ATTRIBUTE in summary
            summaries += 1
    attendee = _login(app, demo, "attendee")
    response = attendee.get(f"/events/{world.slug}/networking/agenda.ics")
    assert response.status_code == 200
    for component in _calendar(response.data).components():
        _assert_not_injected(component, "the networking agenda")
    assert summaries >= 4


def test_no_script_runs_in_a_browser(app, demo, page):
    world = hostile_world(app, demo)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in (
        f"/events/{world.slug}",
        f"/events/{world.slug}/programme",
        f"/events/{world.slug}/items/{world.ids['item_id']}",
        f"/events/{world.slug}/speakers",
        f"/r/{world.tokens['token']}",
    ):
        page.goto(path)
        page.wait_for_load_state("load")
        assert SCRIPT in page.inner_text("main"), path  # shown as text
    assert dialogs == []


def test_csv_downloads_keep_formulas_as_text(app, demo):
    import csv

    from eventmgr.platform.db import db
    from eventmgr.registration.models import Registration

    world = hostile_world(app, demo)
    formula = '=HYPERLINK("http://evil.example.org","x")'
    with app.app_context():
        reg = db.session.get(Registration, world.ids["registration_id"])
        reg.name, reg.organisation = formula, f"+{formula}"
        db.session.commit()
    organiser = _login(app, demo, "organiser")
    for path in ("registrations/export.csv", "checkin/not-arrived.csv"):
        response = organiser.get(f"/manage/events/{world.slug}/{path}")
        assert response.status_code == 200, path
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        cells = [cell for row in rows for cell in row]
        assert f"'{formula}" in cells, path
        assert not [c for c in cells if c[:1] in ("=", "+", "@")], path
