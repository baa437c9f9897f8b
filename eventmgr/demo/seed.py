"""Load the demo event and demo accounts; running it twice changes nothing more."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from eventmgr.accounts.services import get_or_create_user, grant_role
from eventmgr.events.models import Event
from eventmgr.events.services import create_event
from eventmgr.networking import services as networking
from eventmgr.networking.demo import seed_networking
from eventmgr.platform.db import commit, db, utcnow
from eventmgr.platform.roles import Role
from eventmgr.programme import services as programme
from eventmgr.programme.transfer import import_json
from eventmgr.sponsors import services as sponsors

DEMO_FILE = Path(__file__).with_name("cancer_crosslinks_2023.json")

# Demo only: printed by `make run` so that anyone can try each role.
DEMO_ACCOUNTS = (
    (Role.ADMIN, "admin@example.org", "Demo Administrator", "demo-admin-2023"),
    (Role.ORGANISER, "jutta.heix@example.org", "Jutta Heix", "demo-organiser-2023"),
    (Role.DOOR_STAFF, "door@example.org", "Door Staff", "demo-door-2023"),
    (Role.DELEGATION_LEAD, "anders.waas@example.org", "Anders Waas", "demo-delegation-2023"),
    (Role.ATTENDEE, "attendee@example.org", "Demo Attendee", "demo-attendee-2023"),
)


# The demo's attendee categories in Bokmål (the file names them in English).
CATEGORIES_NB = {
    "oncologist": "Onkolog",
    "haematologist": "Hematolog",
    "researcher": "Forsker",
    "industry": "Industri",
    "health authority": "Helsemyndighet",
    "student": "Student",
    "investor": "Investor",
    "incubator or cluster": "Inkubator eller klynge",
    "press": "Presse",
    "other": "Annet",
}


@cache
def demo_data() -> dict:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


def demo_categories() -> list[dict]:
    """Cancer Crosslinks' attendee categories as event data, labelled in both languages."""
    return [
        {"key": key, "label": {"en": key[:1].upper() + key[1:], "nb": CATEGORIES_NB[key]}}
        for key in demo_data()["attendee_categories"]
    ]


def demo_sponsors() -> list[dict]:
    """The sponsors the file names, then the partner clusters of the investor project (the
    organiser, Oslo Cancer Cluster, aside)."""
    info = demo_data()["event"]
    found = [{"name": name, "level": "sponsor"} for name in info.get("sponsors", ())]
    for position, cluster in enumerate(demo_data()["investor_network"]["clusters"]):
        if cluster["name"] != info["organiser"]:
            found.append({"name": cluster["name"], "level": "partner", "position": position})
    return found


def _event_fields(data: dict) -> dict:
    info = data["event"]
    zone = ZoneInfo(info["timezone"])
    day = datetime.fromisoformat(info["date"])
    programme = data["programme_illustrative"]
    start = datetime.combine(day.date(), datetime.strptime(programme[0]["start"], "%H:%M").time())
    end = datetime.combine(day.date(), datetime.strptime(programme[-1]["end"], "%H:%M").time())
    auditorium = info["venue"]["rooms"][0]
    return {
        "slug": info["slug"],
        "name": info["name"],
        "description": info["subtitle"],
        "timezone": info["timezone"],
        "starts_at": start.replace(tzinfo=zone),
        "ends_at": end.replace(tzinfo=zone),
        "venue": info["venue"]["name"],
        "address": info["venue"]["address"],
        "onsite_capacity": auditorium["capacity"],
        "digital_capacity": None,
        "stream_url": f"https://stream.example.org/{info['slug']}",
        "published": True,
        "categories": demo_categories(),
        "organiser_name": info["organiser"],
        "contact_email": DEMO_ACCOUNTS[1][1],  # the programme lead's demo account
        # The demo took place in 2023; so that anyone can try registering, its registration
        # stays open for a year from the day the demo is loaded.
        "registration_closes_at": max(
            end.replace(tzinfo=zone),
            (utcnow() + timedelta(days=365)).replace(second=0, microsecond=0),
        ),
    }


def seed_demo() -> tuple[Event, list[tuple[Role, str, str]]]:
    """Create the demo event and accounts if missing; returns the event and the logins."""
    fields = _event_fields(demo_data())
    event = db.session.scalar(select(Event).where(Event.slug == fields["slug"]))
    if event is None:
        event = create_event(fields)
    logins = []
    for role, email, name, password in DEMO_ACCOUNTS:
        user = get_or_create_user(email, name=name, password=password)
        grant_role(user, role, event.id)
        logins.append((role, email, password))
    commit()
    networking.update_settings(event, {"interest_tags": demo_data()["interest_tags"]})
    _seed_programme(event)
    if not sponsors.sponsors_of(event):
        for sponsor in demo_sponsors():
            sponsors.save_sponsor(event, sponsor)
    return event, logins


def _seed_programme(event: Event) -> None:
    """Import and publish the demo programme once; an event that has one is left alone."""
    if programme.latest_version(event) is not None or programme.items_of(event):
        return
    import_json(event, DEMO_FILE.read_text(encoding="utf-8"))
    programme.publish(event, confirm=True)


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo event (Cancer Crosslinks 2023) and one demo account per role."""
    event, logins = seed_demo()
    seed_networking(event)  # only here: tests that use seed_demo() keep a plain event
    click.echo(f"Demo event: {event.name} (/events/{event.slug})")
    click.echo("Demo logins (role, email, password):")
    for role, email, password in logins:
        click.echo(f"  {role.value:<16} {email:<28} {password}")
