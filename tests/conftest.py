"""Fixtures: one migrated database per run and xdist worker (SQLite, or PostgreSQL via
TEST_DATABASE_URL), emptied after each test; a live server; real Chromium; a real SMTP server."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import text
from werkzeug.serving import make_server

from eventmgr.app import create_app
from eventmgr.platform.config import ROOT
from eventmgr.platform.db import db
from eventmgr.platform.extensions import limiter
from tests.servers import KINDS, DemoRows, DemoTemplates, scratch_database
from tests.support import (
    BROWSER_ARGS,
    CHROMIUM,
    PG_URL,
    REQUIRE_BROWSER,
    free_port,
    need_postgres,
    reset_postgres_schema,
    settle_outbox,
    smtp_server,
    unavailable,
)

# scrypt at a cost fit for tests: the default (n=2**15) takes 0.1-0.4 s for every account made
# and every log-in, seconds per test that uses the demo's five accounts. Same algorithm, salted
# the same way; the cost is read back from each hash, so checking works unchanged.
TEST_PASSWORD_METHOD = "scrypt:256:8:1"


def pytest_configure(config) -> None:
    """Before any test module imports the accounts (their import hashes a dummy password)."""
    import werkzeug.security

    werkzeug.security.generate_password_hash = partial(
        werkzeug.security.generate_password_hash, method=TEST_PASSWORD_METHOD
    )


def _compile_translations() -> None:
    """`make test` compiles them; this keeps a bare `pytest` run working too."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in (ROOT / "eventmgr" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        with mo_path.open("wb") as fh:
            write_mo(fh, catalog)


def _config(instance: Path, url: str, **extra) -> dict:
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "http://127.0.0.1",
        "MAIL_SERVER": "",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    config.update(extra)
    return config


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    _compile_translations()
    if PG_URL:
        reset_postgres_schema(need_postgres())
        return PG_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """The application under test, CSRF off for the test client; the schema from migrations."""
    from flask_migrate import upgrade

    application = create_app(_config(tmp_path_factory.mktemp("instance"), database_url))
    with application.app_context():
        upgrade()
    return application


@pytest.fixture(autouse=True)
def _clean_database(request) -> Iterator[None]:
    """Every test starts from an empty database and fresh rate limits."""
    yield
    if "app" not in request.fixturenames:
        return
    _empty(request.getfixturevalue("app"))
    limiter.reset()


def _empty(application) -> None:
    with application.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            # DELETE, not TRUNCATE: a few rows go in microseconds, while TRUNCATE makes new
            # files for every table (about a second per test on a busy machine).
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))
            if conn.dialect.name == "postgresql":
                conn.execute(text(RESTART_SEQUENCES))


# Ids start from 1 again in every test, as after TRUNCATE ... RESTART IDENTITY (SQLite reuses
# them by itself once a table is empty).
RESTART_SEQUENCES = """
SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'S' AND n.nspname = current_schema()
"""


def _scratch_name(request) -> str:
    """A short database name of this test's own (PostgreSQL names stop at 63 bytes)."""
    return "mp_" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:12]


@pytest.fixture(params=KINDS)
def scratch_url(request, tmp_path) -> str:
    """An empty database of each kind, this test's alone: for tests that start servers."""
    return scratch_database(request.param, tmp_path, _scratch_name(request))


@pytest.fixture(scope="session")
def demo_templates(tmp_path_factory) -> DemoTemplates:
    return DemoTemplates(tmp_path_factory.mktemp("demo-templates"))


@pytest.fixture(params=KINDS)
def seeded_url(request, tmp_path, demo_templates) -> str:
    """A copy, this test's alone, of the database `flask db upgrade` and `flask seed-demo`
    make, of each kind: for tests that run the flask command or servers on the demo."""
    return demo_templates.copy(request.param, tmp_path, _scratch_name(request))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def demo_rows() -> DemoRows:
    return DemoRows()


@pytest.fixture
def demo(app, demo_rows):
    """The demo event and one account per role, as `make run` loads them.

    seed_demo() runs once per process; later tests get the rows it wrote back (a few
    statements instead of the seed's 150 and its programme import)."""
    with app.app_context():
        return demo_rows.load()


@pytest.fixture
def world(app) -> dict:
    """One small event, one account per role and one published keynote (tests/factories.py),
    in the demo fixture's shape: for tests about people and pages, not the demo's programme."""
    from tests import factories

    with app.app_context():
        return factories.world()


def _accounts(request) -> dict:
    """The logins of `world` when the test uses it, else the demo's."""
    return request.getfixturevalue("world" if "world" in request.fixturenames else "demo")["logins"]


@pytest.fixture
def login(client, request):
    """login(role) -> the test client, signed in as that role of the world or the demo."""
    logins = _accounts(request)

    def _login(role: str):
        email, password = logins[role]
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, response.data[:500]
        return client

    return _login


@pytest.fixture
def api(live_server, app, request):
    """requests against the live server, with one bearer token per role of the world or the
    demo."""
    import requests

    from eventmgr.accounts.services import find_user, issue_api_token

    tokens = {}
    with app.app_context():
        for role, (email, _pw) in _accounts(request).items():
            tokens[role] = issue_api_token(find_user(email))
        db.session.commit()

    def call(method: str, path: str, role: str | None = None, **kwargs):
        headers = kwargs.pop("headers", {})
        if role:
            headers["Authorization"] = f"Bearer {tokens[role]}"
        return requests.request(method, live_server + path, headers=headers, timeout=10, **kwargs)

    return call


@pytest.fixture(scope="session")
def live_app(database_url, app, tmp_path_factory):
    """A second app on the same database, with CSRF on, as a browser meets it."""
    return create_app(_config(tmp_path_factory.mktemp("live"), database_url, WTF_CSRF_ENABLED=True))


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    port = free_port()
    server = make_server("127.0.0.1", port, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    live_app.config["BASE_URL"] = base
    yield base
    server.shutdown()


@pytest.fixture
def smtp(app, live_app) -> Iterator[list]:
    """A real SMTP server (aiosmtpd) that both apps send to; yields the received messages."""
    with smtp_server() as (port, received):
        for application in (app, live_app):
            application.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        received.settle = lambda: settle_outbox(app)
        yield received
    for application in (app, live_app):
        application.config.update(MAIL_SERVER="")


@pytest.fixture(scope="session")
def playwright():
    """One Playwright per process: its sync API refuses a second one while the first runs."""
    if not os.path.exists(CHROMIUM):
        unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)", REQUIRE_BROWSER)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright):
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=list(BROWSER_ARGS)
    )
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="en-GB")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()
