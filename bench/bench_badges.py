"""Benchmark the badge PDF renderer.

Prints time, throughput, peak traced memory and PDF size per format, and a
second A6 run with twice the badges: peak memory should track the PDF size
(reportlab keeps the document until it is written), not grow faster.

    python bench/bench_badges.py            # 600 badges (1,200 for the A6 growth check)
    python bench/bench_badges.py --quick    # 60 badges, for CI
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--badges", type=int, default=600)
    parser.add_argument("--quick", action="store_true", help="60 badges, one repeat (CI)")
    args = parser.parse_args(argv)
    count = 60 if args.quick else args.badges
    repeats = 1 if args.quick else 3
    render_badges(synthetic_cards(8), "a6")  # warm-up: font parsing, imports

    runs = [(fmt, count) for fmt in FORMATS] + [("a6", 2 * count)]
    header = f"{'format':<9} {'badges':>6} {'seconds':>8} {'badges/s':>9} "
    header += f"{'peak MiB':>9} {'PDF KiB':>8} {'peak/PDF':>8} {'peak KiB/badge':>14}"
    print(header)
    print("-" * len(header))
    for fmt, n in runs:
        seconds, size = timed(fmt, n, repeats)
        peak = traced_peak(fmt, n)
        print(
            f"{fmt:<9} {n:>6} {seconds:>8.3f} {n / seconds:>9.0f} {peak / 2**20:>9.2f} "
            f"{size / 1024:>8.0f} {peak / size:>8.2f} {peak / n / 1024:>14.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
