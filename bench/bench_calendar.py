"""Benchmark the programme's .ics feed and its revalidation (304).

Builds an event with 200 published items (bench_programme.build: sessions of talks, keynotes,
breaks over four rooms and two days, 60 speakers) and requests /events/<slug>/programme.ics
in-process with Flask's test client (server time: routing, database, feed, response; no
network). Rows:

- full feed: 200 with the whole calendar, as a new subscriber or a changed programme gets it;
- first build: the same right after a publication, with every in-process cache emptied first
  (the parsed snapshot, the derived SEQUENCE history, the serialised VEVENTs);
- 304 ETag / 304 date: a subscription polling with If-None-Match / If-Modified-Since.

Goals: full feed median and p95 < 30 ms, 304 median and p95 < 3 ms.

    python bench/bench_calendar.py            # 300 requests per row
    python bench/bench_calendar.py --quick    # 30 requests per row, for CI
    BENCH_DATABASE_URL=postgresql+psycopg://... python bench/bench_calendar.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_programme import QueryCounter, build  # noqa: E402
from figures import report  # noqa: E402

from eventmgr.app import create_app  # noqa: E402
from eventmgr.platform.db import db  # noqa: E402

ITEMS = 200
FULL_GOAL_MS = 30.0
NOT_MODIFIED_GOAL_MS = 3.0


def _empty_caches() -> None:
    from eventmgr.calendar import ics, services
    from eventmgr.programme import services as programme

    services._HISTORIES.clear()
    services._ENTRIES.clear()
    programme._PARSED.clear()
    ics._vevent_bytes.cache_clear()


def measure(client, counter, url, repeat, headers=None, status=200, before=None):
    """Median and p95 milliseconds, queries per request, and the last response."""
    response = client.get(url, headers=headers or {})  # warm up
    assert response.status_code == status, (url, response.status_code)
    times = []
    counter.count = 0
    for _ in range(repeat):
        if before:
            before()
        started = time.perf_counter()
        response = client.get(url, headers=headers or {})
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == status
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], counter.count / repeat


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
                "BASE_URL": "https://events.example.org",
            }
        )
        from flask_migrate import upgrade

        with app.app_context():
            upgrade()
            with app.test_request_context():
                build("bench-cal", ITEMS)
            counter = QueryCounter(db.engine)
        client = app.test_client()
        path = "/events/bench-cal/programme.ics"
        first = client.get(path)
        size = len(first.data)
        events = first.data.count(b"BEGIN:VEVENT")
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        rows = [
            ("full feed", *measure(client, counter, path, repeat)),
            (
                "first build",
                *measure(client, counter, path, max(10, repeat // 10), before=_empty_caches),
            ),
            ("304 ETag", *measure(client, counter, path, repeat, {"If-None-Match": etag}, 304)),
            (
                "304 date",
                *measure(client, counter, path, repeat, {"If-Modified-Since": modified}, 304),
            ),
        ]
        with app.app_context():
            _cleanup()
    print(
        f"programme.ics of {events} items ({size // 1024} KiB), in-process test client, "
        f"{repeat} requests per row, database: {url.split(':')[0]}, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(f"{'what':<12}{'median ms':>11}{'p95 ms':>9}{'queries':>9}")
    for label, median, p95, queries in rows:
        print(f"{label:<12}{median:>11.2f}{p95:>9.2f}{queries:>9.1f}")
    for label, median, p95, _queries in rows:
        if label == "first build":
            report("calendar feed 200 items, first build: median", median, "ms")
            report("calendar feed 200 items, first build: p95", p95, "ms")
            continue
        goal = FULL_GOAL_MS if label == "full feed" else NOT_MODIFIED_GOAL_MS
        for name, value in (("median", median), ("p95", p95)):
            met = value < goal
            report(f"calendar {label} 200 items: {name}", value, "ms", f"< {goal:g} ms", met)
    return 0  # a missed goal is reported in the table, never a failure of the run


def _cleanup() -> None:
    """A BENCH_DATABASE_URL database is left as it was found: its tables are dropped."""
    if os.environ.get("BENCH_DATABASE_URL"):
        from flask_migrate import downgrade

        db.session.remove()
        downgrade(revision="base")
    db.engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
