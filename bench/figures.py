"""One shape for every benchmark's results, so `make bench` can print them as one table.

A benchmark calls `report(...)` for each figure it measured. When run through bench/run_all.py
the figures are appended as JSON lines to the file named by BENCH_FIGURES; run alone, the
benchmark still prints its own table and `report` only echoes the figure.
"""

from __future__ import annotations

import json
import os


def report(figure: str, value: float, unit: str, goal: str = "", met: bool | None = None) -> None:
    """Record one measured figure; `goal` is human-readable ("< 25 ms"), `met` None = no goal."""
    row = {"figure": figure, "value": value, "unit": unit, "goal": goal, "met": met}
    target = os.environ.get("BENCH_FIGURES")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")
