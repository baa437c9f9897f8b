"""Questions of one session polled by 550 viewers every 5 seconds, against gunicorn (2 workers).

An event on now with one session, 40 approved questions and 550 confirmed registrants (300 on
site, 250 digital). Each simulated viewer opens the room page through its manage link (its
browser session then names it), then polls /events/<slug>/qa/<item> every 5 seconds with the
ETag it got, as static/js/qa.js does. Meanwhile questions are asked and approved (one change
every 5 seconds), so some polls are 200s and most are 304s. Server time per poll is the CPU of
gunicorn's workers divided by the polls (the machine is shared; CPU says more than the wall
clock). Goal: under 2 ms of server CPU per poll.

    python bench/bench_questions.py            # 550 viewers, 60 seconds
    python bench/bench_questions.py --quick    # 550 viewers, 15 seconds (CI)
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from figures import report  # noqa: E402
from scratch import cpu_seconds, fresh_database, gunicorn  # noqa: E402

from eventmgr.app import create_app  # noqa: E402
from eventmgr.platform.db import db, utcnow  # noqa: E402

SLUG = "qa-rush"
VIEWERS = 550
ON_SITE = 300
POLL_SECONDS = 5.0
GOAL_MS = 2.0
THREADS = 16


def _prepare(url: str, workdir: Path) -> tuple[int, list[str], str]:
    """The event, its session with 40 approved questions, 550 registrants and their tokens."""
    from flask_migrate import upgrade

    from eventmgr.digital import qa
    from eventmgr.events.services import create_event
    from eventmgr.programme import services as programme
    from eventmgr.registration import services as registration

    app = create_app(
        {"INSTANCE_PATH": str(workdir), "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"}
    )
    with app.app_context(), app.test_request_context():
        upgrade()
        now = utcnow()
        event = create_event(
            {
                "slug": SLUG,
                "name": "Q&A rush",
                "timezone": "Europe/Oslo",
                "starts_at": now - timedelta(hours=1),
                "ends_at": now + timedelta(hours=3),
                "published": True,
                "categories": [{"key": "other", "label": {"en": "Other", "nb": "Annet"}}],
            }
        )
        room = programme.save_room(event, {"name": "Auditorium"})
        session = programme.create_item(
            event,
            {
                "kind": "session",
                "title": "Evolution and epigenetics",
                "starts_at": now - timedelta(minutes=20),
                "ends_at": now + timedelta(hours=1),
                "room_id": room.id,
            },
        )
        programme.publish(event, confirm=True)
        tokens = []
        people = []
        for n in range(VIEWERS):
            outcome = registration.register(
                event,
                {
                    "name": f"Viewer {n}",
                    "email": f"viewer{n}@example.org",
                    "category": "other",
                    "mode": "on_site" if n < ON_SITE else "digital",
                    "consent": True,
                },
                actor="bench",
                public=False,
            )
            tokens.append(outcome.token)
            people.append(outcome.registration)
        for n in range(40):
            question = qa.ask(
                event, session.id, people[n], f"Question {n} about clones?", n % 3 == 0
            )
            qa.moderate(event, session.id, question.id, "approve")
        _link, moderator = qa.create_link(event, session.id, "bench")
        item_id = session.id
        db.session.remove()
    return item_id, tokens, moderator


class Viewer:
    """One browser: a session cookie from its manage link, then polls with If-None-Match."""

    def __init__(self, port: int, token: str, item_id: int):
        self.port = port
        self.path = f"/events/{SLUG}/qa/{item_id}"
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.conn.request("GET", f"/r/{token}/ask")
        response = self.conn.getresponse()
        response.read()
        cookie = response.getheader("Set-Cookie") or ""
        self.cookie = cookie.split(";", 1)[0]
        self.etag = None

    def hello(self) -> int:
        """The same request to a bare "hello" on the same app: the floor of any poll."""
        self.conn.request("GET", "/bench/hello", headers={"Cookie": self.cookie})
        response = self.conn.getresponse()
        response.read()
        return response.status

    def poll(self) -> int:
        headers = {"Cookie": self.cookie}
        if self.etag:
            headers["If-None-Match"] = self.etag
        self.conn.request("GET", self.path, headers=headers)
        response = self.conn.getresponse()
        body = response.read()
        if response.status == 200:
            json.loads(body)
            self.etag = response.getheader("ETag")
        elif response.status != 304:
            raise SystemExit(f"poll answered {response.status}: {body[:200]!r}")
        return response.status


def _call(conn, method: str, path: str, body: dict, headers: dict, expect: int) -> dict:
    conn.request(
        method, path, body=json.dumps(body), headers={"Content-Type": "application/json"} | headers
    )
    response = conn.getresponse()
    answer = json.loads(response.read())
    if response.status != expect:
        raise SystemExit(f"{method} {path} answered {response.status}: {answer}")
    return answer


def _changes(
    port: int, tokens: list[str], moderator: str, item_id: int, stop: threading.Event, every: float
) -> int:
    """Someone asks and the moderators approve it, every `every` seconds (through the API)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    path = f"/api/v1/events/{SLUG}/items/{item_id}/questions"
    count = 0
    while not stop.wait(every):
        asker = {"X-Registration-Token": tokens[count % len(tokens)]}
        asked = _call(conn, "POST", path, {"text": f"Late question {count}?"}, asker, 201)
        moderate = {"X-Moderator-Token": moderator}
        _call(conn, "PATCH", f"{path}/{asked['id']}", {"action": "approve"}, moderate, 200)
        count += 1
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="15 seconds instead of 60")
    args = parser.parse_args()
    duration = 15.0 if args.quick else 60.0
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url = fresh_database(workdir)
        item_id, tokens, moderator = _prepare(url, workdir)
        env = {"EVENTMGR_BENCH_HELLO": "1"}
        with gunicorn(url, 2, workdir, f"/events/{SLUG}", **env) as (server, port):
            viewers = [Viewer(port, token, item_id) for token in tokens]
            for viewer in viewers:  # everyone has the board once, as a page load would
                viewer.poll()
            statuses: list[int] = []
            latencies: list[float] = []
            lock = threading.Lock()
            stop = threading.Event()
            start_cpu = cpu_seconds(server.pid)
            started = time.monotonic()

            def run(group: list[Viewer], offset: float, hello: bool = False) -> None:
                # each viewer polls every POLL_SECONDS, spread evenly over the interval
                step = POLL_SECONDS / len(group)
                begun = time.monotonic()
                next_at = begun + offset
                n = 0
                while time.monotonic() - begun < (duration / 3 if hello else duration):
                    delay = next_at - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                    viewer = group[n % len(group)]
                    t0 = time.perf_counter()
                    status = viewer.hello() if hello else viewer.poll()
                    elapsed = (time.perf_counter() - t0) * 1000
                    if hello:
                        hellos.append(elapsed)
                        n += 1
                        next_at += step
                        continue
                    with lock:
                        statuses.append(status)
                        latencies.append(elapsed)
                    n += 1
                    next_at += step

            groups = [viewers[i::THREADS] for i in range(THREADS)]
            threads = [
                threading.Thread(target=run, args=(g, i * POLL_SECONDS / len(viewers)))
                for i, g in enumerate(groups)
            ]
            changer_result: list[int] = []
            changer = threading.Thread(
                target=lambda: changer_result.append(
                    _changes(port, tokens, moderator, item_id, stop, POLL_SECONDS)
                )
            )
            for thread in threads:
                thread.start()
            changer.start()
            for thread in threads:
                thread.join()
            stop.set()
            changer.join()
            wall = time.monotonic() - started
            cpu = cpu_seconds(server.pid) - start_cpu
            hellos: list[float] = []
            hello_cpu = cpu_seconds(server.pid)
            threads = [
                threading.Thread(target=run, args=(g, i * POLL_SECONDS / len(viewers), True))
                for i, g in enumerate(groups)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            hello_per = (cpu_seconds(server.pid) - hello_cpu) * 1000 / max(1, len(hellos))
    polls = len(statuses)
    per_poll = cpu * 1000 / polls
    not_modified = statuses.count(304)
    latencies.sort()
    print(f"{VIEWERS} viewers polling every {POLL_SECONDS:.0f} s for {wall:.0f} s")
    print(
        f"  polls: {polls} ({polls / wall:.0f}/s), 304: {not_modified}, 200: {polls - not_modified}"
    )
    print(f"  questions asked and approved meanwhile: {changer_result[0] if changer_result else 0}")
    print(f"  server CPU per poll: {per_poll:.3f} ms (goal < {GOAL_MS} ms)")
    print(f"  a bare hello at the same rate, same server: {hello_per:.3f} ms CPU per request")
    print(
        f"  latency median {statistics.median(latencies):.2f} ms, "
        f"p99 {latencies[int(0.99 * (len(latencies) - 1))]:.2f} ms"
    )
    report(
        "Q&A poll, 550 viewers every 5 s: server CPU per poll",
        round(per_poll, 3),
        "ms",
        f"< {GOAL_MS} ms",
        per_poll < GOAL_MS,
    )
    report("Q&A poll: share answered 304", round(100 * not_modified / polls, 1), "%")
    report("Q&A poll: a bare hello on the same server, CPU per request", round(hello_per, 3), "ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
