"""Helpers shared by the tests: databases, events, required-or-skipped resources, free ports."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache

import pytest
from sqlalchemy import create_engine, make_url, select, text

from eventmgr.events.models import Event
from eventmgr.platform.db import db

# pytest-xdist runs the tests in worker processes ("gw0", "gw1", ...): each gets a database of
# its own beside TEST_DATABASE_URL's (test_gw0, test_gw1), so that none empties another's.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _own_url(url: str) -> str:
    if not url or not WORKER:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{WORKER}").render_as_string(hide_password=False)


BASE_PG_URL = os.environ.get("TEST_DATABASE_URL", "")
PG_URL = _own_url(BASE_PG_URL)
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
REQUIRE_REDIS = os.environ.get("REQUIRE_REDIS") == "1"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BROWSER_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def unavailable(reason: str, required: bool) -> None:
    """Skip locally; in CI (REQUIRE_*=1) a missing resource is a failure, never a skip."""
    if required:
        pytest.fail(f"required but unavailable: {reason}")
    pytest.skip(reason)


def need_postgres() -> str:
    """This process's PostgreSQL test database (created when missing), or a skip."""
    if not PG_URL:
        unavailable("TEST_DATABASE_URL is not set", REQUIRE_POSTGRES)
    _create_own_database()
    return PG_URL


def need_redis() -> str:
    """The Redis server that shares rate limits between processes (TEST_REDIS_URL)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis at {REDIS_URL} does not answer: {exc}", REQUIRE_REDIS)
    return REDIS_URL


@cache
def _create_own_database() -> None:
    """An xdist worker's database, made beside TEST_DATABASE_URL's the first time it is needed."""
    if PG_URL == BASE_PG_URL:
        return
    name = make_url(PG_URL).database
    admin = create_engine(BASE_PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_database(base_url: str, name: str, template: str = "") -> str:
    """A fresh PostgreSQL database beside the test one, empty or a copy of the database at
    URL `template` (which nobody may be connected to); returns its URL.

    Its name carries the test database's own, so runs against different test databases
    (one per worktree or CI job) never drop each other's scratch databases."""
    name = f"{name}_{base_url.rsplit('/', 1)[1]}"
    copy = f' TEMPLATE "{template.rsplit("/", 1)[1]}"' if template else ""
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()
    return base_url.rsplit("/", 1)[0] + "/" + name


CATEGORIES = [
    {"key": key, "label": {"en": key.capitalize(), "nb": nb}}
    for key, nb in (
        ("oncologist", "Onkolog"),
        ("researcher", "Forsker"),
        ("industry", "Industri"),
        ("investor", "Investor"),
        ("student", "Student"),
        ("other", "Annet"),
    )
]
"""Attendee categories for the events tests make (each event has its own)."""


def add_event(slug: str, name: str, **fields) -> Event:
    """A published one-day event (26 January 2030 in Oslo unless `fields` say otherwise) with
    the test CATEGORIES, committed; inside an app context."""
    event = Event(
        slug=slug,
        name=name,
        **{
            "starts_at": datetime(2030, 1, 26, 9, tzinfo=UTC),
            "ends_at": datetime(2030, 1, 26, 17, tzinfo=UTC),
            "timezone": "Europe/Oslo",
            "published": True,
            "categories": CATEGORIES,
        }
        | fields,
    )
    db.session.add(event)
    db.session.commit()
    return event


def reset_postgres_schema(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def pdf_qr_codes(pdf: bytes, dpi: int = 150) -> list[list[str]]:
    """The QR codes on each page, as a printer and a camera would see them: every page is
    rasterised (PDFium, a pip package, so no system tool is needed) and read with zxing-cpp."""
    import pypdfium2 as pdfium
    import zxingcpp

    pages = []
    for page in pdfium.PdfDocument(pdf):
        image = page.render(scale=dpi / 72).to_pil()
        found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        pages.append(sorted(b.text for b in found))
    return pages


def log_in(page, email: str, password: str) -> None:
    """Sign in through the login form, as a person does; back once the dashboard shows."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard")


class Inbox(list):
    """The messages an SMTP server received. Reading it first lets the outbox settle: mail
    goes out from a worker thread after the commit, so a test reads what was sent once no
    message is due any more (`settle`, set by the fixture)."""

    settle: Callable[[], None] = staticmethod(lambda: None)

    def __iter__(self):
        self.settle()
        return super().__iter__()

    def __len__(self) -> int:
        self.settle()
        return super().__len__()

    def __getitem__(self, index):
        self.settle()
        return super().__getitem__(index)


def settle_outbox(app, timeout: float = 20) -> None:
    """Wait until no message in the app's outbox is due or being sent."""
    from eventmgr.mail.models import QUEUED, SENDING, OutboxMessage
    from eventmgr.platform.db import utcnow

    deadline = time.monotonic() + timeout
    with app.app_context():
        while time.monotonic() < deadline:
            pending = db.session.scalar(
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.status.in_((QUEUED, SENDING)),
                    OutboxMessage.next_attempt_at <= utcnow(),
                )
                .limit(1)
            )
            db.session.rollback()
            if pending is None:
                return
            time.sleep(0.02)
    raise AssertionError("the outbox did not settle: mail is still due after the timeout")


@contextmanager
def smtp_server() -> Iterator[tuple[int, list]]:
    """A real SMTP server (aiosmtpd) on a free port: yields the port and the Inbox that every
    received message (an email.message.EmailMessage) is appended to."""
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    received = Inbox()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            list.append(received, message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()
