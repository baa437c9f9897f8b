"""Programme import, JSON and CSV: random structures and mutated demo files are refused with
problems naming where, the draft unchanged, or imported; never an exception or a 500."""

from __future__ import annotations

import copy
import csv
import io
import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select

from eventmgr.demo.seed import DEMO_FILE
from eventmgr.events.models import Event
from eventmgr.platform.db import db
from eventmgr.programme import transfer
from eventmgr.programme.services import items_of
from tests.fuzz.conftest import FUZZ, hostile_text, json_values

DEMO = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
BAD_TIMES = st.sampled_from(["25:00", "9", "half past", "", "12:60", "-1:00", "2023-13-40", "0"])


def _paths(node, prefix=()) -> list[tuple]:
    """Every place in the demo's programme part that a mutation may hit."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for n, value in enumerate(node):
            found += _paths(value, (*prefix, n))
    return found


PATHS = _paths({k: DEMO[k] for k in ("event", "speakers", "moderators", "programme_illustrative")})


@st.composite
def mutated_demo(draw) -> dict:
    data = copy.deepcopy(DEMO)
    for path in draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=3)):
        parent = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            leaf = path[-1]
            parent[leaf]  # noqa: B018 - an earlier mutation may have removed it
        except (KeyError, IndexError, TypeError):
            continue
        how = draw(st.sampled_from(["drop", "replace", "time", "type"]))
        if how == "drop":
            del parent[leaf]
        elif how == "time":
            parent[leaf] = draw(BAD_TIMES)
        elif how == "type":
            parent[leaf] = draw(st.sampled_from([None, 7, -1, 2.5, True, [], {}, [1, 2], "x"]))
        else:
            parent[leaf] = draw(json_values)
    return data


@pytest.fixture
def event(app, demo):
    with app.app_context():
        return db.session.scalar(select(Event).where(Event.slug == demo["slug"])).id


def _draft(event_id: int) -> list:
    return [
        (i.kind, i.title, i.starts_at, i.ends_at, i.room_id)
        for i in items_of(db.session.get(Event, event_id))
    ]


def _try(app, event_id: int, importer, text: str) -> None:
    """Import, then roll back either way: refused leaves problems naming where, draft as it was."""
    with app.test_request_context():
        before = _draft(event_id)
        try:
            count = importer(db.session.get(Event, event_id), text)
        except transfer.ImportFailed as exc:
            assert exc.problems
            for where, why in exc.problems:
                assert str(where).strip() and str(why).strip()
            db.session.rollback()
            assert _draft(event_id) == before
        else:
            # the file's items replace the draft: exactly those, sessions' talks included
            assert count == len(_draft(event_id))
            db.session.rollback()


@FUZZ
@given(data=st.one_of(json_values, st.dictionaries(st.sampled_from(list(DEMO)), json_values)))
@example(data={"event": {"venue": ["a"]}, "programme": []})
@example(data={"speakers": 5, "programme": [{"talks": 3, "kind": "session"}]})
def test_random_json_is_refused_or_imported(app, bare_event, data):
    _try(app, bare_event, transfer.import_json, json.dumps(data))


@FUZZ
@given(data=mutated_demo())
def test_a_mutated_demo_file_is_refused_naming_where_or_imported(app, event, data):
    _try(app, event, transfer.import_json, json.dumps(data))


@FUZZ
@given(text=st.one_of(hostile_text, st.just("[" * 100_000), st.just('{"a":' * 50_000)))
def test_text_that_is_not_a_json_object_is_refused(app, bare_event, text):
    with pytest.raises(transfer.ImportFailed), app.test_request_context():
        try:
            transfer.import_json(db.session.get(Event, bare_event), text)
        finally:
            db.session.rollback()


CSV_COLUMNS = list(transfer.CSV_COLUMNS)
CELLS = {
    "kind": st.sampled_from(["session", "talk", "keynote", "break", "party", ""]),
    "date": st.sampled_from(["2023-01-26", "2023-02-30", "26.01.2023", ""]),
    "start": st.one_of(st.sampled_from(["09:00", "10:30"]), BAD_TIMES),
    "end": st.one_of(st.sampled_from(["10:00", "11:00"]), BAD_TIMES),
    "session": st.sampled_from(["Opening", "", "Nowhere"]),
    "title": st.sampled_from(["Opening", "A talk", ""]),
    "delivery": st.sampled_from(["on-site", "digital", "hybrid", ""]),
}


@st.composite
def programme_csv(draw) -> str:
    columns = draw(
        st.one_of(
            st.just(CSV_COLUMNS),
            st.lists(st.sampled_from([*CSV_COLUMNS, "extra", ""]), max_size=14),
        )
    )
    rows = draw(
        st.lists(
            st.tuples(*(st.one_of(CELLS.get(c, hostile_text), hostile_text) for c in columns))
            if columns
            else st.tuples(hostile_text),
            max_size=5,
        )
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(rows)
    text = draw(st.sampled_from(["", "\ufeff"])) + buffer.getvalue()
    return text + draw(st.sampled_from(["", '"open quote,\n', "x" * 140_000 + "\n"]))


@FUZZ
@given(text=st.one_of(programme_csv(), hostile_text))
@example(text="kind,date,start,end,title\n" + "x" * 140_000 + ",2023-01-26,09:00,10:00,T\n")
def test_random_csv_is_refused_naming_the_line_or_imported(app, bare_event, text):
    _try(app, bare_event, transfer.import_csv, text)


@pytest.fixture
def organiser(login):
    return login("organiser")


@FUZZ
@given(
    upload=st.one_of(
        mutated_demo().map(lambda d: ("p.json", json.dumps(d).encode())),
        programme_csv().map(lambda t: ("p.csv", t.encode("utf-8", "replace"))),
        st.tuples(st.sampled_from(["p.json", "p.csv", "p.txt"]), st.binary(max_size=200)),
    )
)
@example(upload=("p.json", json.dumps(DEMO | {"speakers": [{"name": "x" * 300}]}).encode()))
@example(upload=("p.json", json.dumps(DEMO | {"rooms": [{"name": 7}]}).encode()))
@example(upload=("p.csv", b"kind,date,start,end,title\nkeynote,2023-01-26,09:00,10:00,A\x00B\n"))
def test_the_import_page_answers_422_with_problems_or_redirects(app, demo, organiser, upload):
    name, raw = upload
    response = organiser.post(
        f"/manage/events/{demo['slug']}/programme/import",
        data={"file": (io.BytesIO(raw), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code in (302, 422), response.status_code
