"""Fixtures for registration tests: the API over HTTP, a small event, a gunicorn server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from eventmgr import ROOT
from eventmgr.db import db
from tests.support import free_port

PERSON = {
    "name": "Kari Nordmann",
    "email": "kari@example.org",
    "organisation": "Oslo universitetssykehus",
    "job_title": "Oncologist",
    "category": "oncologist",
    "mode": "on_site",
    "consent": True,
}


def person(n: int, **extra) -> dict:
    return PERSON | {"name": f"Person {n}", "email": f"person{n}@example.org"} | extra


@pytest.fixture
def set_capacity(app, demo):
    """Set the demo event's on-site (and digital) capacity."""

    def apply(onsite, digital=None):
        from eventmgr.events.models import Event

        with app.app_context():
            event = db.session.scalars(db.select(Event).filter_by(slug=demo["slug"])).one()
            event.onsite_capacity = onsite
            event.digital_capacity = digital
            db.session.commit()

    return apply


def start_gunicorn(database_url: str, workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    """A real multi-process server on the given database; returns it and its base URL."""
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-gunicorn",
        "REGISTRATION_RATE_LIMIT": "",
        "MAIL_SERVER": "",
        "BASE_URL": f"http://127.0.0.1:{port}",
    }
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
