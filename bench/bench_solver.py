"""Benchmark of the networking meeting scheduler on generated instances.

    python bench/bench_solver.py                    # every size (about 2 min on 2 cores)
    python bench/bench_solver.py --quick            # small sizes only, a few seconds (CI)
    python bench/bench_solver.py --only partnering  # one or more sizes by name

Goals on 2 cores: `goal` (300 people, 1,500 requests, 8 slots) proven optimal
within 10 s; `big` (2,000 people, 10,000 requests, 8 slots) within 0.5 % of its
proven bound in 60 s; `partnering` (5,000 people, 30,000 requests, 48 slots over
three days, 400 tables plus 40 video rooms, a tenth of the people online) a valid
schedule within 5 minutes, within 2 % of its proven bound, under 4 GB.

`big` has fewer table-slots than good requests, so the capacity bound is tight
and CP-SAT is not needed; `roomy` is the same crowd with 400 tables, where the
people's clashes decide and CP-SAT must close the gap: it gets big's goals too.

Each size runs in a child process of its own, so its peak memory (the child's
maximum resident set: OR-Tools allocates in C++, which tracemalloc cannot see)
is its own. Every schedule, the solver's and the greedy baseline's, is
re-checked with `check_solution`; the exit code is non-zero if one breaks a rule.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from figures import report  # noqa: E402

GB = 2**30


@dataclass(frozen=True)
class Size:
    """One benchmark row: the generated instance, its time limit and its goals."""

    name: str
    participants: int
    requests: int
    slots: int
    tables: int
    time_limit: float
    quick: bool = False
    days: int = 1
    online_share: float = 0.0
    video_rooms: int = 0
    optimal: bool = False  # the goal is a proof of optimality
    max_gap: float | None = None  # percent of the bound
    max_seconds: float | None = None
    max_memory: int | None = None  # bytes

    def instance(self, seed: int) -> dict:
        """The generated instance, the same for the same seed."""
        from eventmgr.networking.solver.generate import generate

        return generate(
            self.participants,
            self.requests,
            self.slots,
            self.tables,
            seed=seed,
            days=self.days,
            online_share=self.online_share,
            video_rooms=self.video_rooms,
        )


SIZES = (
    Size("tiny", 10, 20, 4, 3, 5.0, quick=True),
    Size("small", 30, 60, 8, 6, 10.0, quick=True, online_share=0.2, video_rooms=2),
    Size("medium", 100, 400, 8, 12, 10.0, quick=True),
    Size("hybrid", 150, 600, 12, 14, 10.0, quick=True, days=2, online_share=0.15, video_rooms=3),
    Size("goal", 300, 1500, 8, 40, 10.0, optimal=True, max_seconds=10),
    Size("big", 2000, 10000, 8, 250, 60.0, max_gap=0.5, max_seconds=60),
    Size("roomy", 2000, 10000, 8, 400, 60.0, max_gap=0.5, max_seconds=60),
    Size(
        "partnering",
        5000,
        30000,
        48,
        400,
        300.0,
        days=3,
        online_share=0.1,
        video_rooms=40,
        max_gap=2.0,
        max_seconds=300,
        max_memory=4 * GB,
    ),
)
COLUMNS = (
    ("size", 10),
    ("people", 6),
    ("requests", 8),
    ("slots", 5),
    ("tables", 6),
    ("online", 6),
    ("status", 8),
    ("objective", 9),
    ("bound", 9),
    ("gap %", 6),
    ("seconds", 7),
    ("peak MB", 7),
    ("greedy", 9),
    ("valid", 5),
)


def measure(size: Size, seed: int, workers: int) -> dict:
    """Solve one size in this process: the figures of its row (run in a child)."""
    from eventmgr.networking.solver import check_solution, greedy, parse_instance, solve

    instance = size.instance(seed)
    started = time.perf_counter()
    solution = solve(instance, time_limit=size.time_limit, workers=workers)
    seconds = time.perf_counter() - started
    baseline = greedy(instance)
    errors = check_solution(instance, solution) + check_solution(instance, baseline)
    inst = parse_instance(instance)
    return {
        "status": solution["status"],
        "objective": solution["objective"],
        "bound": solution["bound"],
        "seconds": seconds,
        "greedy": baseline["objective"],
        "errors": errors[:10],
        "online": sum(p.online for p in inst.participants),
        "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,  # KiB on Linux
    }


def run_child(size: Size, seed: int, workers: int) -> dict:
    """`measure` in a fresh interpreter, so peak memory is this size's alone."""
    command = [sys.executable, __file__, "--child", size.name, "--seed", str(seed)]
    done = subprocess.run(
        [*command, "--workers", str(workers)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{size.name}: the child failed\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def gap(figures: dict) -> float:
    """How far the objective is below the proven bound, in percent of the bound."""
    bound = figures["bound"]
    return 100.0 * (bound - figures["objective"]) / bound if bound else 0.0


def _row(values: list[object]) -> str:
    """One table line, columns right-aligned to their header width."""
    return "  ".join(str(v).rjust(width) for v, (_, width) in zip(values, COLUMNS, strict=True))


def _cells(size: Size, figures: dict) -> list[object]:
    """The table row of one size."""
    video = f"+{size.video_rooms}" if size.video_rooms else ""
    return [
        size.name,
        size.participants,
        size.requests,
        size.slots,
        f"{size.tables}{video}",
        figures["online"],
        figures["status"],
        figures["objective"],
        figures["bound"],
        f"{gap(figures):.3f}",
        f"{figures['seconds']:.1f}",
        round(figures["peak"] / 2**20),
        figures["greedy"],
        "no" if figures["errors"] else "yes",
    ]


def _report(size: Size, figures: dict) -> None:
    """The goal figures of one size through bench/figures.py."""
    name = f"solver {size.name} ({size.participants} people, {size.requests} requests)"
    valid, seconds = not figures["errors"], round(figures["seconds"], 1)
    off = round(gap(figures), 3)
    in_time = size.max_seconds is None or figures["seconds"] <= size.max_seconds
    if size.optimal:
        met = valid and in_time and figures["status"] == "optimal"
        report(f"{name}: optimal", seconds, "s", f"optimal, <= {size.max_seconds:g} s", met)
    else:
        goal = f"valid, <= {size.max_seconds:g} s" if size.max_seconds else "valid"
        report(f"{name}: valid schedule", seconds, "s", goal, valid and in_time)
    if size.max_gap is not None:
        report(f"{name}: gap to bound", off, "%", f"<= {size.max_gap:g} %", off <= size.max_gap)
    else:
        report(f"{name}: gap to bound", off, "%")
    peak = round(figures["peak"] / 2**20)
    if size.max_memory is not None:
        limit = f"< {size.max_memory / GB:g} GB"
        report(f"{name}: peak memory", peak, "MB", limit, figures["peak"] < size.max_memory)


def main(argv: list[str] | None = None) -> int:
    """Print the benchmark table; exit 1 if any schedule breaks a rule."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the small sizes (CI)")
    parser.add_argument("--seed", type=int, default=1, help="instance generator seed")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT worker threads")
    parser.add_argument("--only", nargs="*", help="run only these sizes by name")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # one size, figures as JSON
    args = parser.parse_args(argv)
    by_name = {size.name: size for size in SIZES}
    if args.child:
        print(json.dumps(measure(by_name[args.child], args.seed, args.workers)))
        return 0
    sizes = [s for s in SIZES if s.quick or not args.quick]
    if args.only:
        sizes = [s for s in SIZES if s.name in args.only]
    print(_row([name for name, _ in COLUMNS]), flush=True)
    all_valid = True
    for size in sizes:
        figures = run_child(size, args.seed, args.workers)
        for error in figures["errors"]:
            print(f"{size.name}: {error}", file=sys.stderr)
        all_valid &= not figures["errors"]
        print(_row(_cells(size, figures)), flush=True)
        _report(size, figures)
    return 0 if all_valid else 1


if __name__ == "__main__":
    sys.exit(main())
