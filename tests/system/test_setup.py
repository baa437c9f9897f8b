"""`make run` and `make test` as a newcomer types them: the server on another port writes
that port in its mails, and only `make test` installs the test tools."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import time
from contextlib import closing

import pytest
import requests

from eventmgr.platform.config import ROOT
from tests.support import free_port


def _dry_run(*args: str) -> str:
    """What make would run, every step (as on a fresh checkout), without running it."""
    done = subprocess.run(
        ["make", "-n", "-B", *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout


def test_make_run_installs_no_test_tools_and_make_test_does():
    run = _dry_run("run")
    assert "pip install --quiet -e ." in run
    assert "[dev]" not in run
    assert [line for line in run.splitlines() if "npm ci" in line] == [
        "npm ci --no-audit --no-fund --loglevel=error --omit=dev"
    ]
    test = _dry_run("test")
    assert "pip install --quiet -e '.[dev]'" in test
    assert "npm ci --no-audit --no-fund --loglevel=error" in test.splitlines()


def _wait_for(url: str, process: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            requests.get(url, timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.3)
    pytest.fail("make run did not serve in 120 s")


def test_make_run_on_another_port_links_to_that_port(tmp_path):
    """`make run PORT=...`: the demo's mails and a reset mail link to where it serves."""
    port = free_port()
    database = tmp_path / "run.sqlite3"
    env = os.environ | {"DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "setup-test"}
    env.pop("BASE_URL", None)
    log = tmp_path / "make-run.log"
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # make, flask and its reloader-free server: one group, ours
    )
    try:
        site = f"http://127.0.0.1:{port}"
        _wait_for(site + "/", process, log)
        with requests.Session() as browser:
            form = browser.get(site + "/account/reset").text
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
            browser.post(
                site + "/account/reset",
                data={"csrf_token": token, "email": "admin@example.org"},
                timeout=10,
            )
        with closing(sqlite3.connect(database)) as db:
            bodies = dict(db.execute("SELECT recipient, body FROM outbox_messages"))
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    assert f"{site}/account/reset/" in bodies.pop("admin@example.org")
    assert bodies, "the demo queues confirmation mails"
    for body in bodies.values():
        assert f"{site}/" in body and ":5000" not in body


def test_base_url_when_set_wins():
    assert "BASE_URL ?=" in (ROOT / "Makefile").read_text()
    env = os.environ | {"BASE_URL": "https://events.example.org"}
    done = subprocess.run(
        ["make", "-n", "run", "PORT=5077"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert "links in mails: https://events.example.org" in done.stdout
