"""CSV imports: the organiser's registration import and a delegation lead's member import.

Any bytes (wrong headers, extra columns, a BOM or none, latin-1 or UTF-16, NUL, very long
fields, stray quotes) give a clean preview or a list of problems naming the line and the
reason; never an exception; and a refused file imports nothing, even with commit=1.
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select

from eventmgr.events.models import Event
from eventmgr.jobs.models import Job
from eventmgr.networking.delegations import check_members_csv
from eventmgr.networking.models import DelegationMember
from eventmgr.platform.db import db
from eventmgr.registration.csvio import check_import
from eventmgr.registration.models import Registration
from tests.fuzz.conftest import FUZZ, count, hostile_text

REGISTRATION_HEADERS = ["name", "email", "organisation", "job_title", "category", "mode", "role"]
MEMBER_HEADERS = ["name", "email", "company", "role"]
GOOD_VALUES = {
    "name": st.sampled_from(["Åse Ødegård", "Kari Nordmann", " Per  Hansen "]),
    "email": st.sampled_from(["ase@example.org", "kari@example.org", "KARI@example.org", "x@y"]),
    "category": st.sampled_from(["oncologist", "researcher", "student", "party"]),
    "mode": st.sampled_from(["on_site", "digital", "hybrid", ""]),
    "role": st.sampled_from(["", "speaker", "attendee", "king"]),
}


def _field(column: str) -> st.SearchStrategy[str]:
    good = GOOD_VALUES.get(column)
    return st.one_of(good, hostile_text) if good is not None else hostile_text


@st.composite
def csv_files(draw, headers: list[str]) -> bytes:
    """CSV-shaped bytes: near-right headers, rows of right and hostile cells, any encoding."""
    columns = draw(
        st.one_of(
            st.just(headers),
            st.permutations(headers),
            st.lists(st.sampled_from([*headers, "extra", "", " name ", "Email"]), max_size=9),
        )
    )
    rows = draw(
        st.lists(
            st.lists(st.one_of(*(_field(c) for c in columns or ["x"])), max_size=len(columns) + 2),
            max_size=5,
        )
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])))
    writer.writerow(columns)
    writer.writerows(rows)
    text = draw(st.sampled_from(["", "\ufeff"])) + buffer.getvalue()
    if draw(st.booleans()):
        text += draw(st.sampled_from(['"unclosed,quote\n', "a,b\x00c\n", "\r\n\r\n", ",,,,\n"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "latin-1", "utf-16"]))
    return text.encode(encoding, errors="replace")


any_bytes = st.one_of(st.binary(max_size=400), csv_files(REGISTRATION_HEADERS))


def _assert_checked(result) -> None:
    """A clean preview (rows of plain text), or problems naming a line and a reason."""
    assert result.rows or result.problems
    for line, reason in result.problems:
        assert isinstance(line, int) and line >= 1
        assert isinstance(reason, str) and reason.strip()
    for row in result.rows:
        for value in row.values():
            assert not isinstance(value, str) or "\x00" not in value


@pytest.fixture
def event(app, bare_event):
    with app.app_context():
        return db.session.get(Event, bare_event)


LONG_FIELD = "name,email,category,mode\n" + "x" * 200_000 + ",a@example.org,student,digital\n"


@FUZZ
@given(raw=st.one_of(any_bytes, csv_files(REGISTRATION_HEADERS)))
@example(raw=LONG_FIELD.encode())
@example(raw=b"name,email,category,mode\nA\x00B,nul@example.org,student,digital\n")
def test_registration_csv_is_checked_never_raises(app, event, raw):
    with app.test_request_context():
        _assert_checked(check_import(db.session.merge(event), raw))


@FUZZ
@given(raw=st.one_of(st.binary(max_size=400), csv_files(MEMBER_HEADERS)))
@example(raw=LONG_FIELD.encode())
@example(raw=b"name,email\nA\x00B,nul@example.org\n")
def test_member_csv_is_checked_never_raises(app, event, raw):
    with app.test_request_context():
        _assert_checked(check_members_csv(db.session.merge(event), raw))


@pytest.fixture
def organiser(login):
    return login("organiser")


@FUZZ
@given(raw=any_bytes, commit=st.booleans())
@example(raw=LONG_FIELD.encode(), commit=True)
def test_the_import_page_previews_or_lists_problems_and_imports_nothing_bad(
    app, demo, organiser, raw, commit
):
    before = (count(app, Registration), count(app, Job))
    response = organiser.post(
        f"/manage/events/{demo['slug']}/registrations/import",
        data={"file": (io.BytesIO(raw), "people.csv"), "commit": "1" if commit else ""},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 302, 422), response.status_code
    if response.status_code == 422:
        assert "Line " in response.get_data(as_text=True)
        assert (count(app, Registration), count(app, Job)) == before
    elif response.status_code == 200:  # an empty upload shows the form again
        assert (count(app, Registration), count(app, Job)) == before


@pytest.fixture
def lead(app, demo, organiser):
    response = organiser.post(
        f"/manage/events/{demo['slug']}/networking/delegations",
        data={
            "name": "GU Ventures",
            "home_organisation": "GU Ventures, Gothenburg",
            "lead_name": "Anders Waas",
            "lead_email": demo["logins"]["delegation_lead"][0],
        },
    )
    assert response.status_code == 302
    from eventmgr.networking.models import Delegation

    with app.app_context():
        delegation_id = db.session.scalar(select(Delegation.id))
    client = app.test_client()
    email, password = demo["logins"]["delegation_lead"]
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302
    return client, f"/events/{demo['slug']}/delegations/{delegation_id}/import"


@FUZZ
@given(raw=st.one_of(st.binary(max_size=400), csv_files(MEMBER_HEADERS)))
@example(raw=LONG_FIELD.encode())
def test_the_member_import_page_imports_nothing_bad(app, lead, raw):
    client, url = lead
    before = count(app, DelegationMember)
    response = client.post(
        url,
        data={"file": (io.BytesIO(raw), "members.csv"), "commit": "1"},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 302, 422), response.status_code
    if response.status_code != 302:
        assert count(app, DelegationMember) == before
    if response.status_code == 422:
        assert "Line " in response.get_data(as_text=True)
