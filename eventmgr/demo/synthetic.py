"""A generated event of realistic size, for benchmarks and load tests: `flask seed-synthetic`.

Two days in Oslo, four rooms, 60 speakers, about 200 published programme items, and N
registrations with Nordic and European names (æøå included), both modes, every status,
the demo's categories and networking opt-ins. The registrations obey the rules the app keeps:
confirmed on-site people never exceed the capacity, nobody waits while a place is free, and
every registration has its history row. The same seed gives the same event.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import click
from flask.cli import with_appcontext
from sqlalchemy import insert, select

from eventmgr.demo.seed import demo_categories
from eventmgr.events.models import Event
from eventmgr.events.services import create_event
from eventmgr.platform.db import commit, db, rollback, utcnow
from eventmgr.platform.tokens import hash_secret
from eventmgr.registration.links import new_badge_code, new_token
from eventmgr.registration.models import (
    CANCELLED,
    CONFIRMED,
    DIGITAL,
    ON_SITE,
    WAITLISTED,
    Registration,
    RegistrationHistory,
)

OSLO = ZoneInfo("Europe/Oslo")
ROOMS = (
    ("Kaare Norum Auditorium", 320),
    ("Hall B", 150),
    ("Seminar room", 60),
    ("Studio", 40),
    ("Foyer", 400),
)
ANGLES = ("advances", "open questions", "from bench to bedside")
THEMES = (
    "tumour evolution",
    "epigenetics",
    "cancer metabolism",
    "cell therapy",
    "AI in pathology",
    "liquid biopsies",
    "immuno-oncology",
    "clinical trials",
)
FIRST = (
    "Åse", "Ørjan", "Bjørn", "Kari", "Ola", "Solveig", "Håkon", "Ingrid", "Sigrid", "Æsa",
    "Lars", "Mette", "Søren", "Freja", "Aino", "Mikko", "Jóhanna", "Guðrún", "Björk", "Eero",
    "Astrid", "Linnéa", "Jürgen", "Zoë", "Chloé", "François", "Małgorzata", "Tomáš", "Núria",
    "Joaquín", "Ana", "Giulia", "Matteo", "Niamh", "Siobhán", "Dmitrij", "Fatima", "Yusuf",
    "Per", "Tove",
)  # fmt: skip
LAST = (
    "Ødegård", "Kværner", "Bråten", "Næss", "Hansen", "Johansen", "Sæther", "Løvås", "Aasen",
    "Fjæra", "Nielsen", "Jørgensen", "Sørensen", "Lindqvist", "Åkesson", "Virtanen",
    "Järvinen", "Guðmundsdóttir", "Müller", "Schäfer", "Dubois", "Lefèvre", "Kowalczyk",
    "Dvořák", "García", "Núñez", "Rossi", "Ó Briain", "Nordmann", "Strøm",
)  # fmt: skip
ORGANISATIONS = (
    "Oslo universitetssykehus",
    "Haukeland universitetssjukehus",
    "St. Olavs hospital",
    "Karolinska Institutet",
    "Rigshospitalet",
    "Helsinki University Hospital",
    "Landspítali",
    "Universitetet i Bergen",
    "Nordic Nanovector",
    "Ultimovacs",
    "Oslo Cancer Cluster",
    "Charité Berlin",
    "Institut Curie",
    "Helse Sør-Øst",
)
JOBS = ("Oncologist", "Haematologist", "PhD student", "Researcher", "Nurse", "CEO", "Investor")
# Roughly how a cancer research conference's audience divides.
CATEGORY_WEIGHTS = {
    "oncologist": 22,
    "haematologist": 8,
    "researcher": 25,
    "industry": 14,
    "health authority": 4,
    "student": 10,
    "investor": 5,
    "incubator or cluster": 4,
    "press": 2,
    "other": 6,
}
DEFAULT_SLUG = "synthetic"


class SyntheticError(ValueError):
    """The event cannot be generated as asked (the slug is taken, a bad number)."""


def seed_synthetic(attendees: int, slug: str = DEFAULT_SLUG, seed: int = 2026) -> Event:
    """Generate the event and commit it; refuses an existing slug rather than mixing data."""
    if attendees < 0:
        raise SyntheticError("--attendees must be 0 or more.")
    if db.session.scalar(select(Event.id).where(Event.slug == slug)) is not None:
        raise SyntheticError(
            f"An event with the slug {slug!r} exists already; nothing was changed. "
            "Choose another --slug or delete that event first."
        )
    rng = random.Random(seed)
    event = create_event(
        {
            "slug": slug,
            "name": f"Synthetic Oncology Meeting ({attendees} attendees)",
            "description": "A generated event for benchmarks and load tests.",
            "timezone": "Europe/Oslo",
            "starts_at": datetime(2030, 1, 24, 8, tzinfo=OSLO),
            "ends_at": datetime(2030, 1, 25, 18, tzinfo=OSLO),
            "venue": "Oslo Cancer Cluster Innovation Park",
            "address": "Ullernchausseen 64/66, NO-0379 Oslo, Norway",
            "onsite_capacity": max(1, attendees * 55 // 100),
            "digital_capacity": None,
            "stream_url": f"https://stream.example.org/{slug}",
            "published": True,
            "categories": demo_categories(),
        }
    )
    _programme(event, rng)
    _registrations(event, attendees, rng)
    commit()
    return event


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _programme(event: Event, rng: random.Random) -> None:
    """Per day and room: sessions of three talks with a moderator, coffee and lunch breaks."""
    from eventmgr.programme import services

    rooms = [services.save_room(event, {"name": n, "capacity": c}) for n, c in ROOMS]
    people = [
        services.save_person(
            event,
            {
                "name": _name(rng),
                "title": rng.choice(("Professor", "Dr.", "Associate professor", "CEO")),
                "affiliation": rng.choice(ORGANISATIONS),
            },
        )
        for _ in range(60)
    ]
    services.create_item(
        event,
        {
            "kind": "welcome",
            "title": "Welcome and opening",
            "starts_at": datetime(2030, 1, 24, 8, tzinfo=OSLO),
            "ends_at": datetime(2030, 1, 24, 8, 30, tzinfo=OSLO),
            "room_id": rooms[0].id,
        },
    )
    for day in (24, 25):
        for block in range(6):  # 08:30 to 17:30 in 90-minute blocks
            start = datetime(2030, 1, day, 8, 30, tzinfo=OSLO) + timedelta(minutes=90 * block)
            pool = rng.sample(people, 16)  # nobody in two rooms at once
            for room in rooms[:4]:
                _session(event, room, start, [pool.pop() for _ in range(4)], rng)
            services.create_item(
                event,
                {
                    "kind": "networking" if block == 5 else "break",
                    "title": "Networking" if block == 5 else "Coffee and posters",
                    "starts_at": start + timedelta(minutes=75),
                    "ends_at": start + timedelta(minutes=90),
                    "room_id": rooms[4].id,
                },
            )
    services.publish(event, confirm=True)


def _session(event: Event, room, start: datetime, people: list, rng: random.Random) -> None:
    """A 75-minute session of three talks; `people` are a moderator and three speakers."""
    from eventmgr.programme import services

    theme = rng.choice(THEMES)
    moderator, *speakers = people
    session = services.create_item(
        event,
        {
            "kind": "session",
            "title": f"{theme.capitalize()}: {rng.choice(ANGLES)}",
            "theme": theme,
            "starts_at": start,
            "ends_at": start + timedelta(minutes=75),
            "room_id": room.id,
            "moderator_ids": [moderator.id],
        },
    )
    for n, speaker in enumerate(speakers):
        begins = start + timedelta(minutes=25 * n)
        services.create_item(
            event,
            {
                "kind": "talk",
                "title": f"{theme.capitalize()} in practice, part {n + 1}",
                "abstract": "What we learnt, what it means for patients, what comes next. " * 3,
                "starts_at": begins,
                "ends_at": begins + timedelta(minutes=25),
                "parent_id": session.id,
                "delivery": DIGITAL if rng.random() < 0.15 else ON_SITE,
                "speaker_ids": [speaker.id],
            },
        )


def _registrations(event: Event, count: int, rng: random.Random) -> None:
    """Rows inserted in bulk, in the order people registered; statuses follow the rules."""
    categories = [c for c in event.category_keys if c in CATEGORY_WEIGHTS]
    weights = [CATEGORY_WEIGHTS[c] for c in categories]
    capacity = event.onsite_capacity
    confirmed_on_site = 0
    start = utcnow() - timedelta(days=60)
    rows, history = [], []
    for n in range(count):
        at = start + timedelta(seconds=n * 90 + rng.randrange(60))
        mode = DIGITAL if rng.random() < 0.35 else ON_SITE
        if rng.random() < 0.05:
            status = CANCELLED
        elif mode == DIGITAL or confirmed_on_site < capacity:
            status = CONFIRMED
            confirmed_on_site += mode == ON_SITE
        else:
            status = WAITLISTED
        name = _name(rng)
        email = f"{_ascii(name)}.{n}@example.org"
        role = "speaker" if n % 97 == 0 else "attendee"
        rows.append(
            {
                "event_id": event.id,
                "name": name,
                "email": email,
                "email_key": email.lower(),
                "organisation": rng.choice(ORGANISATIONS),
                "job_title": rng.choice(JOBS),
                "category": rng.choices(categories, weights)[0],
                "mode": mode,
                "status": status,
                "role": role,
                "dietary_needs": rng.choice(("", "", "", "vegetarian", "gluten-free"))
                if mode == ON_SITE
                else "",
                "language": "nb" if rng.random() < 0.5 else "en",
                "consent_at": at,
                "email_proven_at": at,  # as if each had opened the link mailed to them
                "networking_opt_in": rng.random() < 0.4,
                "news_opt_in": rng.random() < 0.3,
                "token_hash": hash_secret(new_token()),
                "badge_code": new_badge_code(),
                "created_at": at,
                "updated_at": at,
                "queued_at": at,
                "cancelled_at": at + timedelta(days=3) if status == CANCELLED else None,
            }
        )
    for chunk in range(0, len(rows), 1000):
        part = rows[chunk : chunk + 1000]
        ids = db.session.scalars(
            insert(Registration).returning(Registration.id, sort_by_parameter_order=True),
            part,
        ).all()
        for reg_id, row in zip(ids, part, strict=True):
            history.append(
                {
                    "registration_id": reg_id,
                    "at": row["created_at"],
                    "actor": "seed-synthetic",
                    "action": "registered",
                    "changes": {"mode": row["mode"], "status": row["status"]},
                }
            )
    for chunk in range(0, len(history), 1000):
        db.session.execute(insert(RegistrationHistory), history[chunk : chunk + 1000])


def _ascii(name: str) -> str:
    """An address-friendly form of a name: Åse Ødegård -> aase.oedegaard."""
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ð": "d", "ł": "l", " ": "."})
    plain = name.lower().translate(table)
    decomposed = unicodedata.normalize("NFKD", plain)
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c == "."))


@click.command("seed-synthetic")
@click.option("--attendees", type=click.IntRange(min=0), required=True, help="registrations")
@click.option("--slug", default=DEFAULT_SLUG, show_default=True, help="the new event's slug")
@click.option("--seed", type=int, default=2026, show_default=True, help="random seed")
@with_appcontext
def seed_synthetic_command(attendees: int, slug: str, seed: int) -> None:
    """Generate an event of realistic size (programme and registrations) for benchmarks."""
    try:
        event = seed_synthetic(attendees, slug, seed)
    except SyntheticError as exc:
        rollback()
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Generated {event.name}: /events/{event.slug}, {attendees} registrations, "
        f"on-site capacity {event.onsite_capacity}."
    )
