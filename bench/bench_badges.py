"""Benchmark the badge PDF renderer.

Prints time, throughput, peak traced memory and PDF size per format, the goal
figure (600 A6 badges in one PDF under 1.5 s), and A6 runs of n/2, n and 2n
badges: peak memory should grow with the PDF (which is held whole), not faster.
Pages are serialised as they finish (eventmgr/badges/pdf.py: _freeze), so no
per-page object tree is kept until the end.

    python bench/bench_badges.py            # 600 badges a format; growth 300/600/1200
    python bench/bench_badges.py --quick    # 60 badges a format; growth 30/60/120 (CI)
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import report  # noqa: E402
from eventmgr.badges.pdf import FORMATS, ROLES, BadgeCard, render_badges  # noqa: E402

FIRST = [
    "Alpaslan (Aslan)",
    "Börje",
    "Pål",
    "Eli Sihn",
    "Şükrü",
    "Ingrid",
    "Åse",
    "Jürgen",
    "Zeynep",
    "İlkay",
    "Øystein",
    "Märta",
    "Ştefan",
    "Nguyễn Thị Minh",
    "Siobhán",
    "Kristoffer",
    "Dagný",
    "François",
    "Małgorzata",
    "Hans-Peter",
    "Ağahan",
    "Ola",
]
LAST = [
    "Tasdogan",
    "Haraldsson",
    "Falck",
    "Samdal Steinskog",
    "Ağaoğlu",
    "Müller-Weiß",
    "Østergård",
    "Ölçer",
    "Kowalczyk",
    "Lindqvist",
    "Gonçalves",
    "O'Sullivan",
    "Christophersen-Brænne",
    "Straße",
    "Yılmaz",
    "Nordmann",
    "de la Fuente Rodríguez",
]
ORGS = [
    "Oslo University Hospital",
    "Karolinska Institutet",
    "University of Bergen",
    "Institute for Cancer Research, Oslo University Hospital, The Norwegian Radium Hospital",
    "Deutsches Krebsforschungszentrum (DKFZ)",
    "Hacettepe Üniversitesi",
    "Aftenposten",
    "Norwegian Cancer Society",
    "UiT The Arctic University of Norway",
    "",
]
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def synthetic_cards(count: int, seed: int = 2023) -> Iterator[BadgeCard]:
    """Deterministic, realistic badges; generated lazily like a database cursor."""
    rng = random.Random(seed)
    for _ in range(count):
        yield BadgeCard(
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            organisation=rng.choice(ORGS),
            role=rng.choices(ROLES, weights=(8, 3, 2, 2, 80, 5))[0],
            event_name="Cancer Crosslinks 2023",
            event_date="Oslo · 26 January 2023",
            code="".join(rng.choice(ALPHABET) for _ in range(28)),
        )


def timed(fmt: str, count: int, repeats: int) -> tuple[float, int]:
    """Best wall time of ``repeats`` renders and the PDF size."""
    best, size = float("inf"), 0
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        pdf = render_badges(synthetic_cards(count), fmt)
        best = min(best, time.perf_counter() - start)
        size = len(pdf or b"")
    return best, size


def traced_peak(fmt: str, count: int) -> int:
    """Peak bytes allocated while rendering, above what was live before."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    render_badges(synthetic_cards(count), fmt)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak - base


def growth(counts: list[int]) -> list[tuple[int, int, int]]:
    """(badges, peak bytes, PDF bytes) of A6 runs of increasing size."""
    rows = []
    for n in counts:
        _seconds, size = timed("a6", n, 1)
        rows.append((n, traced_peak("a6", n), size))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--badges", type=int, default=600)
    parser.add_argument("--quick", action="store_true", help="60 badges a format, one repeat (CI)")
    args = parser.parse_args(argv)
    count = 60 if args.quick else args.badges
    repeats = 1 if args.quick else 3
    render_badges(synthetic_cards(8), "a6")  # warm-up: font parsing, imports

    header = f"{'format':<9} {'badges':>6} {'seconds':>8} {'badges/s':>9} "
    header += f"{'peak MiB':>9} {'PDF KiB':>8} {'peak/PDF':>8} {'peak KiB/badge':>14}"
    print(header)
    print("-" * len(header))
    for fmt in FORMATS:
        seconds, size = timed(fmt, count, repeats)
        peak = traced_peak(fmt, count)
        print(
            f"{fmt:<9} {count:>6} {seconds:>8.3f} {count / seconds:>9.0f} {peak / 2**20:>9.2f} "
            f"{size / 1024:>8.0f} {peak / size:>8.2f} {peak / count / 1024:>14.2f}"
        )

    # The goal figure is always measured at its own size, also in quick mode (under a second).
    goal_n = 600
    seconds, size = timed("a6", goal_n, repeats)
    print(
        f"\n{goal_n} A6 badges: {seconds:.3f} s, {goal_n / seconds:.0f} badges/s, "
        f"{size / 1024:.0f} KiB"
    )
    report(f"badges: {goal_n} A6 in one PDF", round(seconds, 3), "s", "< 1.5 s", seconds < 1.5)
    report("badges: A6 throughput", round(goal_n / seconds), "badges/s")

    # Memory growth: peak bytes per extra PDF byte between the smallest and the largest run.
    # The PDF is held twice at the end (reportlab's list of parts and the joined bytes), so
    # about 2 is the floor for a renderer that returns one bytes object; per-page Python
    # objects would show as a larger ratio that grows with the badge count.
    sizes = [count // 2, count, count * 2]
    rows = growth(sizes)
    print(f"\n{'A6 badges':>9} {'peak MiB':>9} {'PDF KiB':>8} {'peak/PDF':>8}")
    for n, peak, size in rows:
        print(f"{n:>9} {peak / 2**20:>9.2f} {size / 1024:>8.0f} {peak / size:>8.2f}")
    (_n0, peak0, size0), (_n1, peak1, size1) = rows[0], rows[-1]
    marginal = (peak1 - peak0) / (size1 - size0)
    print(
        f"extra peak memory per extra PDF byte ({sizes[0]} -> {sizes[-1]} badges): {marginal:.2f}"
    )
    report(f"badges: peak memory of {rows[1][0]} A6", round(rows[1][1] / 2**20, 2), "MiB")
    report(
        "badges: extra peak memory per extra PDF byte",
        round(marginal, 2),
        "x",
        "< 3.5 (PDF held twice + bookkeeping)",
        marginal < 3.5,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
