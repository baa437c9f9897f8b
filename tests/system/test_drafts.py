"""An unpublished event stays unknown: its name, its programme and its people's photos reach
only its own staff. Every route is fetched by an anonymous visitor and by people of another
event (an attendee who starred one of its items while it was public, its organiser and door
staff, with their API tokens), with the draft's slug and its objects' ids."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from tests.support import CATEGORIES

DRAFT_NAME = "Quietly Postponed Summit"
B_EMAIL, B_PASSWORD = "bob.unrelated@example.org", "bob-unrelated-2023"
ORG_B_EMAIL, ORG_B_PASSWORD = "organiser.elsewhere@example.org", "organiser-else-2023"
DOOR_B_EMAIL, DOOR_B_PASSWORD = "door.elsewhere@example.org", "door-else-2023"
SKIP = {"accounts.logout", "pages.set_language"}
FORM = {"confirm": "y", "message": "Hello", "mode": "on_site", "name": "X", "email": "x@x.org"}


def _world(app, demo) -> dict:
    """The demo event, starred by Bob while public, then renamed and unpublished."""
    from eventmgr.accounts.services import (
        find_user,
        get_or_create_user,
        grant_role,
        issue_api_token,
    )
    from eventmgr.calendar import services as calendar
    from eventmgr.events.models import Event
    from eventmgr.events.services import create_event
    from eventmgr.networking.demo import seed_networking
    from eventmgr.networking.models import Delegation, MeetingSlot, MeetingTable, Profile
    from eventmgr.platform.db import db
    from eventmgr.platform.roles import Role
    from eventmgr.programme import services as programme
    from eventmgr.programme.models import Person, ProgrammeItem, Room
    from eventmgr.registration import services as registration

    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == demo["slug"]))
        seed_networking(event)
        other = create_event(
            {
                "slug": "elsewhere",
                "name": "Elsewhere",
                "timezone": "Europe/Oslo",
                # ahead of today, so that its registration is open
                "starts_at": datetime(datetime.now(UTC).year + 1, 1, 1, 9, tzinfo=UTC),
                "ends_at": datetime(datetime.now(UTC).year + 1, 1, 1, 17, tzinfo=UTC),
                "published": True,
            }
        )
        other.categories = CATEGORIES
        bob = get_or_create_user(B_EMAIL, "Bob Unrelated", B_PASSWORD)
        for email, password, role in (
            (ORG_B_EMAIL, ORG_B_PASSWORD, Role.ORGANISER),
            (DOOR_B_EMAIL, DOOR_B_PASSWORD, Role.DOOR_STAFF),
        ):
            grant_role(get_or_create_user(email, "Staff B", password), role, other.id)
        db.session.commit()
        item_id = programme.public_programme(event).items[0].id
        bobs_agenda = calendar.agenda_for_user(event, bob)
        calendar.set_starred(bobs_agenda, item_id, True)
        db.session.commit()
        outcome = registration.register(
            other,
            {
                "name": "Bob Unrelated",
                "email": B_EMAIL,
                "category": "researcher",
                "mode": "on_site",
                "consent": True,
            },
        )
        event.name = DRAFT_NAME
        event.published = False
        ids = {
            model: db.session.scalars(select(model.id).where(model.event_id == event.id)).first()
            for model in (ProgrammeItem, Person, Room, MeetingSlot, MeetingTable, Delegation)
        }
        speaker = db.session.scalar(
            select(Person).where(Person.event_id == event.id, Person.photo_version > 0)
        )
        world = {
            "slug": event.slug,
            "ids": {
                "item_id": item_id,
                "person_id": speaker.id if speaker else ids[Person],
                "room_id": ids[Room],
                "slot_id": ids[MeetingSlot],
                "table_id": ids[MeetingTable],
                "delegation_id": ids[Delegation],
                "profile_id": db.session.scalars(select(Profile.id)).first(),
            },
            "tokens": [outcome.token, calendar.feed_token(bobs_agenda)],
            "api": {
                "bob": issue_api_token(bob),
                "organiser_b": issue_api_token(find_user(ORG_B_EMAIL)),
                "door_b": issue_api_token(find_user(DOOR_B_EMAIL)),
            },
        }
        db.session.commit()
    return world


def _clients(app) -> dict:
    clients = {"anonymous": app.test_client()}
    for actor, email, password in (
        ("bob", B_EMAIL, B_PASSWORD),
        ("organiser_b", ORG_B_EMAIL, ORG_B_PASSWORD),
        ("door_b", DOOR_B_EMAIL, DOOR_B_PASSWORD),
    ):
        clients[actor] = app.test_client()
        answer = clients[actor].post("/login", data={"email": email, "password": password})
        assert answer.status_code == 302, answer.data[:300]
    return clients


def _urls(rule, world: dict) -> list[str]:
    values = {}
    for name in rule.arguments - {"token"}:
        if name == "slug":
            values[name] = world["slug"]
        elif name == "fmt":
            values[name] = "json"
        else:
            values[name] = world["ids"].get(name, 1)
    tokens = world["tokens"] if "token" in rule.arguments else [None]
    return [
        rule.build(values | ({"token": t} if t else {}), append_unknown=False)[1] for t in tokens
    ]


def test_nobody_outside_a_draft_learns_its_name(app, demo):
    from eventmgr.mail.models import OutboxMessage
    from eventmgr.platform.db import db

    world = _world(app, demo)
    clients = _clients(app)
    with app.app_context():
        mails_before = db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()))
    leaks = []
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint.endswith("static") or rule.endpoint in SKIP:
            continue
        api = rule.rule.startswith("/api/")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for url in _urls(rule, world):
                for actor, client in clients.items():
                    headers = {}
                    if api and actor != "anonymous":
                        headers["Authorization"] = f"Bearer {world['api'][actor]}"
                        client = clients["anonymous"]
                    if api:
                        answer = client.open(url, method=method, headers=headers, json={})
                    else:
                        answer = client.open(url, method=method, data=FORM)
                    body = answer.get_data().decode("utf-8", "replace")
                    if DRAFT_NAME in body or DRAFT_NAME in str(answer.headers):
                        leaks.append((actor, method, url, answer.status_code))
                    checked += 1
    assert leaks == []
    assert checked > 300
    with app.app_context():
        mailed = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.id > (mails_before or 0))
        ).all()
        assert [m.recipient for m in mailed if DRAFT_NAME in m.subject + m.body] == []
