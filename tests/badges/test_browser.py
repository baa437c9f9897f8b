"""The organiser prints badges in real Chromium: choose, watch the job, download, print again."""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from eventmgr.jobs.models import Job
from eventmgr.platform.db import db, utcnow
from tests.badges.conftest import ON_SITE, backdate, page_sizes, register, scanned_codes
from tests.support import log_in


def _download(page) -> bytes:
    expect(page.locator(".job-state")).to_contain_text("Done.", timeout=20_000)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    return Path(info.value.path()).read_bytes()


@pytest.mark.browser
def test_organiser_exports_a_sheet_then_only_the_new_ones(page, app, demo, people, tmp_path):
    log_in(page, *demo["logins"]["organiser"])
    page.goto(f"/manage/events/{people.slug}/registrations")
    page.locator("#badges-link").click()
    expect(page.locator("#badge-counts")).to_contain_text("10 confirmed on-site")
    page.get_by_label("A4 sheets of 8 A7 badges, with cut marks").check()
    page.get_by_role("button", name="Make the badge PDF").click()
    pdf = _download(page)
    assert len(page_sizes(pdf)) == math.ceil(len(ON_SITE) / 8)
    codes = scanned_codes(pdf)
    assert sorted(c for p in codes for c in p) == sorted(people.codes.values())

    # Later that day three more register; one of them is digital and gets no badge.
    backdate(app, [name for name, _ in ON_SITE], utcnow() - timedelta(hours=2))
    with app.app_context():
        job = db.session.scalar(select(Job))
        job.created_at = utcnow() - timedelta(hours=1)
        db.session.commit()
        from eventmgr.events.models import Event

        db.session.scalar(select(Event)).onsite_capacity = None
        db.session.commit()
    new = {}
    for name in ("Ingrid Øvrebø", "Zeynep Çelik"):
        _token, new[name] = register(app, people.slug, name)
    register(app, people.slug, "Dag Digital", mode="digital")

    page.get_by_role("link", name="Back").click()
    expect(page.locator("#badge-runs tbody tr")).to_have_count(1)
    page.get_by_label("A6, one badge per page").check()
    page.get_by_label("New or changed since the last print run").check()
    page.get_by_role("button", name="Make the badge PDF").click()
    pdf = _download(page)
    assert len(page_sizes(pdf)) == 2
    (tmp_path / "second").mkdir()
    codes = [c for p in scanned_codes(pdf) for c in p]
    assert sorted(codes) == sorted(new.values())


@pytest.mark.browser
def test_attendee_picks_a_badge_size(page, people):
    token = people.tokens["Åse Ødegård Sæther"]
    page.goto(f"/r/{token}")
    page.get_by_label("Badge size").select_option("card")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download my badge in this size").click()
    assert info.value.suggested_filename == "badge-card.pdf"
    pdf = Path(info.value.path()).read_bytes()
    assert page_sizes(pdf) == [pytest.approx((85 * 72 / 25.4, 54 * 72 / 25.4), abs=0.01)]
