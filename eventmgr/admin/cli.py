"""`flask users create|token`: accounts from the command line."""

from __future__ import annotations

import secrets

import click
from flask.cli import AppGroup
from sqlalchemy import select

from eventmgr.accounts import services
from eventmgr.events.models import Event
from eventmgr.platform.db import commit, db, rollback
from eventmgr.platform.roles import EVENT_ROLES, ROLE_IDS, Role

users = AppGroup("users", help="Manage user accounts.")


@users.command("create")
@click.argument("email")
@click.option("--role", "role", type=click.Choice(ROLE_IDS), default="attendee", show_default=True)
@click.option(
    "--event", "event_slug", help="The event, for organiser, door_staff, delegation_lead."
)
@click.option("--password", help="Set this password (else a random one is printed).")
@click.option("--name", default="", help="The person's name.")
def create_user(email: str, role: str, event_slug: str | None, password: str | None, name: str):
    """Create a user (or add a role to an existing one)."""
    event_id = _event_id(event_slug, role)
    generated = password is None and services.find_user(email) is None
    if generated:
        password = secrets.token_urlsafe(12)
    try:
        user = services.get_or_create_user(email, name=name, password=password)
        services.grant_role(user, role, event_id)
    except services.AccountError as exc:
        rollback()
        raise click.ClickException(exc.message) from exc
    commit()
    where = f" for {event_slug}" if event_id else ""
    click.echo(f"{user.email}: {role}{where}")
    if generated:
        click.echo(f"password: {password}")


def _event_id(event_slug: str | None, role: str) -> int | None:
    if Role(role) not in EVENT_ROLES:
        if event_slug:
            raise click.UsageError(f"The role {role} is not given per event; drop --event.")
        return None
    if not event_slug:
        raise click.UsageError(f"The role {role} is given for one event: add --event SLUG.")
    event_id = db.session.scalar(select(Event.id).where(Event.slug == event_slug))
    if event_id is None:
        raise click.UsageError(f"No event with the slug {event_slug!r}.")
    return event_id


@users.command("token")
@click.argument("email")
def create_token(email: str):
    """Print a new API token for the user (only its hash is stored)."""
    user = services.find_user(email)
    if user is None:
        raise click.ClickException(f"No user with the email {email!r}.")
    token = services.issue_api_token(user)
    commit()
    click.echo(token)
