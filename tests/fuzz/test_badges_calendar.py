"""Badge format names and `--since` dates (page, own badge and command line), and the
programme feed's query filters: any text is answered, never a 500 or a traceback."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select

from eventmgr.jobs.models import Job
from eventmgr.platform.db import db
from eventmgr.registration import links
from eventmgr.registration import services as registration
from eventmgr.registration.models import Registration
from tests.fuzz.conftest import FUZZ, count, hostile_text
from tests.registration.conftest import person

SINCE = st.one_of(
    st.sampled_from(
        [
            "2023-01-20",
            "2023-01-20T14:30",
            "0001-01-01",
            "0001-01-01T00:00",
            "9999-12-31T23:59:59-14:00",
            "9999-12-31",
            "2023-02-30",
            "20230120",
            "yesterday",
        ]
    ),
    st.datetimes().map(lambda d: d.isoformat()),
    hostile_text,
)
FORMATS = st.one_of(st.sampled_from(["a6", "A6", "a7", "a4-4xa6", "letter", ""]), hostile_text)


@pytest.fixture
def organiser(login):
    return login("organiser")


@FUZZ
@given(since=SINCE, fmt=FORMATS)
@example(since="0001-01-01", fmt="a6")  # was a 500 (OverflowError in the event's zone)
@example(since="9999-12-31T23:59:59-14:00", fmt="a6")
def test_the_badge_page_takes_any_since_and_format(app, demo, organiser, since, fmt):
    before = count(app, Job)
    response = organiser.post(
        f"/manage/events/{demo['slug']}/badges",
        data={"format": fmt, "role": "", "which": "since", "since": since},
    )
    assert response.status_code in (302, 422), (since, fmt, response.status_code)
    if response.status_code == 422:
        assert count(app, Job) == before


@FUZZ
@given(since=SINCE.filter(lambda s: "\x00" not in s and not s.startswith("-")), fmt=FORMATS)
@example(since="0001-01-01", fmt="a6")
def test_the_export_command_refuses_cleanly(app, demo, tmp_path_factory, since, fmt):
    out = tmp_path_factory.mktemp("badges") / "badges.pdf"
    args = ["badges", "export", demo["slug"], "--since", since, "--format", fmt, "-o", str(out)]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        since,
        fmt,
        repr(result.exception),
    )
    if result.exit_code != 0:
        assert "Error" in result.output


@FUZZ
@given(fmt=st.one_of(FORMATS, st.none()))
def test_the_own_badge_takes_any_format_name(app, client, demo, fmt):
    with app.app_context():
        if not count(app, Registration):
            from eventmgr.events.models import Event

            event = db.session.scalar(select(Event).where(Event.slug == demo["slug"]))
            outcome = registration.register(event, person(1), actor="fuzz", public=False)
            app.config["_FUZZ_BADGE"] = links.badge_url(outcome.token)
    url = app.config["_FUZZ_BADGE"].split("127.0.0.1", 1)[-1]
    response = client.get(url, query_string={} if fmt is None else {"format": fmt})
    assert response.status_code in (200, 400), (fmt, response.status_code)  # 400: unknown format


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(["theme", "kind", "delivery", "other"]), hostile_text, max_size=3
    )
)
@example(query={"theme": "a\r\nSet-Cookie: x=1"})
@example(query={"kind": "\x00"})
def test_the_programme_feed_takes_any_filter(client, demo, query):
    response = client.get(f"/events/{demo['slug']}/programme.ics", query_string=query)
    assert response.status_code == 200, (query, response.status_code)
    assert response.get_data(as_text=True).startswith("BEGIN:VCALENDAR")
    disposition = response.headers.get("Content-Disposition", "")
    assert "\n" not in disposition and "\r" not in disposition
