"""`flask users ...`: accounts from the command line: create, list, tokens (issue, list,
revoke), deactivate and reactivate, remove a role. The same rules as the admin pages."""

from __future__ import annotations

import secrets

import click
from flask.cli import AppGroup
from sqlalchemy import select

from eventmgr.accounts import services
from eventmgr.accounts.models import User
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


def _user(email: str):
    user = services.find_user(email)
    if user is None:
        raise click.ClickException(f"No user with the email {email!r}.")
    return user


def _rule(action) -> None:
    """Run an account rule; a refusal is the command's error (exit 1), nothing changed."""
    try:
        action()
    except services.AccountError as exc:
        rollback()
        raise click.ClickException(exc.message) from exc


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


@users.command("token")
@click.argument("email")
def create_token(email: str):
    """Print a new API token for the user (only its hash is stored)."""
    user = _user(email)
    if not user.active:
        raise click.ClickException(f"{user.email} is deactivated; reactivate the account first.")
    token = services.issue_api_token(user)
    commit()
    click.echo(token)


@users.command("list")
def list_users():
    """Every account: email, active or deactivated, roles."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        roles = ", ".join(a.role + (f" ({a.event.slug})" if a.event_id else "") for a in user.roles)
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.email}\t{state}\t{roles or '-'}")


@users.command("tokens")
@click.argument("email")
def list_tokens(email: str):
    """The user's API tokens: id, first characters, created, last used (never the token)."""
    tokens = services.tokens_of(_user(email))
    if not tokens:
        click.echo("no API tokens")
    for token in tokens:
        shown = f"{token.prefix}..." if token.prefix else "(issued before prefixes were kept)"
        click.echo(
            f"{token.id}\t{shown}\tcreated {_when(token.created_at)}"
            f"\tlast used {_when(token.last_used_at)}"
        )


@users.command("revoke-token")
@click.argument("email")
@click.argument("token_id", type=int)
def revoke_token(email: str, token_id: int):
    """Revoke one of the user's API tokens, by the id `flask users tokens` shows."""
    user = _user(email)
    _rule(lambda: services.revoke_token(user, token_id))
    click.echo(f"revoked token {token_id} of {user.email}")


@users.command("deactivate")
@click.argument("email")
def deactivate(email: str):
    """The account can no longer log in; its sessions end, its API tokens are revoked."""
    user = _user(email)
    _rule(lambda: services.deactivate(user))
    click.echo(f"{user.email}: deactivated")


@users.command("reactivate")
@click.argument("email")
def reactivate(email: str):
    """The account may log in again (with a new session; revoked tokens stay revoked)."""
    user = _user(email)
    _rule(lambda: services.reactivate(user))
    click.echo(f"{user.email}: active")


@users.command("remove-role")
@click.argument("email")
@click.option("--role", "role", type=click.Choice(ROLE_IDS), required=True)
@click.option("--event", "event_slug", help="The event, for an event role.")
def remove_role(email: str, role: str, event_slug: str | None):
    """Take one role away from the user (the last administrator keeps theirs)."""
    user = _user(email)
    event_id = _event_id(event_slug, role)
    _rule(lambda: services.remove_role(user, services.find_role(user, role, event_id).id))
    where = f" for {event_slug}" if event_id else ""
    click.echo(f"{user.email}: {role}{where} removed")
