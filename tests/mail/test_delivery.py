"""Mail goes out from workers, never from the web request: claimed atomically, retried with
back-off on temporary refusals, failed on permanent ones, at a configured rate, and exactly
once per message through a worker killed with SIGKILL."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select, text, update

from eventmgr.mail.models import FAILED, QUEUED, SENT, OutboxMessage
from eventmgr.mail.services import queue_mail
from eventmgr.platform.config import ROOT
from eventmgr.platform.db import commit, db, utcnow
from tests.servers import flask_env, migrated_app
from tests.support import free_port


@contextmanager
def smtp_provider(answers: dict[str, list[str]] | None = None, hold_at: int | None = None):
    """An SMTP server that answers some recipients with given codes (one per attempt), and can
    hold the acceptance of its `hold_at`-th message until the client is killed. A message
    counts as received only when its acceptance could still reach the client (the server's
    responsibility starts with its 250, RFC 5321)."""
    from aiosmtpd.controller import Controller

    received: list[tuple[str, str]] = []  # (recipient, Message-ID)
    tries: Counter = Counter()
    holding, release = threading.Event(), threading.Event()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            recipient = envelope.rcpt_tos[0]
            tries[recipient] += 1
            planned = (answers or {}).get(recipient, [])
            if tries[recipient] <= len(planned) and not planned[tries[recipient] - 1].startswith(
                "250"
            ):
                return planned[tries[recipient] - 1]
            if hold_at is not None and len(received) + 1 == hold_at and not holding.is_set():
                holding.set()
                while not release.is_set():  # cancelled if the client dies meanwhile
                    await asyncio.sleep(0.01)
            message_id = envelope.content.split(b"Message-ID: ")[1].split(b"\r\n")[0].decode()
            received.append((recipient, message_id))
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received, holding, release
    finally:
        release.set()
        controller.stop()


def _queue(app, count: int, prefix: str = "person") -> None:
    with app.app_context():
        for n in range(count):
            queue_mail(
                f"{prefix}{n}@example.org", f"Hello {n}", "Practical information.", rule="test"
            )
        commit()


def _statuses(app) -> Counter:
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage.status))
        found = Counter(rows)
        db.session.remove()
        return found


def _worker(url: str, port: int, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "app",
            "jobs",
            "work",
            "--loop",
            "--interval",
            "0.2",
        ],
        cwd=ROOT,
        env=flask_env(
            url,
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=str(port),
            MAIL_LEASE_SECONDS="3",
            MAIL_BATCH="20",
            **env,
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(condition, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("gave up waiting")
        time.sleep(0.1)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_worker_killed_mid_campaign_leaves_every_recipient_one_copy(kind, tmp_path, request):
    """300 messages; the first worker is killed (SIGKILL) while the server holds its 120th
    acceptance; two new workers claim the rest, the killed worker's claim once its lease ends.
    Every recipient gets exactly one copy, and the outbox says sent for every message."""
    url = _database(kind, tmp_path, request)
    app = migrated_app(url, tmp_path / "instance")
    _queue(app, 300)
    with smtp_provider(hold_at=120) as (port, received, holding, release):
        first = _worker(url, port)
        assert holding.wait(120), "the first worker never reached the 120th message"
        os.kill(first.pid, signal.SIGKILL)
        first.wait(30)
        release.set()
        workers = [_worker(url, port), _worker(url, port)]
        try:
            _wait(lambda: _statuses(app)[SENT] == 300)
        finally:
            for worker in workers:
                worker.terminate()
                worker.wait(30)
        copies = Counter(recipient for recipient, _id in received)
    assert len(copies) == 300
    assert set(copies.values()) == {1}
    assert _statuses(app) == Counter({SENT: 300})


def _database(kind: str, tmp_path, request) -> str:
    from tests.servers import scratch_database

    name = "mail_" + str(abs(hash(request.node.nodeid)) % 10**8)
    return scratch_database(kind, tmp_path, name)


def test_postgres_workers_skip_each_others_claims(tmp_path, request):
    """While one worker holds its claim's rows locked, another claims the next messages, never
    the same ones and without waiting (FOR UPDATE SKIP LOCKED)."""
    from eventmgr.mail.delivery import claim

    url = _database("postgresql", tmp_path, request)
    app = migrated_app(url, tmp_path / "instance")
    _queue(app, 10)
    other = create_engine(url)
    with other.connect() as holder:
        held = (
            holder.execute(
                text("SELECT id FROM outbox_messages ORDER BY id LIMIT 4 FOR UPDATE SKIP LOCKED")
            )
            .scalars()
            .all()
        )
        with app.app_context():
            app.config["MAIL_SERVER"] = "127.0.0.1"
            claimed = [m.id for m in claim(4)]
            db.session.remove()
        holder.rollback()
    other.dispose()
    assert held == [1, 2, 3, 4]
    assert claimed == [5, 6, 7, 8]


def test_temporary_refusals_are_retried_permanent_ones_fail(app, login):
    """451: queued again with a back-off (due later, the error kept); 550: failed, and the
    administrator's outbox says why. A retry once due is sent."""
    answers = {
        "later@example.org": ["451 4.3.0 Mailbox busy, try later"],
        "gone@example.org": ["550 5.1.1 No such user"],
    }
    with smtp_provider(answers) as (port, received, *_):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_IN_PROCESS=False)
        try:
            with app.app_context():
                for who in ("later", "gone", "fine"):
                    queue_mail(f"{who}@example.org", "Reminder", "See you tomorrow.", rule="test")
                commit()
            runner = app.test_cli_runner()
            assert "sent 1 message(s)" in runner.invoke(args=["mail", "send"]).output
            with app.app_context():
                rows = {m.recipient: m for m in db.session.scalars(select(OutboxMessage))}
                later, gone = rows["later@example.org"], rows["gone@example.org"]
                assert (later.status, later.attempts) == (QUEUED, 1)
                assert "451" in later.last_error
                assert later.next_attempt_at > utcnow() + timedelta(seconds=20)
                assert (gone.status, gone.attempts) == (FAILED, 1) and "550" in gone.last_error
                # nothing is due yet: a second run sends nothing
            assert "sent 0 message(s)" in runner.invoke(args=["mail", "send"]).output
            with app.app_context():
                db.session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.recipient == "later@example.org")
                    .values(next_attempt_at=utcnow())
                )
                commit()
            assert "sent 1 message(s)" in runner.invoke(args=["mail", "send"]).output
            assert sorted(r for r, _id in received) == ["fine@example.org", "later@example.org"]
            with app.app_context():
                later = db.session.scalar(
                    select(OutboxMessage).where(OutboxMessage.recipient == "later@example.org")
                )
                assert (later.status, later.attempts, later.last_error) == (SENT, 2, None)
            page = login("admin").get("/admin/outbox").get_data(as_text=True)
            assert "gone@example.org" in page and "550 5.1.1 No such user" in page
        finally:
            app.config.update(MAIL_SERVER="", MAIL_IN_PROCESS=True)


def test_the_sending_rate_holds_back_what_exceeds_it(app):
    """With the provider's limit used up, a worker gives its batch back: 3 per hour sends 3 of
    5 now; the other 2 stay queued, not counted as attempts."""
    with smtp_provider() as (port, received, *_):
        app.config.update(
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=port,
            MAIL_IN_PROCESS=False,
            MAIL_RATE_LIMIT="3 per hour",
        )
        try:
            _queue(app, 5)
            result = app.test_cli_runner().invoke(args=["mail", "send"])
            assert "sent 3 message(s)" in result.output
            assert len(received) == 3
            with app.app_context():
                waiting = db.session.scalars(
                    select(OutboxMessage).where(OutboxMessage.status == QUEUED)
                ).all()
                assert [(m.attempts, m.last_error) for m in waiting] == [(0, None), (0, None)]
        finally:
            app.config.update(MAIL_SERVER="", MAIL_IN_PROCESS=True, MAIL_RATE_LIMIT="")


def test_the_web_request_never_sends_a_worker_does(api, app, live_app, demo):
    """With no delivery thread in the web process, a registration's confirmation waits in the
    outbox until `flask jobs work` delivers it."""
    with smtp_provider() as (port, received, *_):
        for application in (app, live_app):
            application.config.update(
                MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_IN_PROCESS=False
            )
        try:
            from tests.registration.conftest import person

            answer = api("POST", f"/api/v1/events/{demo['slug']}/registrations", json=person(1))
            assert answer.status_code == 201
            with app.app_context():
                message = db.session.scalar(select(OutboxMessage))
                assert (message.status, message.rule) == (QUEUED, "registration.confirmation")
            assert received == []
            result = app.test_cli_runner().invoke(args=["jobs", "work"])
            assert "1 message(s) sent" in result.output
            assert [r for r, _id in received] == ["person1@example.org"]
        finally:
            for application in (app, live_app):
                application.config.update(MAIL_SERVER="", MAIL_IN_PROCESS=True)
