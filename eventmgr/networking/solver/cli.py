"""`solve INSTANCE.json [--time-limit SECONDS]`: the scheduler from the shell.

Plain click, so the Flask app can mount it as `flask --app app networking solve`
and it can also run alone (`python -m eventmgr.networking.solver.cli`).
Bad input goes to stderr as `Error: <message>` with a non-zero exit code and
nothing on stdout, so a redirect never leaves a half-written solution file.
"""

from __future__ import annotations

import json
from typing import BinaryIO

import click

from .instance import InstanceError, parse_instance


@click.command("solve")
@click.argument("instance", type=click.File("rb"))
@click.option(
    "--time-limit",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds CP-SAT may search.",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(min=1),
    help="CP-SAT worker threads.",
)
def solve_command(instance: BinaryIO, time_limit: float, workers: int) -> None:
    """Schedule the meetings of INSTANCE (a JSON file, or - for stdin) and print the solution."""
    try:
        parsed = parse_instance(instance.read())
    except InstanceError as exc:
        raise click.ClickException(str(exc)) from exc
    from .model import solve  # OR-Tools loads on use: `flask` itself starts without it

    solution = solve(parsed, time_limit=time_limit, workers=workers)
    click.echo(json.dumps(solution, indent=2))


if __name__ == "__main__":
    solve_command()
