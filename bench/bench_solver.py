"""Benchmark of the networking meeting scheduler on generated instances.

    python bench/bench_solver.py            # small, goal and big sizes (about 1.5 min)
    python bench/bench_solver.py --quick    # small sizes only, a few seconds (CI)

Goals: the goal size (300 people, 1,500 requests, 8 slots, 40 tables) proven
optimal within 10 s on 2 cores; the big size (2,000 people, 10,000 requests)
a valid schedule within 60 s. Every schedule is re-checked with
`check_solution`; the exit code is non-zero if one breaks a rule.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from figures import report  # noqa: E402

from eventmgr.networking.solver import check_solution, greedy, solve  # noqa: E402
from eventmgr.networking.solver.generate import generate  # noqa: E402


@dataclass(frozen=True)
class Size:
    """One benchmark row: instance dimensions and the time limit it gets."""

    name: str
    participants: int
    requests: int
    slots: int
    tables: int
    time_limit: float
    quick: bool = False


SIZES = (
    Size("tiny", 10, 20, 4, 3, 5.0, quick=True),
    Size("small", 30, 60, 8, 6, 10.0, quick=True),
    Size("medium", 100, 400, 8, 12, 10.0, quick=True),
    Size("goal", 300, 1500, 8, 40, 10.0),
    Size("big", 2000, 10000, 8, 250, 60.0),
)
COLUMNS = (
    ("size", 6),
    ("participants", 12),
    ("requests", 8),
    ("slots", 5),
    ("tables", 6),
    ("status", 10),
    ("objective", 9),
    ("bound", 7),
    ("seconds", 7),
    ("greedy", 7),
    ("valid", 5),
)


def _row(values: list[object]) -> str:
    """One table line, columns right-aligned to their header width."""
    return "  ".join(str(v).rjust(width) for v, (_, width) in zip(values, COLUMNS, strict=True))


def run(size: Size, seed: int, workers: int) -> tuple[list[object], bool]:
    """Solve one generated instance; returns the table row and whether it is valid."""
    instance = generate(size.participants, size.requests, size.slots, size.tables, seed=seed)
    started = time.perf_counter()
    solution = solve(instance, time_limit=size.time_limit, workers=workers)
    seconds = time.perf_counter() - started
    baseline = greedy(instance)
    errors = check_solution(instance, solution) + check_solution(instance, baseline)
    for error in errors[:10]:
        print(f"{size.name}: {error}", file=sys.stderr)
    row = [
        size.name,
        size.participants,
        size.requests,
        size.slots,
        size.tables,
        solution["status"],
        solution["objective"],
        solution["bound"],
        f"{seconds:.2f}",
        baseline["objective"],
        "yes" if not errors else "NO",
    ]
    _report(size, solution["status"], seconds, not errors)
    return row, not errors


def _report(size: Size, status: str, seconds: float, valid: bool) -> None:
    """The goal figures: the goal size proven optimal in 10 s, the big size valid in 60 s."""
    name = f"solver {size.name} ({size.participants} people, {size.requests} requests)"
    if size.name == "goal":
        met = status == "optimal" and seconds <= 10 and valid
        report(name, round(seconds, 2), "s", "optimal, <= 10 s", met)
    elif size.name == "big":
        report(name, round(seconds, 2), "s", "valid, <= 60 s", valid and seconds <= 60)
    else:
        report(name, round(seconds, 2), "s", "valid", valid)


def main(argv: list[str] | None = None) -> int:
    """Print the benchmark table; exit 1 if any schedule breaks a rule."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the small sizes (CI)")
    parser.add_argument("--seed", type=int, default=1, help="instance generator seed")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT worker threads")
    parser.add_argument("--only", nargs="*", help="run only these sizes by name")
    args = parser.parse_args(argv)
    sizes = [s for s in SIZES if s.quick or not args.quick]
    if args.only:
        sizes = [s for s in SIZES if s.name in args.only]
    print(_row([name for name, _ in COLUMNS]))
    all_valid = True
    for size in sizes:
        row, valid = run(size, args.seed, args.workers)
        all_valid &= valid
        print(_row(row), flush=True)
    return 0 if all_valid else 1


if __name__ == "__main__":
    sys.exit(main())
