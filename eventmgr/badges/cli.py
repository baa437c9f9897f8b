"""`flask badges export SLUG --format a6 -o badges.pdf`: the organiser page's export, scripted."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from eventmgr.badges import services
from eventmgr.badges.pdf import FORMATS, ROLES
from eventmgr.badges.services import BadgeError, BadgeFilter
from eventmgr.events.models import Event
from eventmgr.platform.db import db

badges = AppGroup("badges", help="Badge PDFs.")


@badges.command("export")
@click.argument("slug")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS), case_sensitive=False),
    default=services.DEFAULT_FORMAT,
    show_default=True,
    help="Badge size and sheet layout.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="PDF file.")
@click.option("--role", type=click.Choice(ROLES), help="Only badges of this role.")
@click.option("--since", help="Only those registered since this ISO date or time (event's zone).")
@click.option(
    "--since-last-run",
    is_flag=True,
    help="Only those new or changed since the last print run made on the badge page.",
)
def export_command(
    slug: str,
    fmt: str,
    output: Path | None,
    role: str | None,
    since: str | None,
    since_last_run: bool,
) -> None:
    """Write the badges of every confirmed on-site registration of SLUG into one PDF."""
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise click.ClickException(f"No event {slug!r}.")
    fmt = fmt.lower()
    try:
        flt = BadgeFilter(role=role, since=services.parse_since(since, event))
        if since_last_run:
            run = services.last_print_run(event)
            if run is None:
                raise BadgeError("There has been no print run yet; leave out --since-last-run.")
            flt = BadgeFilter(role=role, since=flt.since, changed_since=run.created_at)
        target = output or Path(services.filename(event, fmt))
        count = _write(target, lambda out: services.export(event, fmt, flt, out)[0])
    except BadgeError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{count} badge(s) written to {target}")


def _write(target: Path, produce) -> int:
    """Write through a temporary file beside the target: a failure leaves nothing behind."""
    directory = target.resolve().parent
    if not directory.is_dir():
        raise BadgeError(f"The folder {str(directory)!r} does not exist.")
    fd, tmp = tempfile.mkstemp(prefix=".badges-", suffix=".pdf", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            count = produce(out)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count
