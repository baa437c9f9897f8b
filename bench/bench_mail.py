"""Benchmark of mail delivery by workers: a message to every registrant of a generated event,
delivered by two `flask jobs work --loop` workers to a local SMTP server.

    python bench/bench_mail.py            # 10,000 recipients
    python bench/bench_mail.py --quick    # 1,000 (CI)

Goals on 2 cores: the 10,000 messages are queued in under 5 s, and delivered at 200 mails per
second or more. BENCH_DATABASE_URL chooses PostgreSQL (else SQLite). Every recipient must get
exactly one copy; the exit code is non-zero if not.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from figures import report  # noqa: E402
from scratch import free_port, fresh_database  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from eventmgr.app import create_app  # noqa: E402
from eventmgr.mail.models import SENT, OutboxMessage  # noqa: E402
from eventmgr.mail.services import queue_mail  # noqa: E402
from eventmgr.platform.db import commit, db  # noqa: E402

SINK = textwrap.dedent(
    """
    import sys, time
    from aiosmtpd.controller import Controller
    got = []
    class Handler:
        async def handle_DATA(self, server, session, envelope):
            got.append(envelope.rcpt_tos[0])
            return "250 OK"
    controller = Controller(Handler(), hostname="127.0.0.1", port=int(sys.argv[1]))
    controller.start()
    try:
        sys.stdin.read()
    finally:
        controller.stop()
        print(len(got), len(set(got)))
    """
)


def _queue(app, recipients: int) -> float:
    """Queue one message per recipient in one unit of work, as a campaign does; seconds."""
    started = time.perf_counter()
    with app.app_context():
        for n in range(_queue.count, _queue.count + recipients):
            queue_mail(
                f"person{n}@example.org",
                "Practical information for tomorrow",
                f"Dear Person {n},\n\nDoors open at 09:30.\n",
                rule="bench.campaign",
            )
        commit()
    _queue.count += recipients
    return time.perf_counter() - started


_queue.count = 0


def _sent(app) -> int:
    with app.app_context():
        count = db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == SENT)
        )
        db.session.remove()
        return count


def _until(app, count: int) -> None:
    deadline = time.monotonic() + 600
    while _sent(app) < count:
        if time.monotonic() > deadline:
            raise SystemExit("delivery did not finish in 10 minutes")
        time.sleep(0.05)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 recipients (CI)")
    parser.add_argument("--recipients", type=int, default=None)
    args = parser.parse_args(argv)
    recipients = args.recipients or (1000 if args.quick else 10_000)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url = fresh_database(workdir)
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "INSTANCE_PATH": str(workdir),
                "SECRET_KEY": "bench",
                "MAIL_SERVER": "",
            }
        )
        from flask_migrate import upgrade

        with app.app_context():
            upgrade()
        port = free_port()
        sink = subprocess.Popen(
            [sys.executable, "-c", SINK, str(port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        env = {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(port),
            "MAIL_IN_PROCESS": "0",
            "LOG_LEVEL": "WARNING",
        }
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
        try:
            _queue(app, 2)  # warm-up: both workers started and delivering
            _until(app, 2)
            queued = _queue(app, recipients)
            started = time.perf_counter()
            _until(app, recipients + 2)
            seconds = time.perf_counter() - started
        finally:
            for worker in workers:
                worker.terminate()
                worker.wait(30)
            out, _err = sink.communicate("", timeout=30)
        got, distinct = (int(v) for v in out.split())
        got, distinct = got - 2, distinct - 2
    rate = recipients / seconds
    print(f"{'recipients':>10}  {'queued s':>8}  {'delivery s':>10}  {'mails/s':>8}  {'copies':>6}")
    print(f"{recipients:>10}  {queued:>8.2f}  {seconds:>10.2f}  {rate:>8.0f}  {got:>6}")
    report(f"mail: queue {recipients} messages", round(queued, 2), "s", "< 5 s", queued < 5)
    report(f"mail: two workers deliver {recipients}", round(rate), "mails/s", ">= 200", rate >= 200)
    return 0 if got == distinct == recipients else 1


if __name__ == "__main__":
    sys.exit(main())
