"""Real servers for the multi-process tests: gunicorn on a database, and its worker pids."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from eventmgr import ROOT
from tests.support import free_port


def start_gunicorn(
    database_url: str, workers: int, log: Path, **env_extra: str
) -> tuple[subprocess.Popen, str]:
    """A real multi-process server on the given database; returns it and its base URL."""
    port = free_port()
    env = (
        os.environ
        | {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-gunicorn",
            "REGISTRATION_RATE_LIMIT": "",
            "MAIL_SERVER": "",
            "BASE_URL": f"http://127.0.0.1:{port}",
        }
        | env_extra
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "-w", str(workers), "-b", f"127.0.0.1:{port}", "app:app"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {log.read_text()[-2000:]}")
        try:
            if requests.get(base + "/", timeout=5).status_code < 500:
                return process, base
        except requests.RequestException:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("gunicorn did not start in 30 s")


def stop(*processes: subprocess.Popen) -> None:
    """Stop servers started here (only those, by their own handle)."""
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


def workers(master: int) -> list[int]:
    """The pids of gunicorn's workers: the master's children, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            found.append(int(stat.parent.name))
    return found


def wait_for_workers(master: int, count: int, timeout: float = 60) -> list[int]:
    """Wait until gunicorn has started replacements; returns the worker pids."""
    deadline = time.monotonic() + timeout
    while len(workers(master)) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return workers(master)
