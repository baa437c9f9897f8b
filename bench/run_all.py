"""Run every benchmark under bench/ in turn and print one table of their goal figures.

    make bench                      # python bench/run_all.py
    make bench BENCH_ARGS=--quick   # each benchmark once, briefly (CI)

Every bench/bench_*.py is run (new ones are picked up by name) with the same arguments; each
reports its figures through bench/figures.py into the file named by BENCH_FIGURES, which this
script sets to a temporary file. BENCH_DATABASE_URL passes through to the benchmarks. The exit
code is non-zero only when a benchmark failed to run to its end (a crash, or a correctness
check of its own such as "nothing oversold"); a missed speed goal shows as "no" in the table.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _figures(path: Path, start: int) -> tuple[list[dict], int]:
    """The figures appended to `path` since byte `start`, and the new end."""
    data = path.read_bytes()
    rows = [json.loads(line) for line in data[start:].decode("utf-8").splitlines() if line]
    return rows, len(data)


def _value(row: dict) -> str:
    value = row["value"]
    if isinstance(value, float):
        text = f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"
    else:
        text = str(value)
    return f"{text} {row.get('unit') or ''}".strip()


def _met(row: dict) -> str:
    return {True: "yes", False: "NO", None: "-"}[row.get("met")]


def print_table(rows: list[tuple[str, dict]], outcomes: list[tuple[str, int, float]]) -> None:
    header = ("benchmark", "figure", "value", "goal", "met")
    lines = [(b, r["figure"], _value(r), r.get("goal") or "", _met(r)) for b, r in rows]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]

    def fmt(cells) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    print(f"\n== all benchmarks (database: {_database()})")
    print(fmt(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for line in lines:
        print(fmt(line))
    met = sum(1 for _b, r in rows if r.get("met") is True)
    missed = sum(1 for _b, r in rows if r.get("met") is False)
    print(f"goals met: {met}, missed: {missed}")
    for name, code, seconds in outcomes:
        state = "ok" if code == 0 else f"FAILED (exit {code})"
        print(f"  {name}: {state}, {seconds:.0f} s")


def _database() -> str:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    return "PostgreSQL" if url.startswith("postgres") else "SQLite"


def main(argv: list[str]) -> int:
    rows: list[tuple[str, dict]] = []
    outcomes: list[tuple[str, int, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-figures-") as tmp:
        figures = Path(tmp) / "figures.jsonl"
        figures.touch()
        env = os.environ | {"BENCH_FIGURES": str(figures)}
        seen = 0
        for script in sorted(HERE.glob("bench_*.py")):
            print(f"\n== {script.stem}", flush=True)
            started = time.monotonic()
            done = subprocess.run([sys.executable, str(script), *argv], cwd=HERE.parent, env=env)
            outcomes.append((script.stem, done.returncode, time.monotonic() - started))
            new, seen = _figures(figures, seen)
            rows.extend((script.stem.removeprefix("bench_"), row) for row in new)
    print_table(rows, outcomes)
    return 1 if any(code != 0 for _name, code, _s in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
