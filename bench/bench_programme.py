"""Benchmark the public programme page and the programme JSON.

Builds an event with 200 items (sessions of talks, keynotes, breaks over four rooms and two
days) and 60 speakers, publishes it, then requests the page and the JSON many times with the
test client. Prints median and p95 server time and SQL queries per request for 50 and 200
items: the query count must not grow with the number of items (no N+1). Goal: p95 < 20 ms.

    python bench/bench_programme.py            # 300 requests per row
    python bench/bench_programme.py --quick    # 30 requests per row, for CI
    BENCH_DATABASE_URL=postgresql+psycopg://... python bench/bench_programme.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from figures import report  # noqa: E402
from sqlalchemy import event as sa_event  # noqa: E402

from eventmgr.app import create_app  # noqa: E402
from eventmgr.platform.db import db  # noqa: E402

OSLO = ZoneInfo("Europe/Oslo")
SPEAKERS = 60
ROOMS = ("Auditorium", "Hall B", "Seminar room", "Foyer")
THEMES = ("tumour evolution", "epigenetics", "metabolism", "cell therapy", "AI", "biomarkers")


def build(slug: str, n_items: int) -> None:
    """An event of `n_items` items: per room and day, sessions of three talks and breaks."""
    from eventmgr.events.services import create_event
    from eventmgr.programme import services

    event = create_event(
        {
            "slug": slug,
            "name": f"Bench {n_items}",
            "timezone": "Europe/Oslo",
            "starts_at": datetime(2025, 5, 6, 8, tzinfo=OSLO),
            "ends_at": datetime(2025, 5, 7, 20, tzinfo=OSLO),
            "published": True,
        }
    )
    rooms = [services.save_room(event, {"name": name, "capacity": 100}) for name in ROOMS]
    people = [
        services.save_person(
            event, {"name": f"Speaker {n:02d}", "affiliation": f"Institute {n % 17}"}
        )
        for n in range(SPEAKERS)
    ]
    made = 0
    slot = 0
    while made < n_items:
        day, rest = divmod(slot, len(ROOMS) * 12)
        room_index, block = divmod(rest, 12)
        start = datetime(2025, 5, 6 + day % 2, 8, tzinfo=OSLO) + timedelta(minutes=70 * block)
        room = rooms[room_index]
        slot += 1
        if block % 4 == 3:
            services.create_item(
                event,
                {
                    "kind": "break",
                    "title": "Coffee",
                    "starts_at": start,
                    "ends_at": start + timedelta(minutes=60),
                    "room_id": room.id,
                },
            )
            made += 1
            continue
        session = services.create_item(
            event,
            {
                "kind": "session",
                "title": f"Session {slot}",
                "theme": f"{THEMES[slot % 6]}, {THEMES[(slot + 1) % 6]}",
                "starts_at": start,
                "ends_at": start + timedelta(minutes=60),
                "room_id": room.id,
                "moderator_ids": [people[slot % SPEAKERS].id, people[(slot + 7) % SPEAKERS].id],
            },
        )
        made += 1
        for talk in range(3):
            if made >= n_items:
                break
            begins = start + timedelta(minutes=20 * talk)
            services.create_item(
                event,
                {
                    "kind": "talk",
                    "title": f"Talk {slot}.{talk} on {THEMES[(slot + talk) % 6]}",
                    "abstract": "An abstract of a few sentences. " * 5,
                    "starts_at": begins,
                    "ends_at": begins + timedelta(minutes=20),
                    "parent_id": session.id,
                    "delivery": "digital" if talk == 2 else "on_site",
                    "speaker_ids": [people[(slot * 3 + talk) % SPEAKERS].id],
                },
            )
            made += 1
    services.publish(event, confirm=True)
    db.session.commit()


class QueryCounter:
    """Counts SQL statements sent by the engine (before_cursor_execute)."""

    def __init__(self, engine):
        self.count = 0
        sa_event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args) -> None:
        self.count += 1


def measure(client, counter: QueryCounter, url: str, repeat: int) -> tuple[float, float, float]:
    """Median and p95 milliseconds, and queries per request."""
    assert client.get(url).status_code == 200, url  # warm up
    times = []
    counter.count = 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    queries = counter.count / repeat
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], queries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a run of a few seconds (CI)")
    args = parser.parse_args()
    repeat = 30 if args.quick else 300
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "INSTANCE_PATH": tmp,
                "SECRET_KEY": "bench",
                "TESTING": True,
                "RATELIMIT_ENABLED": False,
            }
        )
        from flask_migrate import upgrade

        rows = []
        with app.app_context():
            upgrade()
            for n in (50, 200):
                with app.test_request_context():
                    build(f"bench-{n}", n)
            counter = QueryCounter(db.engine)
        # Outside the app context: each request gets its own, as in production (fresh `g`).
        client = app.test_client()
        for n in (50, 200):
            for label, path in (
                ("page", f"/events/bench-{n}/programme"),
                ("json", f"/api/v1/events/bench-{n}/programme"),
            ):
                median, p95, queries = measure(client, counter, path, repeat)
                rows.append((label, n, median, p95, queries))
        with app.app_context():
            _cleanup(app, url)
    print(f"{SPEAKERS} speakers, {repeat} requests per row, database: {url.split(':')[0]}")
    print(f"{'what':<6}{'items':>6}{'median ms':>11}{'p95 ms':>9}{'queries':>9}")
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    for label, n, median, p95, queries in rows:
        print(f"{label:<6}{n:>6}{median:>11.2f}{p95:>9.2f}{queries:>9.1f}")
        report(
            f"programme {label}, {n} items, p95, {database}",
            round(p95, 2),
            "ms",
            "< 20 ms",
            p95 < 20,
        )
    by_label: dict[str, set[float]] = {}
    for label, _n, _m, _p, queries in rows:
        by_label.setdefault(label, set()).add(queries)
    grows = [label for label, counts in by_label.items() if len(counts) > 1]
    for label, counts in by_label.items():
        report(
            f"programme {label}: queries per request, 50 vs 200 items",
            " vs ".join(f"{q:g}" for q in sorted(counts)) if len(counts) > 1 else max(counts),
            "",
            "same for both",
            len(counts) == 1,
        )
    if grows:
        print(f"query count grows with the number of items for: {', '.join(grows)}")
        return 1
    print("query count is the same for 50 and 200 items (no N+1)")
    return 0


def _cleanup(app, url: str) -> None:
    """A BENCH_DATABASE_URL database is left as it was found: its tables are dropped."""
    if os.environ.get("BENCH_DATABASE_URL"):
        from flask_migrate import downgrade

        db.session.remove()
        downgrade(revision="base")
    db.engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
