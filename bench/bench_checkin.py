"""Door check-in: scans through the API against gunicorn with 2 workers, from 8 clients.

5,000 scans mix first scans, repeats (already checked in) and unknown codes, each with its
nonce, door and device as the scanner page sends them. The same server, in the same run, also
serves a bare Flask "hello" (EVENTMGR_BENCH_HELLO=1 adds it to the same app, with the same
hooks and headers) to the same clients, in alternating rounds: the goal is p99 under 25 ms
and at least 60% of the hello throughput. Clients are plain http.client connections, one per
thread.

    python bench/bench_checkin.py            # 5,000 scans
    python bench/bench_checkin.py --quick    # 1,000, for CI
    BENCH_DATABASE_URL=postgresql+psycopg://.../scratch python bench/bench_checkin.py

BENCH_DATABASE_URL must name a scratch PostgreSQL database: its public schema is emptied.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from figures import report  # noqa: E402
from scratch import cpu_seconds, fresh_database, gunicorn  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from eventmgr.accounts.services import get_or_create_user, grant_role, issue_api_token  # noqa: E402
from eventmgr.app import create_app  # noqa: E402
from eventmgr.checkin.models import Checkin  # noqa: E402
from eventmgr.events.models import Event  # noqa: E402
from eventmgr.platform.db import db, utcnow  # noqa: E402
from eventmgr.platform.tokens import hash_secret  # noqa: E402
from eventmgr.registration.links import new_badge_code, new_token  # noqa: E402
from eventmgr.registration.models import Registration  # noqa: E402

SLUG = "door-rush"
ROUNDS = 10


def _prepare(url: str, workdir: Path, people: int) -> tuple[object, str, list[str]]:
    """A migrated database with one event, `people` confirmed on-site badges, a door token."""
    from flask_migrate import upgrade

    app = create_app(
        {"INSTANCE_PATH": str(workdir), "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"}
    )
    with app.app_context():
        upgrade()
        event = Event(
            slug=SLUG,
            name="Door rush",
            starts_at=datetime(2030, 1, 26, 9, tzinfo=UTC),
            ends_at=datetime(2030, 1, 26, 17, tzinfo=UTC),
            timezone="Europe/Oslo",
            published=True,
        )
        db.session.add(event)
        db.session.flush()
        now = utcnow()
        rows = [
            {
                "event_id": event.id,
                "name": f"Door Person {i}",
                "email": f"door{i}@example.org",
                "email_key": f"door{i}@example.org",
                "organisation": "Oslo universitetssykehus",
                "category": "oncologist",
                "mode": "on_site",
                "status": "confirmed",
                "token_hash": hash_secret(new_token()),
                "badge_code": new_badge_code(),
                "created_at": now,
                "queued_at": now,
            }
            for i in range(people)
        ]
        db.session.execute(insert(Registration), rows)
        user = get_or_create_user("bench-door@example.org", "Bench door", "bench-door-pass")
        db.session.flush()
        grant_role(user, "door_staff", event.id)
        db.session.commit()
        token = issue_api_token(user)
        db.session.commit()
        db.engine.dispose()
    return app, token, [r["badge_code"] for r in rows]


def _workload(codes: list[str], count: int) -> list[str]:
    """About 55% first scans, 30% repeats of a badge scanned before, 15% unknown codes."""
    rnd = random.Random(2023)
    firsts = iter(codes)
    seen: list[str] = []
    items = []
    for _ in range(count):
        roll = rnd.random()
        if roll < 0.15:
            items.append(new_badge_code() if rnd.random() < 0.7 else "garbage-" + str(roll))
        elif roll < 0.45 and seen:
            items.append(rnd.choice(seen))
        else:
            code = next(firsts)
            seen.append(code)
            items.append(code)
    return items


def _fire(base: str, requests_: list[tuple[str, str, bytes | None]], clients: int):
    """Each client thread sends its share over its own http.client connection."""
    host = urlsplit(base)
    latencies: list[float] = []
    answers: list[tuple[int, bytes]] = []
    lock = threading.Lock()

    def client(share: list[tuple[str, str, bytes | None]], headers: dict) -> None:
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        mine, got = [], []
        for method, path, body in share:
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            mine.append(time.perf_counter() - started)
            got.append((response.status, data))
            if response.will_close:
                conn.close()
        conn.close()
        with lock:
            latencies.extend(mine)
            answers.extend(got)

    threads = []
    for i in range(clients):
        share = requests_[i::clients]
        threads.append(threading.Thread(target=client, args=(share, HEADERS)))
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, answers, time.perf_counter() - started


HEADERS: dict[str, str] = {}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def _scan_requests(items: list[str], offset: int = 0) -> list[tuple[str, str, bytes]]:
    path = f"/api/v1/events/{SLUG}/checkins"
    return [
        (
            "POST",
            path,
            json.dumps(
                {
                    "code": code,
                    "nonce": f"bench-{offset + i}",
                    "door": f"Door {i % 4}",
                    "device": f"device-{i % 8}",
                }
            ).encode(),
        )
        for i, code in enumerate(items)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 scans")
    parser.add_argument("--count", type=int, default=None)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    count = args.count or (1000 if args.quick else 5000)
    warm = 200
    with tempfile.TemporaryDirectory(prefix="bench-checkin-") as tmp:
        workdir = Path(tmp)
        url = fresh_database(workdir)
        app, token, codes = _prepare(url, workdir, count + warm)
        HEADERS.update({"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        warm_codes, codes = codes[:warm], codes[warm:]
        items = _workload(codes, count)
        server = gunicorn(url, args.workers, workdir, "/bench/hello", EVENTMGR_BENCH_HELLO="1")
        with server as (process, port):
            base = f"http://127.0.0.1:{port}"
            hello = [("GET", "/bench/hello", None)] * count
            _fire(base, hello[:warm], args.clients)
            _fire(base, _scan_requests(warm_codes, offset=10**6), args.clients)
            # alternate rounds of each, so that both meet the same machine (others' load
            # drifts on a shared one); the figures add up the rounds
            hello_lat, hello_answers, scan_lat, scan_answers = [], [], [], []
            hello_wall = scan_wall = 0.0
            cpu = {"hello": [0.0, 0.0], "scan": [0.0, 0.0]}  # server, client seconds

            def fire(kind: str, share: list) -> tuple:
                server, client = cpu_seconds(process.pid), time.process_time()
                result = _fire(base, share, args.clients)
                cpu[kind][0] += cpu_seconds(process.pid) - server
                cpu[kind][1] += time.process_time() - client
                return result

            scans = _scan_requests(items)
            step = max(1, count // ROUNDS)
            for start in range(0, count, step):
                lat, answers, wall = fire("hello", hello[start : start + step])
                hello_lat, hello_answers, hello_wall = (
                    hello_lat + lat,
                    hello_answers + answers,
                    hello_wall + wall,
                )
                lat, answers, wall = fire("scan", scans[start : start + step])
                scan_lat, scan_answers, scan_wall = (
                    scan_lat + lat,
                    scan_answers + answers,
                    scan_wall + wall,
                )
        with app.app_context():
            checked_in = db.session.scalar(select(func.count(Checkin.id)))
            db.engine.dispose()
    outcomes = Counter(
        json.loads(body).get("reason") or json.loads(body).get("status")
        if status == 200
        else f"HTTP {status}"
        for status, body in scan_answers
    )
    failures = sum(1 for status, _ in scan_answers + hello_answers if status != 200)
    first_scans = len(set(items) & set(codes))
    scan_rate, hello_rate = count / scan_wall, count / hello_wall
    ratio = scan_rate / hello_rate
    ms = sorted(v * 1000 for v in scan_lat)
    hello_ms = sorted(v * 1000 for v in hello_lat)
    p99 = _percentile(ms, 99)
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(
        f"door check-in: {count} scans, {args.clients} clients, gunicorn -w {args.workers}, "
        f"{backend}; outcomes: {dict(outcomes)}"
    )
    print(
        f"| {'endpoint':<20} | {'req/s':>8} | {'p50 ms':>7} | {'p95 ms':>7} | {'p99 ms':>7} "
        f"| {'server CPU ms':>13} | {'client CPU ms':>13} |"
    )
    print(f"|{'-' * 22}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 15}|{'-' * 15}|")
    for name, kind, rate, lat in (
        ("POST checkins", "scan", scan_rate, ms),
        ("GET hello", "hello", hello_rate, hello_ms),
    ):
        server, client = (v / count * 1000 for v in cpu[kind])
        print(
            f"| {name:<20} | {rate:>8.0f} | {_percentile(lat, 50):>7.1f} | "
            f"{_percentile(lat, 95):>7.1f} | {_percentile(lat, 99):>7.1f} "
            f"| {server:>13.2f} | {client:>13.2f} |"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    ok_counts = checked_in == first_scans + warm and outcomes.get("accepted") == first_scans
    print(f"scan throughput / hello throughput: {ratio:.0%} (goal >= 60%)")
    print(f"p99 scan latency: {p99:.1f} ms (goal < 25 ms)")
    print(f"check-ins stored: {checked_in} (expected {first_scans + warm}); failures: {failures}")
    report("check-in scans per second", round(scan_rate), "scans/s")
    report("check-in p50 latency", round(_percentile(ms, 50), 1), "ms")
    report("check-in p95 latency", round(_percentile(ms, 95), 1), "ms")
    report("check-in p99 latency", round(p99, 1), "ms", "< 25 ms", p99 < 25)
    report("hello requests per second", round(hello_rate), "req/s")
    report("check-in throughput vs hello", round(ratio * 100), "%", ">= 60 %", ratio >= 0.6)
    return 0 if failures == 0 and ok_counts else 1


if __name__ == "__main__":
    sys.exit(main())
