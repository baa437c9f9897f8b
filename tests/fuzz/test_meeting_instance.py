"""The meeting instance file (shared/formats/meeting-instance.md): random and mutated
instances are refused with a message naming the entry, and `flask networking solve` exits
non-zero writing nothing to stdout; valid generated instances get a schedule the checker
passes."""

from __future__ import annotations

import copy
import json
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from eventmgr.networking.solver import (
    InstanceError,
    check_solution,
    fixed_problems,
    parse_instance,
    solve,
)
from eventmgr.networking.solver.generate import generate
from tests.fuzz.conftest import FUZZ, hostile_text, json_values

# "invalid JSON: ...", "instance: ...", or an entry such as `requests[3] (id "r4"): ...`
NAMES_THE_ENTRY = re.compile(
    r"^(invalid JSON: |instance: |"
    r'(slots|tables|participants|requests|fixed)\[\d+\]( \(\w+ ".*"\))?: )',
    re.S,
)
BASE = generate(
    participants=6, requests=8, slots=3, tables=2, seed=7, fixed=1, online_share=0.3, video_rooms=1
)


def _paths(node, prefix=()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for n, value in enumerate(node):
            found += _paths(value, (*prefix, n))
    return found


PATHS = _paths(BASE)


def test_mutations_reach_every_kind_of_field():
    # online people and video rooms included, so `online` itself gets corrupted too
    assert {path[-1] for path in PATHS if isinstance(path[-1], str)} >= {
        "id",
        "available",
        "seats",
        "online",
        "max_meetings",
        "participants",
        "weight",
        "request",
        "slot",
    }
    assert {path[0] for path in PATHS if path[-1] == "online"} == {"participants", "tables"}


@st.composite
def mutated(draw) -> dict:
    data = copy.deepcopy(BASE)
    for path in draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=3)):
        parent = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]]  # noqa: B018 - an earlier mutation may have removed it
        except (KeyError, IndexError, TypeError):
            continue
        if draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(
                st.one_of(json_values, st.sampled_from(["s1", "t1", "p1", "r1", 0, -1, 1.0]))
            )
    return data


any_input = st.one_of(
    st.binary(max_size=200),
    hostile_text.map(str.encode),
    json_values.map(lambda v: json.dumps(v).encode()),
    mutated().map(lambda v: json.dumps(v).encode()),
    st.sampled_from([b"[" * 100_000, b'{"slots":' * 50_000, b"NaN", b'{"slots": NaN}']),
)
online_flag = st.none() | st.booleans()  # None: the key is left out


def _outcome(raw: bytes):
    """The parsed instance, or the refusal's message (which must name the entry)."""
    try:
        return parse_instance(raw)
    except InstanceError as exc:
        message = str(exc)
        assert NAMES_THE_ENTRY.match(message), message
        return message


@FUZZ
@given(raw=any_input)
@example(raw=b"[" * 100_000)
def test_any_input_is_refused_naming_the_entry_or_parsed(raw):
    _outcome(raw)


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


@FUZZ
@given(raw=any_input)
def test_the_command_refuses_with_nothing_on_stdout(cli, tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("instance") / "instance.json"
    path.write_bytes(raw)
    parsed = _outcome(raw)
    result = cli.invoke(args=["networking", "solve", str(path), "--time-limit", "1"])
    if isinstance(parsed, str):
        assert result.exit_code != 0
        assert result.stdout == ""
        assert result.stderr.startswith("Error: ")
    else:
        assert result.exit_code == 0, result.output
        assert check_solution(parsed, json.loads(result.stdout)) == []


@st.composite
def instances(draw) -> dict:
    """Small valid instances of every shape the format allows, online people and rooms too."""
    slot_ids = [f"s{n}" for n in range(draw(st.integers(1, 4)))]
    some_slots = st.one_of(st.none(), st.lists(st.sampled_from(slot_ids), unique=True))
    tables = [
        {"id": f"t{n}", "seats": draw(st.integers(1, 4))}
        | ({"available": a} if (a := draw(some_slots)) is not None else {})
        | ({"online": o} if (o := draw(online_flag)) is not None else {})
        for n in range(draw(st.integers(0, 3)))
    ]
    people = [
        {"id": f"p{n}", "name": draw(st.text(max_size=8))}
        | ({"available": a} if (a := draw(some_slots)) is not None else {})
        | ({"max_meetings": m} if (m := draw(st.none() | st.integers(0, 5))) is not None else {})
        | ({"online": o} if (o := draw(online_flag)) is not None else {})
        for n in range(draw(st.integers(2, 7)))
    ]
    person_ids = [p["id"] for p in people]
    requests = [
        {
            "id": f"r{n}",
            "participants": draw(
                st.lists(st.sampled_from(person_ids), min_size=2, max_size=3, unique=True)
            ),
            "weight": draw(st.integers(1, 50)),
        }
        for n in range(draw(st.integers(0, 10)))
    ]
    instance = {
        "slots": [{"id": s} for s in slot_ids],
        "tables": tables,
        "participants": people,
        "requests": requests,
    }
    if requests and draw(st.booleans()):
        fixed = {"request": requests[0]["id"], "slot": draw(st.sampled_from(slot_ids))}
        if tables and draw(st.booleans()):
            fixed["table"] = draw(st.sampled_from([t["id"] for t in tables]))
        instance["fixed"] = [fixed]
    return instance


@FUZZ
@given(instance=instances())
def test_valid_instances_get_a_schedule_the_checker_passes(instance):
    parsed = parse_instance(instance)
    solution = solve(parsed, time_limit=2, workers=1)
    assert check_solution(parsed, solution) == []
    if fixed_problems(parsed):  # only the fixed meetings can make an instance infeasible
        assert (solution["status"], solution["meetings"]) == ("infeasible", [])
    else:  # at most 10 requests in 4 slots: the optimum is proven at once
        assert solution["status"] == "optimal"
