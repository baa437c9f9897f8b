"""The organiser's registration pages in real Chromium, CSV in and out, privacy."""

from __future__ import annotations

import csv
import io
import json

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import select

from eventmgr.events.models import Event
from eventmgr.platform.db import db
from eventmgr.registration import csvio, services
from eventmgr.registration.models import Registration
from tests.registration.conftest import PERSON, bearer, person
from tests.support import log_in


def _register(live_server, demo, body, headers: dict | None = None) -> dict:
    url = f"{live_server}/api/v1/events/{demo['slug']}/registrations"
    response = requests.post(url, json=body, headers=headers or {}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.browser
def test_organiser_filters_promotes_and_sees_history(page, demo, live_server, set_capacity, smtp):
    set_capacity(1)
    for i in range(3):
        _register(live_server, demo, person(i, category="researcher" if i else "industry"))
    log_in(page, *demo["logins"]["organiser"])
    page.goto("/manage/events")
    page.locator(f"[data-registrations={demo['slug']}]").click()
    counts = page.locator("#registration-counts tr[data-mode=on_site]")
    assert counts.locator("[data-status=confirmed]").inner_text() == "1"
    assert counts.locator("[data-status=waitlisted]").inner_text() == "2"
    page.get_by_label("Status").select_option("waitlisted")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#registrations tbody tr")).to_have_count(2)
    page.get_by_label("Search").fill("Person 2")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#registrations tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Person 2").click()
    # no free place yet: promotion is refused with a reason
    page.get_by_role("button", name="Promote").click()
    assert "No place is free" in page.locator("main").inner_text()
    # raise the capacity on the event page: the first in line (Person 1) is promoted
    page.goto(f"/manage/events/{demo['slug']}/edit")
    page.get_by_label("On-site places (empty: unlimited)").fill("2")
    page.get_by_role("button", name="Save").click()
    assert [m["To"] for m in smtp if "place is yours" in m["Subject"]] == ["person1@example.org"]
    page.goto(f"/manage/events/{demo['slug']}/registrations?q=person2")
    page.get_by_role("link", name="Person 2").click()
    page.get_by_label("Organisation").fill("Ny organisasjon")
    page.get_by_label("Role").select_option("speaker")
    page.get_by_role("button", name="Save").click()
    history = page.locator("#history").inner_text()
    assert "Details changed" in history and "Ny organisasjon" in history and "organiser" in history
    page.get_by_role("button", name="Cancel").click()
    assert "Cancelled" in page.locator("#registration-state").inner_text()


@pytest.mark.browser
def test_csv_import_lists_every_bad_row_and_imports_nothing_until_clean(
    page, demo, live_server, app, tmp_path
):
    _register(live_server, demo, PERSON)
    bad = tmp_path / "guests.csv"
    bad.write_text(
        "name,email,category,mode,role\n"
        "Åse Ødegård,ase@example.org,oncologist,on_site,speaker\n"
        ",nobody@example.org,researcher,on_site,\n"
        "Bad Mail,not-an-email,researcher,digital,\n"
        "Kari Again,kari@example.org,researcher,on_site,\n"
        "Twice,ase@example.org,student,hybrid,\n",
        encoding="utf-8",
    )
    log_in(page, *demo["logins"]["organiser"])
    page.goto(f"/manage/events/{demo['slug']}/registrations/import")
    page.get_by_label("CSV file (UTF-8)").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    problems = page.locator("#import-problems").inner_text()
    for line in ("Line 3", "Line 4", "Line 5", "Line 6"):
        assert line in problems
    assert "Line 2" not in problems and "hybrid" not in problems or "mode" in problems
    with app.app_context():
        assert len(db.session.scalars(select(Registration)).all()) == 1

    good = tmp_path / "good.csv"
    good.write_text(
        "\ufeffname,email,category,mode,role,organisation\n"
        "Åse Ødegård,ase@example.org,oncologist,on_site,speaker,Radiumhospitalet\n"
        "Jürgen Müller,jm@example.org,industry,digital,,\n",
        encoding="utf-8",
    )
    page.get_by_label("CSV file (UTF-8)").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    assert "2 rows are ready" in page.locator("#import-preview").inner_text()
    page.locator("#import-commit").click()
    # The import runs in the background; the page follows it with a progress bar.
    expect(page.locator(".job-state")).to_contain_text("2 registrations imported", timeout=15000)
    expect(page.locator("progress")).to_have_attribute("value", "100")
    page.get_by_role("link", name="Back").click()
    expect(page.locator("main")).to_contain_text("Jürgen Müller")
    with app.app_context():
        ase = db.session.scalar(
            select(Registration).where(Registration.email_key == "ase@example.org")
        )
        assert (ase.name, ase.role, ase.organisation) == (
            "Åse Ødegård",
            "speaker",
            "Radiumhospitalet",
        )
        assert ase.history[0].actor.endswith("(CSV import)")


def test_csv_export_keeps_nordic_letters_for_excel(login, live_server, demo, app):
    _register(live_server, demo, PERSON | {"name": "Øyvind Åsheim", "organisation": "=cmd()"})
    client = login("organiser")
    response = client.get(f"/manage/events/{demo['slug']}/registrations/export.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0]["name"] == "Øyvind Åsheim" and rows[0]["organisation"] == "'=cmd()"


def test_csv_export_then_import_gives_back_the_same_text(login, live_server, demo, app):
    """The formula quote of the export comes off on import; an apostrophe typed by a person
    ("'Twas") is theirs and stays."""
    _register(live_server, demo, PERSON | {"name": "'Twas Brillig", "organisation": "=cmd()"})
    client = login("organiser")
    exported = client.get(f"/manage/events/{demo['slug']}/registrations/export.csv").get_data()
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == demo["slug"]))
        services.erase(db.session.scalars(select(Registration)).one(), "organiser test")
        check = csvio.check_import(event, exported)
    assert check.clean, check.problems
    assert (check.rows[0]["name"], check.rows[0]["organisation"]) == ("'Twas Brillig", "=cmd()")


def test_attendee_downloads_and_erases_their_data(live_server, demo, app):
    body = _register(
        live_server, demo, PERSON | {"dietary_needs": "Vegetarian"}, bearer(app, demo["logins"])
    )
    data = requests.get(body["manage_url"] + "/data.json", timeout=10)
    assert data.headers["Content-Type"].startswith("application/json")
    assert json.loads(data.text)["email"] == "kari@example.org"
    assert json.loads(data.text)["history"][0]["action"] == "registered"
    session = requests.Session()
    form = session.get(body["manage_url"] + "/erase", timeout=10).text
    token = form.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    refused = session.post(body["manage_url"] + "/erase", data={"csrf_token": token}, timeout=10)
    assert refused.status_code == 422
    done = session.post(
        body["manage_url"] + "/erase", data={"csrf_token": token, "confirm": "y"}, timeout=10
    )
    assert done.status_code == 200
    assert requests.get(body["manage_url"], timeout=10).status_code == 404
    with app.app_context():
        reg = db.session.scalars(select(Registration)).one()
        assert reg.status == "cancelled" and reg.category == "oncologist"
        assert "kari" not in reg.email and reg.name == "[erased]" and reg.dietary_needs == ""


def test_privacy_purge_anonymises_an_event(app, live_server, demo):
    for i in range(3):
        _register(live_server, demo, person(i))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["privacy", "purge", "--event", demo["slug"]])
    assert result.exit_code == 0, result.output
    assert "anonymised 3 registration(s)" in result.output
    with app.app_context():
        rows = db.session.scalars(select(Registration)).all()
        assert {r.status for r in rows} == {"confirmed"} and len(rows) == 3
        assert all(r.email.endswith("@invalid") and r.organisation == "" for r in rows)
    missing = runner.invoke(args=["privacy", "purge", "--event", "no-such-event"])
    assert missing.exit_code != 0 and "No event 'no-such-event'" in missing.output


def test_html_in_names_is_escaped_on_the_organiser_pages(login, live_server, demo):
    created = _register(live_server, demo, PERSON | {"name": "<img src=x onerror=alert(1)>"})
    client = login("organiser")
    listing = client.get(f"/manage/events/{demo['slug']}/registrations").get_data(as_text=True)
    detail = client.get(f"/manage/events/{demo['slug']}/registrations/{created['id']}").get_data(
        as_text=True
    )
    for html in (listing, detail):
        assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
