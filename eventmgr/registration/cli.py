"""`flask privacy purge --event SLUG`: anonymise an event's registrations after the event."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from eventmgr.events.models import Event
from eventmgr.platform.db import db
from eventmgr.registration.services import purge_event

privacy = AppGroup("privacy", help="Personal data of registrants.")


@privacy.command("purge")
@click.option("--event", "slug", required=True, help="The event's slug.")
def purge(slug: str) -> None:
    """Anonymise every registration of the event; counts per mode, status and category stay."""
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise click.ClickException(f"No event {slug!r}.")
    count = purge_event(event, actor="privacy purge (command line)")
    click.echo(f"anonymised {count} registration(s) of {slug}")
