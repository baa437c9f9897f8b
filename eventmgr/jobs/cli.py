"""`flask jobs work`: run due jobs (and resume those a dead process left behind) and deliver the
outbox; with --loop, as a worker that keeps at it (run several, on several hosts)."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from eventmgr.jobs.services import work
from eventmgr.mail.delivery import deliver_due

jobs = AppGroup("jobs", help="Background jobs.")


@jobs.command("work")
@click.option("--loop", is_flag=True, help="Keep polling for jobs and mail.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
def work_command(loop: bool, interval: float) -> None:
    """Run due jobs (and resume interrupted ones) and send due mail until none is left."""
    while True:
        ran = work()
        sent = deliver_due()
        if ran:
            click.echo(f"{ran} job(s) run")
        if sent:
            click.echo(f"{sent} message(s) sent")
        if not loop:
            return
        if not (ran or sent):
            time.sleep(interval)
