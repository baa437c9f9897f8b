"""Fixtures for the digital audience: an event on now (a session with two talks in a streamed
auditorium, a keynote later), a digital and an on-site registrant with their manage links."""

from __future__ import annotations

from datetime import timedelta

import pytest

from eventmgr.accounts.services import find_user, grant_role
from eventmgr.digital.settings import update_settings
from eventmgr.events.services import create_event
from eventmgr.platform.db import db, utcnow
from eventmgr.programme import services as programme
from eventmgr.registration import services as registration
from tests.registration.conftest import person
from tests.support import CATEGORIES

SLUG = "live-symposium"
HLS_URL = "https://stream.example.org/live/auditorium.m3u8"
EMBED_URL = "https://player.example.com/embed/keynote-42"
SEMINAR_URL = "https://elsewhere.example.net/seminar"


@pytest.fixture(autouse=True)
def _forget_boards():
    """Each test's database is new, its ids are reused: no process cache may carry over."""
    from eventmgr.digital import qa

    qa._VERSIONS.clear()
    qa._BUILT.clear()
    yield


@pytest.fixture
def live(app, demo):
    """The event, built through the rules and published; ids and manage tokens returned."""
    with app.app_context():
        now = utcnow().replace(second=0, microsecond=0)
        event = create_event(
            {
                "slug": SLUG,
                "name": "Live Symposium <b>2030</b>",
                "timezone": "Europe/Oslo",
                "starts_at": now - timedelta(hours=2),
                "ends_at": now + timedelta(hours=4),
                "published": True,
                "categories": CATEGORIES,
            }
        )
        grant_role(find_user(demo["logins"]["organiser"][0]), "organiser", event.id)
        db.session.commit()
        auditorium = programme.save_room(event, {"name": "Auditorium", "stream_url": HLS_URL})
        seminar = programme.save_room(event, {"name": "Seminar room", "stream_url": SEMINAR_URL})
        ada = programme.save_person(event, {"name": "Ada Moderator"})
        ben = programme.save_person(event, {"name": "Ben Speaker"})

        def item(kind, title, start, end, **extra):
            data = {
                "kind": kind,
                "title": title,
                "starts_at": now + timedelta(minutes=start),
                "ends_at": now + timedelta(minutes=end),
            }
            return programme.create_item(event, data | extra).id

        session = item(
            "session", "Tumour evolution", -30, 60, room_id=auditorium.id, moderator_ids=[ada.id]
        )
        talk = item("talk", "Clonal dynamics", -30, 15, parent_id=session, speaker_ids=[ben.id])
        hidden = item("talk", "Unpublished data", 15, 60, parent_id=session, streamed=False)
        keynote = item(
            "keynote", "Remote keynote", 90, 150, room_id=auditorium.id, stream_url=EMBED_URL
        )
        workshop = item("session", "Workshop", -10, 50, room_id=seminar.id)
        earlier = item("keynote", "Opening", -110, -40, room_id=auditorium.id)
        update_settings(event, {"player_hosts": "stream.example.org\nplayer.example.com"})
        programme.publish(event, confirm=True)
        people = {}
        for n, mode in ((1, "digital"), (2, "on_site"), (3, "digital")):
            outcome = registration.register(
                event, person(n, mode=mode), actor="organiser test", public=False
            )
            people[mode if n < 3 else "other_digital"] = {
                "id": outcome.registration.id,
                "token": outcome.token,
                "name": outcome.registration.name,
            }
        return {
            "slug": SLUG,
            "id": event.id,
            "rooms": {"auditorium": auditorium.id, "seminar": seminar.id},
            "items": {
                "session": session,
                "talk": talk,
                "hidden": hidden,
                "keynote": keynote,
                "workshop": workshop,
                "earlier": earlier,
            },
            "people": people,
        }
