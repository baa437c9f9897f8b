"""Badges as organisers, attendees and scripts get them: the export page and its job, the
command line, the attendee's own badge. PDFs are read back: pages, names, QR codes."""

from __future__ import annotations

import math
import re
from datetime import timedelta

import pytest
from reportlab.lib.units import mm
from sqlalchemy import select

from eventmgr.badges.pdf import FORMATS
from eventmgr.jobs.models import DONE, Job
from eventmgr.platform.db import db, utcnow
from eventmgr.registration import services as registration_services
from eventmgr.registration.models import Registration
from tests.badges.conftest import (
    ON_SITE,
    backdate,
    page_sizes,
    page_texts,
    register,
    scanned_codes,
    wait_for_job,
)


def _squash(text: str) -> str:
    return "".join(text.replace("\ufffe", "-").replace("\x02", "-").split())


def _names_in_text(text: str) -> list[str]:
    return [name for name, _role in ON_SITE if _squash(name) in _squash(text)]


def _names_in(pdf: bytes) -> list[str]:
    """The on-site names printed anywhere in the PDF."""
    return _names_in_text("".join(page_texts(pdf)))


def _export(client, slug: str, **form) -> Job:
    data = {"format": "a6", "role": "", "which": "all", "since": ""} | form
    response = client.post(f"/manage/events/{slug}/badges", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    job_id = int(re.search(r"/jobs/(\d+)$", response.headers["Location"]).group(1))
    return job_id


def _download(app, client, job_id: int) -> bytes:
    job = wait_for_job(app, job_id)
    assert job.status == DONE, job.message
    response = client.get(f"/jobs/{job_id}/result")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return response.data


# --------------------------------------------------------------------------- organiser page


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_of_everyone_has_the_right_pages_per_format(app, login, people, fmt):
    client = login("organiser")
    page = client.get(f"/manage/events/{people.slug}/badges")
    assert page.status_code == 200
    assert "10 confirmed on-site registrations have a badge" in page.get_data(as_text=True)
    pdf = _download(app, client, _export(client, people.slug, format=fmt))
    spec = FORMATS[fmt]
    assert len(page_sizes(pdf)) == math.ceil(len(ON_SITE) / spec.per_page)
    assert page_sizes(pdf)[0] == pytest.approx(spec.page_size, abs=0.01)
    # every confirmed on-site person once, nobody digital, waiting or cancelled
    pages = scanned_codes(pdf)
    assert [len(codes) for codes in pages][:-1] == [spec.per_page] * (len(pages) - 1)
    assert sorted(code for codes in pages for code in codes) == sorted(people.codes.values())
    text = "".join(page_texts(pdf))
    for name in people.no_badge:
        assert name not in text
    if not spec.rotated:  # text of turned badges comes out of PDFium interleaved
        assert sorted(_names_in(pdf)) == sorted(name for name, _ in ON_SITE)


def test_the_job_reports_progress_and_names_its_file(app, login, people):
    client = login("organiser")
    job_id = _export(client, people.slug, format="a4-4xa6")
    job = wait_for_job(app, job_id)
    assert (job.status, job.done, job.total, job.message) == (DONE, 10, 10, "10 badges.")
    status = client.get(f"/jobs/{job_id}.json").get_json()
    assert status["percent"] == 100
    download = client.get(f"/jobs/{job_id}/result")
    assert f"{people.slug}-badges-a4-4xa6.pdf" in download.headers["Content-Disposition"]
    page = client.get(f"/manage/events/{people.slug}/badges").get_data(as_text=True)
    assert "Last print run" in page and f'data-job="{job_id}"' in page


def test_filter_by_role(app, login, people):
    client = login("organiser")
    pdf = _download(app, client, _export(client, people.slug, role="speaker"))
    printed = [_names_in_text(text) for text in page_texts(pdf)]
    assert printed == [["Børge Haraldsen-Christophersen"], ["Şükrü Ağaoğlu"]]  # by name
    assert len(page_sizes(pdf)) == 2
    assert all("Speaker" in text for text in page_texts(pdf))


def test_filter_registered_since_a_date_in_the_events_zone(app, login, people):
    week_ago = utcnow() - timedelta(days=7)
    backdate(app, [name for name, _ in ON_SITE[:6]], week_ago)
    client = login("organiser")
    since = (utcnow() - timedelta(days=1)).astimezone(people_zone()).strftime("%Y-%m-%dT%H:%M")
    pdf = _download(app, client, _export(client, people.slug, which="since", since=since))
    assert sorted(_names_in(pdf)) == sorted(name for name, _ in ON_SITE[6:])


def people_zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Oslo")


def test_since_the_last_print_run_gives_the_new_and_changed_ones(app, login, people):
    client = login("organiser")
    first = _download(app, client, _export(client, people.slug))
    assert len(page_sizes(first)) == 10
    # Everything so far was printed; then two register, one is corrected, one is promoted.
    backdate(app, [name for name, _ in ON_SITE], utcnow() - timedelta(hours=1))
    with app.app_context():
        job = db.session.scalar(select(Job).order_by(Job.id.desc()))
        job.created_at = utcnow() - timedelta(minutes=30)
        db.session.commit()
    register(app, people.slug, "Nina Nysted")  # full: waiting list, no badge
    with app.test_request_context():
        kari = db.session.scalar(select(Registration).where(Registration.name == "Kari Nordmann"))
        registration_services.update_details(kari, {"name": "Kari Nordmann-Lie"}, "test")
        carl = db.session.scalar(select(Registration).where(Registration.name == "Ola Nordmann"))
        registration_services.cancel(carl, "test")  # Wenche, waiting, gets the place
    pdf = _download(app, client, _export(client, people.slug, which="last_run"))
    text = _squash("".join(page_texts(pdf)))
    assert len(page_sizes(pdf)) == 2
    assert _squash("Kari Nordmann-Lie") in text and _squash("Waiting Wenche") in text
    assert "Nina" not in text and "OlaNordmann" not in text


def test_nobody_matching_or_a_bad_choice_is_refused_and_starts_no_job(app, login, people):
    client = login("organiser")
    slug = people.slug
    cases = [
        ({"role": "press", "which": "since", "since": "2999-01-01"}, "Nobody matches"),
        ({"which": "since", "since": "next tuesday"}, "is not a date or time"),
        ({"which": "since", "since": ""}, "Give the date to print from"),
        ({"which": "last_run"}, "no print run yet"),
        ({"format": "a3"}, "Not a valid choice"),
        ({"role": "chair"}, "Not a valid choice"),
    ]
    for form, message in cases:
        data = {"format": "a6", "role": "", "which": "all", "since": ""} | form
        response = client.post(f"/manage/events/{slug}/badges", data=data)
        assert response.status_code == 422, form
        assert message in response.get_data(as_text=True), form
    with app.app_context():
        assert db.session.scalars(select(Job)).all() == []


def test_the_registrations_list_links_to_the_badge_page(login, people):
    client = login("organiser")
    page = client.get(f"/manage/events/{people.slug}/registrations").get_data(as_text=True)
    assert f'href="/manage/events/{people.slug}/badges"' in page


def test_the_page_is_in_norwegian(login, people):
    client = login("organiser")
    client.post("/language", data={"lang": "nb"})
    page = client.get(f"/manage/events/{people.slug}/badges").get_data(as_text=True)
    assert "Navneskilt" in page and "Alle roller" in page


# --------------------------------------------------------------------------- QR codes


def test_every_qr_code_on_an_exported_sheet_scans_as_its_badge_code(app, login, people):
    client = login("organiser")
    pdf = _download(app, client, _export(client, people.slug, format="a4-8xa7"))
    pages = scanned_codes(pdf)
    assert len(pages) == 2 and [len(p) for p in pages] == [8, 2]
    assert sorted(code for page in pages for code in page) == sorted(people.codes.values())


def test_badge_codes_are_unguessable_short_and_alphanumeric(people):
    codes = list(people.codes.values())
    assert len(set(codes)) == len(codes)
    for code in codes:
        # base32 of 128 random bits: QR alphanumeric mode, no name or id in it
        assert re.fullmatch(r"[A-Z2-7]{26}", code), code
    assert all(len(set(code)) > 10 for code in codes)


# --------------------------------------------------------------------------- attendee


def test_attendee_downloads_their_badge_in_a_chosen_format(client, people):
    name = "Şükrü Ağaoğlu"
    token = people.tokens[name]
    manage = client.get(f"/r/{token}").get_data(as_text=True)
    assert 'id="badge-format"' in manage and 'value="a7"' in manage
    default = client.get(f"/r/{token}/badge.pdf")
    assert default.status_code == 200 and default.mimetype == "application/pdf"
    assert page_sizes(default.data) == [pytest.approx((105 * mm, 148 * mm), abs=0.01)]
    small = client.get(f"/r/{token}/badge.pdf?format=a7")
    assert small.status_code == 200
    assert page_sizes(small.data) == [pytest.approx((74 * mm, 105 * mm), abs=0.01)]
    assert "badge-a7.pdf" in small.headers["Content-Disposition"]
    text = _squash(page_texts(small.data)[0])
    assert _squash(name) in text and "Speaker" in text and "CancerCrosslinks2023" in text
    assert scanned_codes(small.data, dpi=200) == [[people.codes[name]]]


def test_attendee_with_a_bad_format_gets_a_clear_400(client, people):
    token = people.tokens["Pål Falck"]
    response = client.get(f"/r/{token}/badge.pdf?format=poster")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Unknown badge format" in body and "poster" in body and "format=a6" in body


def test_no_badge_without_a_confirmed_on_site_place(app, client, people):
    with app.test_request_context():
        for name in people.no_badge:
            registration = db.session.scalar(select(Registration).where(Registration.name == name))
            token = registration_services._rotate(registration)
            db.session.commit()
            assert client.get(f"/r/{token}/badge.pdf").status_code == 404, name
            assert client.get(f"/r/{token}/badge.pdf?format=a7").status_code == 404, name


# --------------------------------------------------------------------------- command line


def test_cli_exports_the_same_badges(app, people, tmp_path):
    target = tmp_path / "badges.pdf"
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["badges", "export", people.slug, "--format", "a4-8xa7", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "10 badge(s) written" in result.output
    pdf = target.read_bytes()
    assert len(page_sizes(pdf)) == 2
    codes = scanned_codes(pdf)
    assert sorted(code for page in codes for code in page) == sorted(people.codes.values())


def test_cli_filters(app, people, tmp_path):
    runner = app.test_cli_runner()
    target = tmp_path / "speakers.pdf"
    result = runner.invoke(
        args=["badges", "export", people.slug, "--role", "speaker", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert len(page_sizes(target.read_bytes())) == 2
    backdate(app, [name for name, _ in ON_SITE[:7]], utcnow() - timedelta(days=10))
    since = (utcnow() - timedelta(days=2)).date().isoformat()
    target = tmp_path / "recent.pdf"
    result = runner.invoke(
        args=[
            "badges",
            "export",
            people.slug,
            "--since",
            since,
            "--format",
            "card",
            "-o",
            str(target),
        ]
    )
    assert result.exit_code == 0, result.output
    assert sorted(_names_in(target.read_bytes())) == sorted(name for name, _ in ON_SITE[7:])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-event"], "No event 'no-such-event'"),
        (["{slug}", "--format", "a3"], "Invalid value for '--format'"),
        (["{slug}", "--role", "chair"], "Invalid value for '--role'"),
        (["{slug}", "--since", "yesterday"], "is not a date or time"),
        (["{slug}", "--since", "2999-01-01"], "No confirmed on-site registrations match"),
        (["{slug}", "--since-last-run"], "no print run yet"),
    ],
)
def test_cli_refuses_clearly_and_writes_nothing(app, people, tmp_path, args, message):
    target = tmp_path / "out.pdf"
    args = [a.replace("{slug}", people.slug) for a in args]
    result = app.test_cli_runner().invoke(args=["badges", "export", *args, "-o", str(target)])
    assert result.exit_code != 0
    assert message in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_norwegian_reader_gets_a_norwegian_ribbon_and_date(client, people):
    client.post("/language", data={"lang": "nb"})
    response = client.get(f"/r/{people.tokens['Şükrü Ağaoğlu']}/badge.pdf")
    text = _squash(page_texts(response.data)[0])
    assert "Foredragsholder" in text and "Speaker" not in text
    assert "26.januar2023" in text
