"""`flask networking ...`: the meeting scheduler from the command line."""

from flask.cli import AppGroup

from eventmgr.networking.solver.cli import solve_command

networking = AppGroup("networking", help="Networking meetings: solve schedules.")
networking.add_command(solve_command)
