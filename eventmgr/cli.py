"""Command-line entry points, grouped by domain: `flask --app app <group> <command>`."""

from flask import Flask


def register(app: Flask) -> None:
    from eventmgr.accounts.cli import users
    from eventmgr.badges.cli import badges
    from eventmgr.core.backup import backup_command, restore_command
    from eventmgr.demo.seed import seed_demo_command
    from eventmgr.demo.synthetic import seed_synthetic_command
    from eventmgr.jobs.cli import jobs
    from eventmgr.mail.cli import mail
    from eventmgr.networking.cli import networking
    from eventmgr.registration.cli import privacy

    app.cli.add_command(users)
    app.cli.add_command(mail)
    app.cli.add_command(networking)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(seed_synthetic_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(privacy)
    app.cli.add_command(jobs)
    app.cli.add_command(badges)
