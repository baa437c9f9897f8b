"""`flask mail send`: the mail queue from the command line."""

from __future__ import annotations

from eventmgr.mail.services import queue_mail
from eventmgr.platform.db import db


def test_mail_send_delivers_the_queue(app, smtp):
    with app.app_context():
        queue_mail(
            "someone@example.org", "Hei", "Velkommen til Cancer Crosslinks – æøå", rule="test"
        )
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "sent 1" in result.output
    assert smtp[0]["Subject"] == "Hei"
    assert "æøå" in smtp[0].get_content()


def test_mail_send_without_smtp_says_so(app):
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code != 0 and "MAIL_SERVER" in result.output
