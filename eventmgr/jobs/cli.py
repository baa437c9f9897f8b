"""`flask jobs work`: run queued jobs, and resume those a dead process left behind."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from eventmgr.jobs.services import work

jobs = AppGroup("jobs", help="Background jobs.")


@jobs.command("work")
@click.option("--loop", is_flag=True, help="Keep polling for new jobs.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
def work_command(loop: bool, interval: float) -> None:
    """Run queued jobs (and resume interrupted ones) until none is left."""
    while True:
        ran = work()
        if ran:
            click.echo(f"{ran} job(s) run")
        if not loop:
            return
        time.sleep(interval)
