"""The database goes away for a while: pages and the API answer 503 (the API in its error shape),
/healthz says so, and once the database is back everything works again by itself, without
restarting the app. The outage is made by a small TCP proxy between the app and PostgreSQL."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests
from werkzeug.serving import make_server

from eventmgr.app import create_app
from eventmgr.platform.db import db
from tests.support import free_port, need_postgres, postgres_database


class Proxy:
    """Forwards 127.0.0.1:port to the database; stop() closes the port and every connection
    (as a crashed or restarting database server would), start() opens the same port again."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(32)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            _shut(listener)  # wakes the accepting thread (close alone would not, on Linux)
            listener.close()
        with self._lock:
            for sock in self._sockets:
                _shut(sock)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            _shut(source)
            _shut(sink)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def outage_setup(tmp_path) -> Iterator[tuple[Proxy, str, str]]:
    from flask_migrate import upgrade

    from eventmgr.demo.seed import seed_demo

    url = postgres_database(need_postgres(), "hardening_outage")
    parts = urlsplit(url)
    setup = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"}
    )
    with setup.app_context():
        upgrade()
        event, _logins = seed_demo()
        slug = event.slug
        db.engine.dispose()
    proxy = Proxy((parts.hostname or "127.0.0.1", parts.port or 5432))
    proxy.start()
    proxied = url.replace(parts.netloc, f"{parts.username}@127.0.0.1:{proxy.port}")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": proxied,
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x",
            "MAIL_SERVER": "",
        }
    )
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield proxy, f"http://127.0.0.1:{port}", slug
    server.shutdown()
    proxy.stop()
    with app.app_context():
        db.engine.dispose()


def _get(base: str, path: str) -> requests.Response:
    return requests.get(base + path, timeout=30)


@pytest.mark.postgres
def test_database_outage_gives_503_and_work_resumes_by_itself(outage_setup):
    proxy, base, slug = outage_setup
    assert _get(base, "/healthz").json() == {"status": "ok", "database": True}
    assert _get(base, f"/api/v1/events/{slug}").status_code == 200
    assert _get(base, f"/events/{slug}").status_code == 200

    proxy.stop()  # the database goes away, with the app's open connections
    health = _get(base, "/healthz")
    assert health.status_code == 503 and health.json() == {
        "status": "unavailable",
        "database": False,
    }
    api = _get(base, f"/api/v1/events/{slug}")
    assert api.status_code == 503, api.text
    assert api.headers["Content-Type"] == "application/json"
    assert api.json()["error"]["code"] == "unavailable"
    assert "database" in api.json()["error"]["message"]
    page = _get(base, f"/events/{slug}")
    assert page.status_code == 503 and page.headers["Content-Type"].startswith("text/html")
    assert "Traceback" not in page.text
    register = requests.post(
        f"{base}/api/v1/events/{slug}/registrations",
        json={"name": "Kari", "email": "kari@example.org", "mode": "on_site", "consent": True},
        timeout=30,
    )
    assert register.status_code == 503 and register.json()["error"]["code"] == "unavailable"

    proxy.start()  # back on the same address; the app was not restarted
    assert _get(base, "/healthz").status_code == 200
    assert _get(base, f"/api/v1/events/{slug}").json()["slug"] == slug
    assert _get(base, f"/events/{slug}").status_code == 200
