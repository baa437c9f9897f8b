"""Command-line entry points, grouped by domain: `flask --app app <group> <command>`."""

from flask import Flask


def register(app: Flask) -> None:
    from eventmgr.admin.cli import users
    from eventmgr.badges.cli import badges
    from eventmgr.demo.seed import seed_demo_command
    from eventmgr.demo.synthetic import seed_synthetic_command
    from eventmgr.jobs.cli import jobs
    from eventmgr.mail.cli import mail
    from eventmgr.networking.cli import networking
    from eventmgr.platform.backup import backup_command, restore_command
    from eventmgr.registration.cli import privacy

    for command in (
        users,
        mail,
        networking,
        seed_demo_command,
        seed_synthetic_command,
        backup_command,
        restore_command,
        privacy,
        jobs,
        badges,
    ):
        app.cli.add_command(command)
