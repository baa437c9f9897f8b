"""SQLite settings and UTC storage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select, text

from eventmgr.events.models import Event
from eventmgr.platform.db import db


def test_sqlite_runs_in_wal_with_foreign_keys(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 10000


def test_times_are_stored_in_utc_and_come_back_aware(app):
    oslo_winter = timezone(timedelta(hours=1))
    with app.app_context():
        db.session.add(
            Event(
                slug="utc",
                name="UTC",
                timezone="Europe/Oslo",
                starts_at=datetime(2023, 1, 26, 10, 30, tzinfo=oslo_winter),
                ends_at=datetime(2023, 1, 26, 19, 0, tzinfo=oslo_winter),
            )
        )
        db.session.commit()
        db.session.expire_all()
        event = db.session.scalar(select(Event).where(Event.slug == "utc"))
        assert event.starts_at == datetime(2023, 1, 26, 9, 30, tzinfo=UTC)
        assert event.starts_at.utcoffset() == timedelta(0)
        assert event.local(event.starts_at).hour == 10


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    from eventmgr.platform.config import from_environment

    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = from_environment(tmp_path)["SECRET_KEY"]
    second = from_environment(tmp_path)["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert from_environment(tmp_path / "other")["SECRET_KEY"] != first


def test_database_url_defaults_to_sqlite_and_accepts_postgres_urls(tmp_path, monkeypatch):
    from eventmgr.platform.config import database_url

    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url(tmp_path).startswith("sqlite:///")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert database_url(tmp_path) == "postgresql+psycopg://u@h/db"


def test_health_check_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["database"] is True


def test_security_headers_on_pages_and_api(client):
    for path in ("/", "/api/v1/events", "/no-such-page"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert (
            "script-src 'self'" in csp
            and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        )
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_hsts_when_the_site_is_served_over_https(app, client):
    """Once a browser has seen the https site it never tries plain http for it again (a
    first visit over http could be intercepted); not sent for a plain-http BASE_URL."""
    for path in ("/", "/api/v1/events", "/no-such-page"):
        assert "Strict-Transport-Security" not in client.get(path).headers
    base = app.config["BASE_URL"]
    app.config["BASE_URL"] = "https://events.example.org"
    try:
        for path in ("/", "/api/v1/events", "/no-such-page"):
            hsts = client.get(path).headers["Strict-Transport-Security"]
            assert hsts == "max-age=31536000"
    finally:
        app.config["BASE_URL"] = base
