"""Secrets and personal data at rest: the outbox keeps no live link once a mail is sent;
erasure removes the person's mail and their values in the audit log and in finished jobs;
the SQLite file, `flask backup` output and instance/ are for their owner only."""

from __future__ import annotations

import io
import json
import os
import re
import stat

import pytest
from sqlalchemy import select

from eventmgr.app import create_app
from eventmgr.audit.models import AuditEntry
from eventmgr.jobs.models import Job
from eventmgr.mail.models import OutboxMessage
from eventmgr.platform.db import db
from eventmgr.registration.models import Registration
from tests.conftest import _config

KARI = ("Kari Nordmann", "kari.old@example.org", "Radiumhospitalet")
KARI_LATER = ("Kari Nordmann-Berg", "kari.new@example.org")
OLA = ("Ola Other", "ola.other@example.org", "Aker Biotech")


def _outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return rows


# ---------------------------------------------------------------- the outbox


def test_a_sent_mail_keeps_who_what_and_when_but_not_its_link(app, client, demo, smtp, login):
    email, _password = demo["logins"]["attendee"]
    client.post("/account/reset", data={"email": email})
    link = re.search(r"/account/reset/\S+", smtp[-1].get_content()).group(0)
    sent = _outbox(app)[-1]
    assert (sent.recipient, sent.subject) == (email, "Reset your password")
    assert sent.sent_at is not None and sent.body == ""
    admin = login("admin")
    outbox = admin.get("/admin/outbox").get_data(as_text=True)
    assert email in outbox and "Reset your password" in outbox and "Sent" in outbox
    page = admin.get(f"/admin/outbox/{sent.id}").get_data(as_text=True)
    assert "is not kept" in page and link not in page and "/account/reset/" not in page


def test_a_queued_mail_keeps_its_text_until_flask_mail_send(app, client, demo, login):
    email, _password = demo["logins"]["attendee"]
    client.post("/account/reset", data={"email": email})
    queued = _outbox(app)[-1]
    assert queued.sent_at is None and "/account/reset/" in queued.body
    page = login("admin").get(f"/admin/outbox/{queued.id}").get_data(as_text=True)
    assert "/account/reset/" in page  # the administrator can still read what waits
    from tests.support import smtp_server

    with smtp_server() as (port, received):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        try:
            result = app.test_cli_runner().invoke(args=["mail", "send"])
        finally:
            app.config.update(MAIL_SERVER="")
    assert result.exit_code == 0, result.output
    assert "/account/reset/" in received[-1].get_content()
    after = next(m for m in _outbox(app) if m.id == queued.id)
    assert after.sent_at is not None and after.body == ""


def test_flask_mail_send_empties_mail_sent_before_the_texts_were_dropped(app, demo, smtp):
    """Mail sent by an earlier version still holds its text: the next `flask mail send`
    empties it."""
    from eventmgr.platform.db import utcnow

    with app.app_context():
        db.session.add(
            OutboxMessage(
                recipient="old@example.org",
                subject="Your link",
                body="http://127.0.0.1/r/an-old-live-manage-token",
                sent_at=utcnow(),
            )
        )
        db.session.commit()
    assert app.test_cli_runner().invoke(args=["mail", "send"]).exit_code == 0
    assert [m.body for m in _outbox(app) if m.recipient == "old@example.org"] == [""]


# ---------------------------------------------------------------- erasure


def _import(app, organiser, slug: str) -> None:
    """The organiser imports Kari and Ola from a CSV file (a background job, run here)."""
    csv = "name,email,organisation,category,mode\n" + "".join(
        f"{name},{email},{org},researcher,on_site\n" for name, email, org in (KARI, OLA)
    )
    app.config["JOBS_IN_PROCESS"] = False
    try:
        answer = organiser.post(
            f"/manage/events/{slug}/registrations/import",
            data={"file": (io.BytesIO(csv.encode()), "guests.csv"), "commit": "1"},
            content_type="multipart/form-data",
        )
        assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    finally:
        app.config["JOBS_IN_PROCESS"] = True
    from eventmgr.jobs.services import work

    with app.app_context():
        assert work() == 1


def _kari(app) -> tuple[int, str]:
    """Kari's registration id and the manage token her confirmation mail carries."""
    with app.app_context():
        kari = db.session.scalar(select(Registration).where(Registration.email == KARI[1]))
        body = db.session.scalar(
            select(OutboxMessage.body).where(OutboxMessage.recipient == KARI[1])
        )
        return kari.id, re.search(r"/r/([A-Za-z0-9_-]+)", body).group(1)


def _stored_text(app) -> str:
    """Everything the audit log and the jobs keep, as one text to search."""
    with app.app_context():
        audit = [
            (e.actor_label, e.target_id, e.details) for e in db.session.scalars(select(AuditEntry))
        ]
        jobs = [(j.params, j.message) for j in db.session.scalars(select(Job))]
        return json.dumps([audit, jobs], ensure_ascii=False)


def test_erasure_removes_the_persons_mail_and_their_values_in_audit_and_jobs(app, demo, login):
    slug = demo["slug"]
    organiser = login("organiser")
    _import(app, organiser, slug)
    kari_id, token = _kari(app)
    edited = organiser.post(
        f"/manage/events/{slug}/registrations/{kari_id}",
        data={
            "name": KARI_LATER[0],
            "email": KARI_LATER[1],
            "organisation": KARI[2],
            "category": "researcher",
            "language": "en",
            "mode": "on_site",
            "role": "attendee",
        },
    )
    assert edited.status_code == 302, edited.get_data(as_text=True)[:2000]
    before = _stored_text(app)
    assert all(value in before for value in (*KARI, *KARI_LATER))  # what there is to erase

    erased = app.test_client().post(f"/r/{token}/erase", data={"confirm": "y"})
    assert erased.status_code == 302

    recipients = {m.recipient for m in _outbox(app)}
    assert not recipients & {KARI[1], KARI_LATER[1]}
    assert OLA[1] in recipients  # other people's mail stays
    after = _stored_text(app)
    for value in (*KARI, *KARI_LATER):
        assert value not in after, value
    assert all(value in after for value in OLA)  # Ola's row of the same import stays
    with app.app_context():
        kept = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.target_type == "Registration", AuditEntry.target_id == str(kari_id)
            )
        ).all()
        edits = [e.details for e in kept if e.action == "registration.edited"]
    # the entry stays (who changed what, when), without the values
    assert edits and set(edits[0]) == {"name", "email"}


# ---------------------------------------------------------------- files


@pytest.fixture
def loose_umask():
    """The common default umask (0022) would make new files readable by everyone."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_database_its_backup_and_instance_are_private(tmp_path, loose_umask, monkeypatch):
    from flask_migrate import upgrade

    instance = tmp_path / "instance"
    database = instance / "eventmgr.sqlite3"
    config = _config(instance, f"sqlite:///{database}")
    config.pop("SECRET_KEY")  # the key generated into instance/
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app(config)
    with app.app_context():
        upgrade()
        db.session.execute(select(1))
    assert _mode(instance) == 0o700
    assert _mode(instance / "secret_key") == 0o600
    assert _mode(database) == 0o600
    assert _mode(f"{database}-wal") == 0o600
    backup = tmp_path / "copy.sqlite3"
    done = app.test_cli_runner().invoke(args=["backup", str(backup)])
    assert done.exit_code == 0, done.output
    assert _mode(backup) == 0o600
    with app.app_context():
        db.engine.dispose()


def test_an_existing_instance_folder_is_made_private(tmp_path, loose_umask):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    create_app(_config(instance, f"sqlite:///{tmp_path / 'x.sqlite3'}"))
    assert _mode(instance) == 0o700
