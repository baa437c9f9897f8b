"""What the server benchmarks share: a free port, a fresh database and gunicorn serving it."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database(workdir: Path) -> str:
    """SQLite in `workdir`, or BENCH_DATABASE_URL with its public schema emptied."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@contextmanager
def gunicorn(
    url: str, workers: int, workdir: Path, ready: str, **env_extra: str
) -> Iterator[tuple[subprocess.Popen, int]]:
    """gunicorn with `workers` workers on `url`, as deployed; yields it and its port once
    `ready` answers 200, and stops it on leaving. Its log is workdir/gunicorn.log."""
    port = free_port()
    env = (
        os.environ
        | {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "MAIL_SERVER": "",
            "BASE_URL": f"http://127.0.0.1:{port}",
            "LOG_LEVEL": "WARNING",
        }
        | env_extra
    )
    log_path = workdir / "gunicorn.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-w", str(workers)]
            + ["-b", f"127.0.0.1:{port}", "--no-control-socket", "app:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_ready(port, ready, log_path)
        yield process, port
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_until_ready(port: int, path: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start: " + log.read_text()[-2000:])


def cpu_seconds(master: int) -> float:
    """User + system CPU of gunicorn's workers (the children of `master`), from /proc: the
    machine may be shared, so CPU per request says more than the wall clock alone."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # fields[1] is the parent's pid
            total += int(fields[11]) + int(fields[12])
    return total / tick
