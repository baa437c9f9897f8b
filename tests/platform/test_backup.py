"""Backup and restore, with rows in every table: `flask backup`/`restore` for SQLite, and
pg_dump/pg_restore for PostgreSQL as the README documents them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from sqlalchemy import MetaData, create_engine, make_url, select, text

from eventmgr.accounts.models import User
from eventmgr.accounts.services import issue_api_token
from eventmgr.app import create_app
from eventmgr.calendar.services import agenda_for_registration, set_starred
from eventmgr.checkin.services import scan
from eventmgr.events.models import Event
from eventmgr.events.staff import invite
from eventmgr.jobs.models import Job
from eventmgr.networking.services import block
from eventmgr.platform.config import ROOT
from eventmgr.platform.db import db
from eventmgr.programme.models import ProgrammeItem
from eventmgr.registration.models import CONFIRMED, Registration
from eventmgr.registration.services import reissue_badge, update_details
from tests.support import REQUIRE_POSTGRES, unavailable


def _flask(tmp_path, *args: str, check: bool = True, **extra: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'live.sqlite3'}",
        "SECRET_KEY": "backup-test",
    } | extra
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


def _count(tmp_path, table: str) -> int:
    import sqlite3

    with sqlite3.connect(tmp_path / "live.sqlite3") as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _fill_every_table(url: str, tmp_path) -> None:
    """What the demo seed leaves empty: check-ins and their scans, a revoked badge code,
    starred items, a block, an API token, a finished job, an answer, a staff invitation, a
    mail held for a digest."""
    from eventmgr.mail.services import hold

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"}
    )
    with app.app_context():
        event = db.session.scalar(select(Event))
        people = list(
            db.session.scalars(
                select(Registration)
                .where(Registration.event_id == event.id, Registration.status == CONFIRMED)
                .order_by(Registration.id)
            )
        )
        first, second = people[0], people[1]
        reissue_badge(first, "backup test", "lost")
        db.session.commit()  # the scans write on connections of their own
        for reg in people[:3]:
            scan(event.id, reg.badge_code, door="main door", nonce=f"n-{reg.id}")
        scan(event.id, "NOT-A-CODE", door="main door")
        db.session.rollback()  # a fresh snapshot, after the scans' writes
        items = list(db.session.scalars(select(ProgrammeItem.id).order_by(ProgrammeItem.id)))
        agenda = agenda_for_registration(second)
        for item_id in items[:2]:
            set_starred(agenda, item_id, True)
        block(first, second)
        _fill_networking(event, first, second)
        issue_api_token(db.session.scalar(select(User).order_by(User.id)))
        db.session.add(Job(kind="backup.test", status="done", message="kept"))
        hold(second.email, "networking", "Held", "a networking mail held for a digest")
        db.session.commit()
        _fill_digital(event, first, second)
        event.questions = [{"key": "note", "label": {"en": "Note"}, "kind": "text"}]
        update_details(first, {"answers": {"note": "æøå"}}, "backup test")
        invite(event, "door.new@example.org", "door_staff", None)
        from eventmgr.messages import contacts
        from eventmgr.messages.reminders import save_settings
        from eventmgr.messages.services import create as create_message
        from eventmgr.programme.models import Person, item_speakers
        from eventmgr.programme.services import latest_version

        save_settings(event, {"stream_reminder": False})
        speaker = db.session.scalar(
            select(Person).where(
                Person.event_id == event.id, Person.id.in_(select(item_speakers.c.person_id))
            )
        )
        speaker.email = "speaker.backup@example.org"
        db.session.commit()
        contacts.brief_all(event, latest_version(event))

        create_message(
            event,
            {"subject": {"en": "Kept"}, "body": {"en": "Backed up, {name}."}, "audience": {}},
            "backup test",
        )
        db.engine.dispose()


def _fill_networking(event, first, second) -> None:
    """A booked meeting of a company's two people with a third, and a host."""
    from eventmgr.networking.models import (
        ACCEPTED,
        MeetingAttendee,
        MeetingBooking,
        MeetingRequest,
        NetworkingHost,
    )
    from eventmgr.platform.db import utcnow

    user = db.session.scalar(select(User).order_by(User.id))
    third = db.session.scalar(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.id.not_in((first.id, second.id)))
        .order_by(Registration.id)
    )
    req = MeetingRequest(
        event_id=event.id,
        from_id=first.id,
        to_id=second.id,
        status=ACCEPTED,
        expires_at=utcnow(),
    )
    db.session.add(req)
    db.session.flush()
    db.session.add(MeetingAttendee(request_id=req.id, registration_id=third.id, side="from"))
    db.session.add(MeetingBooking(request_id=req.id, booked_by_user_id=user.id, note="kept"))
    db.session.add(NetworkingHost(event_id=event.id, user_id=user.id))
    db.session.commit()


def _fill_digital(event, first, second) -> None:
    """A question with a vote and a moderator link, watch time, a certificate and its notice,
    feedback with a talk rating, the digital settings."""
    from datetime import timedelta

    from eventmgr.digital import certificates, feedback, qa
    from eventmgr.digital.models import CertificateNotice, Viewer, WatchTime
    from eventmgr.digital.settings import update_settings
    from eventmgr.platform.db import utcnow
    from eventmgr.programme.services import public_programme

    now = utcnow()
    update_settings(
        event,
        {
            "player_hosts": ["stream.example.org"],
            "certificate_minutes": 1,
            "certificates_from": now - timedelta(days=1),
        },
    )
    item = next(i for i in public_programme(event).top_level if i.kind not in qa.NO_QUESTIONS)
    qa.create_link(event, item.id, "backup")
    question = qa.ask(event, item.id, first, "Backed up?", False)
    qa.moderate(event, item.id, question.id, "approve")
    qa.vote(event, item.id, second, question.id, True)
    db.session.add(Viewer(registration_id=first.id, event_id=event.id, last_beat_at=now))
    db.session.add(
        WatchTime(registration_id=first.id, item_id=item.id, event_id=event.id, seconds=600)
    )
    db.session.add(CertificateNotice(registration_id=first.id, event_id=event.id, sent_at=now))
    db.session.commit()
    certificates.issue(event, first, now)
    talk = feedback.rated_items(event)[0]
    feedback.save(
        event, first, {"rating": 5, "liked": "kept", "items": {talk.id: {"rating": 4}}}, now
    )


def _snapshot(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in a fixed order: what a restore must bring back."""
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        rows = {
            name: sorted(tuple(map(repr, row)) for row in conn.execute(select(table)))
            for name, table in meta.tables.items()
        }
    engine.dispose()
    empty = sorted(name for name, found in rows.items() if not found)
    assert not empty, f"tables without rows: {empty}"
    return rows


def test_backup_then_restore_finds_every_row(tmp_path, demo_templates):
    url = demo_templates.copy("sqlite", tmp_path, "live")  # the migrated and seeded demo
    _fill_every_table(url, tmp_path)
    before = _snapshot(url)
    backup = tmp_path / "backup.sqlite3"
    _flask(tmp_path, "backup", str(backup))
    _flask(tmp_path, "users", "create", "late@example.org", "--password", "long-enough-1")
    assert _count(tmp_path, "users") == len(before["users"]) + 1
    _flask(tmp_path, "restore", str(backup), "--yes")
    assert _snapshot(url) == before


@pytest.mark.postgres
def test_pg_dump_then_pg_restore_finds_every_row(tmp_path, demo_templates):
    """The README's commands: pg_dump -Fc, then pg_restore --clean --if-exists."""
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            unavailable(f"{tool} is not installed (postgresql-client)", REQUIRE_POSTGRES)
    url = demo_templates.copy("postgresql", tmp_path, "scale_backup")  # the seeded demo
    env = {"DATABASE_URL": url}
    _fill_every_table(url, tmp_path)
    before = _snapshot(url)
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    dump = tmp_path / "eventmgr.dump"
    subprocess.run(["pg_dump", "-Fc", "-d", libpq, "-f", str(dump)], check=True, timeout=120)
    _flask(tmp_path, "users", "create", "late@example.org", "--password", "long-enough-1", **env)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM checkins"))
    engine.dispose()
    subprocess.run(
        ["pg_restore", "--clean", "--if-exists", "-d", libpq, str(dump)], check=True, timeout=120
    )
    assert _snapshot(url) == before


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    _flask(tmp_path, "db", "upgrade")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database at all" * 100)
    done = _flask(tmp_path, "restore", str(junk), "--yes", check=False)
    assert done.returncode != 0 and "not an SQLite database" in done.stderr
    existing = tmp_path / "exists.sqlite3"
    existing.write_text("x")
    refused = _flask(tmp_path, "backup", str(existing), check=False)
    assert refused.returncode != 0 and "exists already" in refused.stderr
