"""Import and export through the organiser's page, and the demo seed from the command line."""

from __future__ import annotations

import io
import json
from datetime import datetime

from eventmgr.demo.seed import DEMO_FILE
from tests.programme.conftest import OSLO, SLUG


def _upload(client, name: str, text: str, slug: str = SLUG):
    return client.post(
        f"/manage/events/{slug}/programme/import",
        data={"file": (io.BytesIO(text.encode()), name)},
        content_type="multipart/form-data",
    )


def _draft(app, slug: str = SLUG) -> list[tuple[str, str]]:
    from eventmgr.events.web import find_event
    from eventmgr.programme.services import items_of

    with app.test_request_context():
        return [(i.kind, i.title) for i in items_of(find_event(slug))]


def test_the_demo_file_imports_into_an_empty_event(app, login, demo):
    from eventmgr.events.web import find_event
    from eventmgr.platform.db import db
    from eventmgr.programme.services import clear_programme

    with app.test_request_context():
        clear_programme(find_event(demo["slug"]))
        db.session.commit()
    assert _draft(app, demo["slug"]) == []
    client = login("organiser")
    response = _upload(client, "demo.json", DEMO_FILE.read_text(encoding="utf-8"), demo["slug"])
    assert response.status_code == 302
    items = _draft(app, demo["slug"])
    assert len(items) == 14
    assert ("networking", items[-1][1]) == items[-1]
    assert (
        "talk",
        "The natural history of non-small cell lung cancer evolution in TRACERx",
    ) in items
    page = client.get(f"/manage/events/{demo['slug']}/programme").get_data(as_text=True)
    assert "Evolution and epigenetics" in page and "No clashes." in page


def test_every_bad_row_is_reported_and_nothing_is_imported(app, login, symposium):
    client = login("organiser")
    _upload(client, "demo.json", DEMO_FILE.read_text(encoding="utf-8"))
    before = _draft(app)
    bad = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    rows = bad["programme_illustrative"]
    rows[0]["end"] = "10:20"  # before its start
    rows[1]["kind"] = "party"
    rows[2]["talks"][1]["start"] = "half past"
    rows[3]["title"] = ""
    response = _upload(client, "bad.json", json.dumps(bad))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was imported" in page
    for where in (
        "programme item 1",
        "programme item 2",
        "programme item 3, talk 2",
        "programme item 4",
    ):
        assert f"<strong>{where}</strong>" in page, where
    assert "end after it starts" in page and "party" in page and "half past" in page
    assert _draft(app) == before


def test_csv_import_reports_lines_and_imports_a_good_file(app, login, symposium):
    client = login("organiser")
    bad = (
        "kind,date,start,end,title,room,session,speakers,moderators,delivery,theme,abstract\n"
        "session,2024-03-14,09:00,10:00,Immunology,Auditorium,,,Ada Moderator,on_site,immunology,\n"
        "talk,2024-03-14,09:00,09:30,T cells,,Immunology,Ben Speaker,,zoom,,\n"
        "talk,2024-03-14,09:30,09:20,B cells,,Nowhere,Cleo Speaker,,,,\n"
        "lecture,2024-03-14,11:00,12:00,Odd,,,,,,,\n"
    )
    response = _upload(client, "programme.csv", bad)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<strong>line 3</strong>" in page and "zoom" in page
    assert "<strong>line 4</strong>" in page and "<strong>line 5</strong>" in page
    assert _draft(app) == []
    good = bad.splitlines()[:2] + [
        "talk,2024-03-14,09:00,09:30,T cells,,Immunology,Ben Speaker,,digital,,",
        "talk,2024-03-14,09:30,10:00,B cells,,Immunology,Cleo Speaker,,,,",
        "break,2024-03-14,10:00,10:30,Coffee,,,,,,,",
    ]
    assert _upload(client, "programme.csv", "\n".join(good) + "\n").status_code == 302
    assert _draft(app) == [
        ("session", "Immunology"),
        ("talk", "T cells"),
        ("talk", "B cells"),
        ("break", "Coffee"),
    ]


def test_export_round_trips_through_import(app, login, symposium):
    client = login("organiser")
    _upload(client, "demo.json", DEMO_FILE.read_text(encoding="utf-8"))
    before = _draft(app)
    exported = client.get(f"/manage/events/{SLUG}/programme/export.json")
    assert exported.headers["Content-Disposition"].endswith('programme.json"')
    assert _upload(client, "again.json", exported.get_data(as_text=True)).status_code == 302
    assert _draft(app) == before
    csv_text = client.get(f"/manage/events/{SLUG}/programme/export.csv").get_data(as_text=True)
    assert csv_text.startswith("kind,date,start,end,title")
    assert _upload(client, "again.csv", csv_text).status_code == 302
    assert _draft(app) == before


TRICKY_TITLES = {
    '=HYPERLINK("http://evil.example")': "'=HYPERLINK",
    "-5 minutes of fame": "'-5 minutes",
    "+1 for immunology": "'+1 for",
    "@home sequencing": "'@home",
    "'Twas the night before the deadline": "'Twas the night",
    "'=already quoted by hand": "''=already",
    "''two quotes": "'''two quotes",
}


def test_formula_like_cells_are_quoted_in_the_csv_and_read_back_as_they_were(app, login, symposium):
    """Excel must not run a cell as a formula, and import after export gives the same titles;
    a title that really starts with a quote keeps it."""
    import csv

    from eventmgr.events.web import find_event
    from eventmgr.platform.db import db
    from eventmgr.programme import services

    with app.test_request_context():
        event = find_event(SLUG)
        for n, title in enumerate(TRICKY_TITLES):
            services.create_item(
                event,
                {
                    "kind": "break",
                    "title": title,
                    "abstract": "=1+1 is not a formula here" if n == 0 else None,
                    "starts_at": datetime(2024, 3, 14, 9 + n, tzinfo=OSLO),
                    "ends_at": datetime(2024, 3, 14, 9 + n, 30, tzinfo=OSLO),
                },
            )
        db.session.commit()
    before = _draft(app)
    assert [title for _kind, title in before] == list(TRICKY_TITLES)
    client = login("organiser")
    csv_text = client.get(f"/manage/events/{SLUG}/programme/export.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    for row, exported_start in zip(rows, TRICKY_TITLES.values(), strict=True):
        assert row["title"].startswith(exported_start), row["title"]
    assert rows[0]["abstract"] == "'=1+1 is not a formula here"
    assert _upload(client, "again.csv", csv_text).status_code == 302
    assert _draft(app) == before
    with app.test_request_context():
        first = services.items_of(find_event(SLUG))[0]
        assert first.abstract == "=1+1 is not a formula here"


def test_a_file_of_another_type_is_refused(login, symposium):
    response = _upload(login("organiser"), "programme.xlsx", "x")
    assert response.status_code == 422 and "Choose a .json or .csv file" in response.get_data(
        as_text=True
    )


def test_seed_demo_loads_and_publishes_the_programme_once(app, demo):
    from eventmgr.demo.seed import seed_demo_command

    runner = app.test_cli_runner()
    assert runner.invoke(seed_demo_command).exit_code == 0
    assert runner.invoke(seed_demo_command).exit_code == 0
    with app.app_context():
        from eventmgr.events.web import find_event
        from eventmgr.programme.services import items_of, people_of, rooms_of, versions_of

        with app.test_request_context():
            event = find_event(demo["slug"])
            assert len(items_of(event)) == 14
            assert len(versions_of(event)) == 1
            assert len(people_of(event)) == 11  # 7 speakers, 4 moderators
            assert [r.name for r in rooms_of(event)] == [
                "Kaare Norum Auditorium",
                "Foyer outside the auditorium",
            ]
