"""Registrations of every kind for the badge tests, and reading PDFs back as a printer would."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

import pypdfium2 as pdfium
import pytest
from sqlalchemy import select, update

from eventmgr.events.models import Event
from eventmgr.jobs.models import DONE, FAILED, Job
from eventmgr.platform.db import db
from eventmgr.registration import links, services
from eventmgr.registration.models import Registration
from tests.support import pdf_qr_codes

PERSON = {
    "organisation": "Oslo universitetssykehus",
    "job_title": "Oncologist",
    "category": "oncologist",
    "mode": "on_site",
    "consent": True,
}

# (name, role) of the confirmed on-site people: they get badges
ON_SITE = [
    ("Åse Ødegård Sæther", "attendee"),
    ("Şükrü Ağaoğlu", "speaker"),
    ("Børge Haraldsen-Christophersen", "speaker"),
    ("Pål Falck", "moderator"),
    ("Jutta Heix", "organiser"),
    ("İlkay Yılmaz", "delegation"),
    ("Kari Nordmann", "attendee"),
    ("Ola Nordmann", "press"),
    ("Eli Sihn Samdal Steinskog", "attendee"),
    ("Jürgen Großmann-Weiß", "attendee"),
]


@dataclass
class People:
    slug: str
    tokens: dict[str, str]  # name -> manage token
    codes: dict[str, str]  # name -> badge code
    no_badge: list[str]  # digital, waiting, cancelled


def register(app, slug: str, name: str, **extra) -> tuple[str, str]:
    """Register through the service as an organiser would; returns (token, badge code)."""
    with app.test_request_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        email = f"p{hashlib.sha256(name.encode()).hexdigest()[:10]}@example.org"
        data = PERSON | {"name": name, "email": email} | extra
        outcome = services.register(event, data, actor="test", public=False)
        return outcome.token, outcome.registration.badge_code


@pytest.fixture
def people(app, demo) -> People:
    """Ten confirmed on site (every role), one digital, one cancelled, one waiting."""
    slug = demo["slug"]
    tokens, codes = {}, {}
    for name, role in ON_SITE:
        tokens[name], codes[name] = register(app, slug, name, role=role)
    register(app, slug, "Digital Dagny", mode="digital", role="speaker")
    token, _code = register(app, slug, "Cancelled Carl")
    with app.test_request_context():
        services.cancel(links.find_by_token(token), "test")
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        event.onsite_capacity = len(ON_SITE)
        db.session.commit()
    register(app, slug, "Waiting Wenche")
    with app.app_context():
        waiting = db.session.scalar(select(Registration).where(Registration.name.like("Waiting%")))
        assert waiting.status == "waitlisted"
    return People(slug, tokens, codes, ["Digital Dagny", "Cancelled Carl", "Waiting Wenche"])


def backdate(app, names: list[str], when) -> None:
    """Pretend these people registered (and last changed) at ``when``."""
    with app.app_context():
        db.session.execute(
            update(Registration)
            .where(Registration.name.in_(names))
            .values(created_at=when, updated_at=when)
        )
        db.session.commit()


def wait_for_job(app, job_id: int, timeout: float = 30) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            job = db.session.get(Job, job_id)
            if job.status in (DONE, FAILED):
                db.session.expunge(job)
                return job
        time.sleep(0.05)
    raise AssertionError("the badge job did not end")


def page_texts(pdf: bytes) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    return [page.get_textpage().get_text_range() for page in doc]


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [tuple(page.get_size()) for page in pdfium.PdfDocument(pdf)]


def scanned_codes(pdf: bytes, dpi: int = 150) -> list[list[str]]:
    """Every page's QR codes, read back from a rendering as a door scanner would."""
    return pdf_qr_codes(pdf, dpi)
