"""`flask mail send`: deliver the queued outbox through SMTP."""

import click
from flask.cli import AppGroup

from eventmgr.mail.services import send_queued, smtp_configured

mail = AppGroup("mail", help="The outbox.")


@mail.command("send")
def send():
    """Send every queued message through the configured SMTP server."""
    if not smtp_configured():
        raise click.ClickException("No SMTP server: set MAIL_SERVER (and MAIL_PORT).")
    sent = send_queued()
    click.echo(f"sent {sent} message(s)")
