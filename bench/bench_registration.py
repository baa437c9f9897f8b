"""Registration surge: many people registering at once through the public API.

Starts gunicorn with 2 workers on a fresh database, fires the registrations from 16 concurrent
clients, prints registrations per second and latency percentiles, and checks that the on-site
places were not oversold (and that everyone beyond them is on the waiting list).

    python bench/bench_registration.py            # 2,000 registrations
    python bench/bench_registration.py --quick    # 200, for CI
    BENCH_DATABASE_URL=postgresql+psycopg://.../scratch python bench/bench_registration.py

BENCH_DATABASE_URL must name a scratch PostgreSQL database: its public schema is emptied.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from figures import report  # noqa: E402
from scratch import cpu_seconds, fresh_database, gunicorn  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from eventmgr.app import create_app  # noqa: E402
from eventmgr.demo.seed import demo_categories  # noqa: E402
from eventmgr.demo.synthetic import seed_synthetic  # noqa: E402
from eventmgr.events.models import Event  # noqa: E402
from eventmgr.events.services import update_event  # noqa: E402
from eventmgr.platform.db import db  # noqa: E402
from eventmgr.registration.models import Registration  # noqa: E402

CATEGORIES = ("oncologist", "haematologist", "researcher", "industry", "student")


def _prepare(url: str, workdir: Path, capacity: int, existing: int) -> tuple[object, str]:
    from flask_migrate import upgrade

    app = create_app(
        {
            "INSTANCE_PATH": str(workdir),
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "MAIL_SERVER": "",
        }
    )
    with app.app_context(), app.test_request_context():
        upgrade()
        # A generated event of realistic size (programme, registrations so far); its capacity
        # is raised, through the rules (the waiting list is promoted), to leave `capacity`
        # places for the surge.
        event = seed_synthetic(existing, "surge")
        taken = db.session.scalar(
            select(func.count(Registration.id)).where(
                Registration.event_id == event.id,
                Registration.mode == "on_site",
                Registration.status.in_(("confirmed", "waitlisted")),
            )
        )
        update_event(event, {"onsite_capacity": taken + capacity})
        db.session.add(
            Event(
                slug="warm-up",
                name="Warm-up",
                starts_at=datetime(2030, 1, 26, 9, tzinfo=UTC),
                ends_at=datetime(2030, 1, 26, 17, tzinfo=UTC),
                timezone="Europe/Oslo",
                venue="Auditorium",
                published=True,
                categories=demo_categories(),
            )
        )
        db.session.commit()
    return app, "surge"


def _body(i: int) -> dict:
    return {
        "name": f"Surge Person {i}",
        "email": f"surge{i}@example.org",
        "organisation": "Oslo universitetssykehus",
        "category": CATEGORIES[i % len(CATEGORIES)],
        "mode": "digital" if i % 10 == 9 else "on_site",
        "consent": True,
    }


def _fire(port: int, path: str, count: int, clients: int, offset: int = 0):
    """`clients` threads, each with one HTTP connection that it reuses (http.client reconnects
    by itself when the server closes it), take the next registration until all are sent."""
    numbers = itertools.count()
    results: list[tuple[float, int, str]] = []
    lock = threading.Lock()
    headers = {"Content-Type": "application/json"}

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while (i := next(numbers)) < count:
            payload = json.dumps(_body(offset + i))
            started = time.perf_counter()
            conn.request("POST", path, body=payload, headers=headers)
            response = conn.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - started
            status = json.loads(data).get("status", "") if response.status == 201 else ""
            mine.append((elapsed, response.status, status))
        conn.close()
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return [r[0] for r in results], [(r[1], r[2]) for r in results], wall


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def _check(app, slug: str, answers: list) -> tuple[int, int, int, bool]:
    """On-site confirmed and waiting among the surge's people, failed requests, and whether
    the event as a whole stayed within its capacity."""
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        on_site = (Registration.event_id == event.id, Registration.mode == "on_site")
        rows = dict(
            db.session.execute(
                select(Registration.status, func.count(Registration.id))
                .where(*on_site, Registration.email_key.like("surge%"))
                .group_by(Registration.status)
            ).all()
        )
        total = db.session.scalar(
            select(func.count(Registration.id)).where(*on_site, Registration.status == "confirmed")
        )
        within = total <= event.onsite_capacity
        db.engine.dispose()
    confirmed, waiting = rows.get("confirmed", 0), rows.get("waitlisted", 0)
    failures = sum(1 for code, _status in answers if code != 201)
    return confirmed, waiting, failures, within


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about 200 registrations")
    parser.add_argument("--count", type=int, default=None)
    parser.add_argument(
        "--existing", type=int, default=None, help="registrations before the surge (500)"
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    count = args.count or (200 if args.quick else 2000)
    if args.existing is None:
        args.existing = 100 if args.quick else 500
    capacity = count * 6 // 10
    with tempfile.TemporaryDirectory(prefix="bench-registration-") as tmp:
        workdir = Path(tmp)
        url = fresh_database(workdir)
        app, slug = _prepare(url, workdir, capacity, args.existing)
        # The whole surge comes from one address, so the per-address limit is switched off
        # for this server (the table says so); the limiter itself stays installed.
        with gunicorn(url, args.workers, workdir, "/healthz", REGISTRATION_RATE_LIMIT="") as (
            process,
            port,
        ):
            _fire(port, "/api/v1/events/warm-up/registrations", 40, args.clients, offset=10**6)
            server_cpu = cpu_seconds(process.pid)
            client_cpu = time.process_time()
            latencies, answers, wall = _fire(
                port, f"/api/v1/events/{slug}/registrations", count, args.clients
            )
            server_cpu = cpu_seconds(process.pid) - server_cpu
            client_cpu = time.process_time() - client_cpu
        confirmed, waiting, failures, within = _check(app, slug, answers)
    on_site_requests = sum(1 for i in range(count) if _body(i)["mode"] == "on_site")
    rate = count / wall
    ms = [v * 1000 for v in latencies]
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(
        f"registration surge: {count} registrations, {args.clients} clients, "
        f"gunicorn -w {args.workers}, {backend}, on a generated event with "
        f"{args.existing} registrations already; registration rate limit off (one client address)"
    )
    print(f"| {'metric':<28} | {'value':>12} | {'goal':>10} |")
    print(f"|{'-' * 30}|{'-' * 14}|{'-' * 12}|")
    rows = [
        ("registrations/s", f"{rate:.0f}", ">= 300"),
        ("p50 latency (ms)", f"{_percentile(ms, 50):.1f}", ""),
        ("p95 latency (ms)", f"{_percentile(ms, 95):.1f}", ""),
        ("p99 latency (ms)", f"{_percentile(ms, 99):.1f}", "< 100"),
        ("mean latency (ms)", f"{statistics.fmean(ms):.1f}", ""),
        ("server CPU per request (ms)", f"{server_cpu / count * 1000:.2f}", ""),
        ("client CPU per request (ms)", f"{client_cpu / count * 1000:.2f}", ""),
        ("on-site places for the surge", f"{capacity}", ""),
        ("on-site confirmed", f"{confirmed}", f"= {min(capacity, on_site_requests)}"),
        ("on-site waiting list", f"{waiting}", f"= {max(0, on_site_requests - capacity)}"),
        ("failed requests", f"{failures}", "= 0"),
    ]
    for name, value, goal in rows:
        print(f"| {name:<28} | {value:>12} | {goal:>10} |")
    ok = (
        within
        and failures == 0
        and confirmed == min(capacity, on_site_requests)
        and waiting == max(0, on_site_requests - capacity)
    )
    print("oversold: no" if within and confirmed <= capacity else "OVERSOLD!")
    p99 = _percentile(ms, 99)
    report(
        f"registration surge, {backend}", round(rate), "registrations/s", ">= 300/s", rate >= 300
    )
    report(f"registration surge p99, {backend}", round(p99, 1), "ms", "< 100 ms", p99 < 100)
    report(
        f"registration surge on-site confirmed, {backend}",
        confirmed,
        "",
        f"= {min(capacity, on_site_requests)}",
        confirmed == min(capacity, on_site_requests),
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
