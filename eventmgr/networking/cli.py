"""`flask networking ...`: the meeting scheduler from the command line."""

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from eventmgr.events.models import Event
from eventmgr.networking.schedule import build_instance
from eventmgr.networking.solver.cli import solve_command
from eventmgr.platform.db import db

networking = AppGroup("networking", help="Networking meetings: solve schedules.")
networking.add_command(solve_command)


@networking.command("export-instance")
@click.argument("slug")
@click.option("--auto-match", is_flag=True, help="Add high-scoring suggested pairs.")
def export_instance_command(slug: str, auto_match: bool) -> None:
    """Print the event's current instance (shared/formats/meeting-instance.md) as JSON."""
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise click.ClickException(f"No event {slug!r}.")
    instance = build_instance(event, auto_match=auto_match)
    click.echo(json.dumps(instance, ensure_ascii=False, indent=2))
