"""`flask --app app networking solve` as a user runs it, on the format's own example."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from eventmgr.platform.config import ROOT

EXAMPLE = {
    "slots": [
        {"id": "s1", "start": "2023-01-26T16:15:00+01:00", "end": "2023-01-26T16:30:00+01:00"},
        {"id": "s2", "start": "2023-01-26T16:30:00+01:00", "end": "2023-01-26T16:45:00+01:00"},
    ],
    "tables": [{"id": "t1", "seats": 4}],
    "participants": [
        {"id": "p1", "name": "Sara Rhost", "max_meetings": 6},
        {"id": "p2", "name": "Ketil Widerberg"},
        {"id": "p3", "name": "Göran Landberg", "available": ["s2"]},
    ],
    "requests": [
        {"id": "r1", "participants": ["p1", "p2"], "weight": 30},
        {"id": "r2", "participants": ["p1", "p2", "p3"], "weight": 20},
    ],
}


def _flask(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "SECRET_KEY": "x"}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "networking", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_solve_prints_an_optimal_solution(tmp_path):
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(EXAMPLE))
    done = _flask(tmp_path, "solve", str(path), "--time-limit", "5")
    assert done.returncode == 0, done.stderr
    solution = json.loads(done.stdout)
    assert solution["status"] == "optimal"
    assert solution["objective"] == solution["bound"] == 50
    assert {m["request"]: m["slot"] for m in solution["meetings"]} == {"r1": "s1", "r2": "s2"}


def test_bad_instance_is_refused_with_a_message_and_no_output(tmp_path):
    bad = dict(EXAMPLE, requests=[{"id": "r1", "participants": ["p1", "p99"], "weight": 3}])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    done = _flask(tmp_path, "solve", str(path))
    assert done.returncode != 0 and done.stdout == ""
    assert "p99" in done.stderr
