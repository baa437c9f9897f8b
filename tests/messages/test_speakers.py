"""Speakers and moderators as contacts: linked to a registration (made when missing, with the
role, so the badge follows), told their items at publication over real SMTP, then only what
changed, a remote speaker's connection details only to them; the people page says who was
told what and when."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from eventmgr.events.models import Event
from eventmgr.platform.db import db
from eventmgr.programme import services as programme
from eventmgr.programme.models import Person, ProgrammeItem
from eventmgr.registration.models import Registration
from tests import factories


def _event(world) -> Event:
    return db.session.scalar(select(Event).where(Event.slug == world["slug"]))


def _subjects(smtp, address: str) -> list[str]:
    return [m["Subject"] for m in smtp if m["To"] == address]


def _body(smtp, address: str, subject_part: str) -> str:
    found = [m for m in smtp if m["To"] == address and subject_part in m["Subject"]]
    assert found, (address, [m["Subject"] for m in smtp])
    return found[-1].get_content()


def test_publication_tells_each_speaker_their_items_then_only_changes(app, world, smtp, login):
    with app.app_context():
        event = _event(world)
        keynote_person = db.session.scalar(select(Person).where(Person.event_id == event.id))
        programme.save_person(
            event, {"email": "ada@speakers.example.org", "language": "nb"}, keynote_person
        )
        remote = factories.speaker(event, "Rita Remote", email="rita@speakers.example.org")
        moderator = factories.speaker(event, "Mo Derator", email="mo@speakers.example.org")
        room = programme.save_room(event, {"name": "Hall B", "capacity": 50})
        start = event.starts_at.replace(hour=12, minute=30)  # 13:30 in Oslo, CET
        talk = programme.create_item(
            event,
            {
                "kind": "keynote",
                "title": "Remote results",
                "starts_at": start,
                "ends_at": start + timedelta(minutes=20),
                "room_id": room.id,
                "delivery": "digital",
                "speaker_ids": [remote.id],
                "moderator_ids": [moderator.id],
                "tech_check_at": start - timedelta(minutes=45),
                "connection_url": "https://meet.example.org/secret-room",
            },
        )
        programme.publish(event, confirm=True)
        talk_id, remote_id = talk.id, remote.id

    smtp.settle()
    rita = _body(smtp, "rita@speakers.example.org", "Your part in")
    assert "Remote results" in rita and "13:30–13:50 CET" in rita and "Room: Hall B" in rita
    assert "Technical check: 12:45 CET" in rita
    assert "https://meet.example.org/secret-room" in rita
    assert "With: Mo Derator" in rita
    mo = _body(smtp, "mo@speakers.example.org", "Your part in")
    assert "You moderate this." in mo and "With: Rita Remote" in mo
    ada = _body(smtp, "ada@speakers.example.org", "Din del")
    assert "Opening keynote" in ada and "Rita" not in ada  # in Bokmål, only her own item

    with app.app_context():
        event = _event(world)
        linked = db.session.get(Person, remote_id).registration_id
        registration = db.session.get(Registration, linked)
        assert (registration.email, registration.role, registration.mode) == (
            "rita@speakers.example.org",
            "speaker",
            "digital",
        )
        # the secret link is on no public page
        assert "secret-room" not in str(programme.public_programme(event).version.snapshot)
        # a publication with no change for them tells nobody again
        before = len(smtp)
        programme.publish(event, confirm=True)
    smtp.settle()
    assert len(list(smtp)) == before

    with app.app_context():
        event = _event(world)
        talk = db.session.get(ProgrammeItem, talk_id)
        programme.move_item(event, talk, 60)
        programme.publish(event, confirm=True)
    smtp.settle()
    assert [s for s in _subjects(smtp, "rita@speakers.example.org") if "part" in s] == [
        "Your part in Test event",
        "Your part in Test event has changed",
    ]
    # her item did not change: one mail about it, in Bokmål, besides her registration's
    assert [s for s in _subjects(smtp, "ada@speakers.example.org") if "del" in s] == [
        "Din del i Test event"
    ]
    changed = _body(smtp, "rita@speakers.example.org", "has changed")
    assert "Changed:" in changed and "14:30–14:50 CET" in changed

    with app.app_context():  # the audience "speakers" finds the three, through their links
        from eventmgr.messages import audience

        event = _event(world)
        db.session.get(Registration, linked).role = "press"
        db.session.commit()
        assert audience.count(event, {"speakers": True}, news=False) == 3

    page = login("organiser").get(f"/manage/events/{world['slug']}/people")
    text = page.get_data(as_text=True)
    assert "rita@speakers.example.org" in text
    row = text.split(f'id="person-{remote_id}"')[1].split("</tr>")[0]
    assert row.count("Your part in") == 2 and "(sent)" in row


def test_a_persons_address_and_connection_link_stay_private(api, app, world):
    people = api("GET", f"/api/v1/events/{world['slug']}/people", role="organiser").json()
    person = people[0]
    answer = api(
        "PATCH",
        f"/api/v1/events/{world['slug']}/people/{person['id']}",
        role="organiser",
        json={"email": "private@speakers.example.org", "language": "nb"},
    )
    assert answer.status_code == 200 and answer.json()["email"] == "private@speakers.example.org"
    wrong = api(
        "PATCH",
        f"/api/v1/events/{world['slug']}/people/{person['id']}",
        role="organiser",
        json={"email": "not an address"},
    )
    assert wrong.status_code == 422 and "email" in wrong.json()["error"]["fields"]
    with app.app_context():
        item = db.session.scalar(select(ProgrammeItem))
        item.connection_url = "https://meet.example.org/private"
        db.session.commit()
        programme.publish(_event(world), confirm=True)
    public = api("GET", f"/api/v1/events/{world['slug']}/programme").text
    assert "Ada Speaker" in public
    assert "private@speakers.example.org" not in public and "meet.example.org" not in public
