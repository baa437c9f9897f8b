"""`flask mail send`: deliver what is due in the outbox now (workers do it continuously:
`flask jobs work --loop`)."""

import click
from flask.cli import AppGroup

from eventmgr.mail.delivery import deliver_due, smtp_configured
from eventmgr.mail.services import drop_sent_texts

mail = AppGroup("mail", help="The outbox.")


@mail.command("send")
def send():
    """Send every message that is due through the configured SMTP server."""
    if not smtp_configured():
        raise click.ClickException("No SMTP server: set MAIL_SERVER (and MAIL_PORT).")
    drop_sent_texts()  # mail sent before texts were dropped at sending
    sent = deliver_due()
    click.echo(f"sent {sent} message(s)")
