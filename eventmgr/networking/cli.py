"""`flask networking ...`: the meeting scheduler from the command line."""

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from eventmgr.networking.solver.cli import solve_command

networking = AppGroup("networking", help="Networking meetings: solve schedules.")
networking.add_command(solve_command)


@networking.command("export-instance")
@click.argument("slug")
@click.option("--auto-match", is_flag=True, help="Add high-scoring suggested pairs.")
def export_instance_command(slug: str, auto_match: bool) -> None:
    """Print the event's current instance (shared/formats/meeting-instance.md) as JSON."""
    from eventmgr.db import db
    from eventmgr.events.models import Event
    from eventmgr.networking.schedule import build_instance

    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise click.ClickException(f"No event {slug!r}.")
    instance = build_instance(event, auto_match=auto_match)
    db.session.rollback()  # settings created on first use are not kept by a read
    click.echo(json.dumps(instance, ensure_ascii=False, indent=2))
