"""Benchmark of a message to every attendee: one API request queues it, two workers deliver it.

    python bench/bench_messages.py            # about 10,000 recipients
    python bench/bench_messages.py --quick    # about 1,000 (CI)

An event from `flask seed-synthetic` (sized so that about N registrations are not cancelled)
is served by gunicorn; ONE request to POST /api/v1/events/<slug>/messages with the audience {}
queues the message for everyone (timed), then two `flask jobs work --loop` workers deliver it
to a local SMTP server (timed from the answer to the last acceptance). Goals on 2 cores: queued
in under 5 s, delivered at 200 mails per second or more. BENCH_DATABASE_URL chooses PostgreSQL
(else SQLite). Every recipient must get exactly one copy; the exit code is non-zero if not.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench_mail import SINK  # noqa: E402
from figures import report  # noqa: E402
from scratch import free_port, fresh_database, gunicorn  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from eventmgr.app import create_app  # noqa: E402
from eventmgr.mail.models import SENT, OutboxMessage  # noqa: E402
from eventmgr.platform.db import db  # noqa: E402

SLUG = "synthetic"
CANCELLED_SHARE = 0.05  # seed-synthetic cancels about one in twenty


def _prepare(url: str, workdir: Path, attendees: int) -> tuple[object, str]:
    """Migrate, seed through the command, and give an organiser an API token."""
    from flask_migrate import upgrade

    from eventmgr.accounts.services import get_or_create_user, grant_role, issue_api_token
    from eventmgr.events.models import Event
    from eventmgr.platform.roles import Role

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_PATH": str(workdir),
            "SECRET_KEY": "bench",
            "MAIL_SERVER": "",
        }
    )
    with app.app_context():
        upgrade()
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "seed-synthetic"]
        + ["--attendees", str(attendees), "--slug", SLUG],
        cwd=ROOT,
        env=os.environ | {"DATABASE_URL": url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING"},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == SLUG))
        user = get_or_create_user("organiser@bench.example.org", name="Bench Organiser")
        grant_role(user, Role.ORGANISER, event.id)
        token = issue_api_token(user)
        db.session.commit()
    return app, token


def _post(port: int, token: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/events/{SLUG}/messages",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=120) as answer:
        return answer.status, json.loads(answer.read())


def _sent(app) -> int:
    with app.app_context():
        count = db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == SENT)
        )
        db.session.remove()
        return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about 1,000 recipients (CI)")
    parser.add_argument("--recipients", type=int, default=None)
    args = parser.parse_args(argv)
    wanted = args.recipients or (1000 if args.quick else 10_000)
    attendees = round(wanted / (1 - CANCELLED_SHARE))
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url = fresh_database(workdir)
        app, token = _prepare(url, workdir, attendees)
        port = free_port()
        sink = subprocess.Popen(
            [sys.executable, "-c", SINK, str(port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port), "MAIL_IN_PROCESS": "0"}
        env = {"DATABASE_URL": url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING"} | mail
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "app", "jobs", "work", "--loop"]
                + ["--interval", "0.1"],
                cwd=ROOT,
                env=os.environ | env,
                stdout=subprocess.DEVNULL,
            )
            for _ in range(2)
        ]
        server = gunicorn(url, 1, workdir, "/healthz", MAIL_IN_PROCESS="0")
        try:
            with server as (_process, web_port):
                time.sleep(2)  # the workers are up and polling
                body = {
                    "audience": {},
                    "kind": "practical",
                    "subject": {"en": "Practical information", "nb": "Praktisk informasjon"},
                    "body": {
                        "en": "Dear {name},\n\nDoors open at 08:00. Your page: {manage_link}\n",
                        "nb": "Kjære {name},\n\nDørene åpner 08:00. Din side: {manage_link}\n",
                    },
                }
                started = time.perf_counter()
                status, answer = _post(web_port, token, body)
                queued = time.perf_counter() - started
                if status != 201:
                    raise SystemExit(f"the API answered {status}: {answer}")
                recipients = answer["recipients"]
                started = time.perf_counter()
                deadline = time.monotonic() + 900
                while _sent(app) < recipients:
                    if time.monotonic() > deadline:
                        raise SystemExit("delivery did not finish in 15 minutes")
                    time.sleep(0.05)
                seconds = time.perf_counter() - started
        finally:
            for worker in workers:
                worker.terminate()
                worker.wait(30)
            out, _err = sink.communicate("", timeout=30)
        got, distinct = (int(v) for v in out.split())
    rate = recipients / seconds
    print(f"{'recipients':>10}  {'queue s':>7}  {'delivery s':>10}  {'mails/s':>8}  {'copies':>6}")
    print(f"{recipients:>10}  {queued:>7.2f}  {seconds:>10.2f}  {rate:>8.0f}  {got:>6}")
    report(f"messages: one request queues {recipients}", round(queued, 2), "s", "< 5 s", queued < 5)
    report(
        f"messages: two workers deliver {recipients}", round(rate), "mails/s", ">= 200", rate >= 200
    )
    return 0 if got == distinct == recipients else 1


if __name__ == "__main__":
    sys.exit(main())
