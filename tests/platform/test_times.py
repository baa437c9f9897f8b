"""Times as people read them, in one place (platform/i18n.py): "10:30" and the zone's short name
("CET"), never "10:30:00 AM +0100" or "Central European Standard Time"; the date in the
reader's language. Pages, mails and PDFs all go through these filters."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from eventmgr.mail.models import OutboxMessage
from eventmgr.platform.db import db
from eventmgr.platform.i18n import local_datetime, local_period, local_time, zone_name
from tests.registration.conftest import person

WINTER = datetime(2023, 1, 26, 9, 30, tzinfo=UTC)  # 10:30 in Oslo
EVENING = datetime(2023, 1, 26, 18, tzinfo=UTC)  # 19:00 in Oslo
SUMMER = datetime(2023, 6, 15, 8, 5, tzinfo=UTC)  # 10:05 in Oslo
# Seconds, AM/PM, offsets and spelled-out zone names: what these pages showed before.
LONG = re.compile(r"\d:\d\d:\d\d|\d\s?[AP]M\b|\s[+-]\d{4}\b|Standard Time|normaltid")


@pytest.mark.parametrize("language", ["en", "nb"])
def test_times_are_hours_and_minutes_with_the_short_zone_name(app, language):
    with app.test_request_context(), force_locale(language):
        assert local_time(WINTER, "Europe/Oslo") == "10:30"
        assert local_time(EVENING, "Europe/Oslo") == "19:00"
        assert local_time(SUMMER, "Europe/Oslo") == "10:05"
        assert zone_name(WINTER, "Europe/Oslo") == "CET"
        assert zone_name(SUMMER, "Europe/Oslo") == "CEST"
        assert zone_name(WINTER, "Asia/Dubai") == "+04"  # a zone without a letter name
        assert zone_name(WINTER, "UTC") == "UTC"
        for fmt in ("short", "medium", "long", "full"):
            shown = local_datetime(WINTER, "Europe/Oslo", fmt)
            assert "10:30" in shown and not LONG.search(shown), shown
        assert local_datetime(WINTER, "Europe/Oslo", "full").endswith(", 10:30 CET")
        assert local_datetime(SUMMER, "Europe/Oslo", "long").endswith(", 10:05 CEST")
        assert local_datetime(WINTER, "Europe/Oslo", "short").endswith(", 10:30")


def test_the_date_is_in_the_reader_s_language(app):
    with app.test_request_context():
        with force_locale("en"):
            assert (
                local_period(WINTER, EVENING, "Europe/Oslo")
                == "Thursday, January 26, 2023, 10:30–19:00 CET"
            )
            assert local_period(WINTER, EVENING, "Europe/Oslo", "long") == (
                "January 26, 2023, 10:30–19:00 CET"
            )
            assert local_period(WINTER, SUMMER, "Europe/Oslo", "long") == (
                "January 26, 2023, 10:30 CET – June 15, 2023, 10:05 CEST"
            )
        with force_locale("nb"):
            shown = local_period(WINTER, EVENING, "Europe/Oslo")
            assert shown.startswith("torsdag") and "januar 2023" in shown
            assert shown.endswith(", 10:30–19:00 CET")


def test_pages_and_mails_show_times_the_short_way(app, client, demo, api):
    url = f"/api/v1/events/{demo['slug']}/registrations"
    api("POST", url, json=person(1))
    api("POST", url, json=person(2, language="nb"))
    with app.app_context():
        bodies = {
            m.recipient: m.body
            for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        }
    english, norwegian = bodies["person1@example.org"], bodies["person2@example.org"]
    assert "When: Thursday, January 26, 2023, 10:30–19:00 CET\n" in english
    when = next(line for line in norwegian.splitlines() if line.startswith("Når"))
    assert when.endswith(", 10:30–19:00 CET") and "torsdag" in when
    for body in (english, norwegian):
        assert not LONG.search(body), body

    for path in ("", "/programme", "/register"):
        html = client.get(f"/events/{demo['slug']}{path}").get_data(as_text=True)
        text = re.sub(r"<[^>]+>", " ", html)  # what is read, not <time datetime="…">
        assert "10:30" in text and not LONG.search(text), (path, LONG.search(text))
