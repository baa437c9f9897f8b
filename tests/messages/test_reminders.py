"""Reminders (the day before, the stream link, speakers' slots) as jobs with due times, each
person once, over real SMTP; notices to people whose starred items moved or were cancelled;
the organiser's settings turn each off."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from eventmgr.calendar.services import agenda_for_registration, set_starred
from eventmgr.events.models import Event
from eventmgr.jobs.models import Job
from eventmgr.jobs.services import work
from eventmgr.mail.models import OutboxMessage
from eventmgr.platform.db import db, utcnow
from eventmgr.programme import services as programme
from eventmgr.programme.models import Person, ProgrammeItem
from eventmgr.registration.models import Registration


def _event(world) -> Event:
    return db.session.scalar(select(Event).where(Event.slug == world["slug"]))


def _due_now() -> int:
    db.session.execute(
        update(Job).where(Job.status == "queued").values(due_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    return work()


def _by(smtp, part: str) -> dict:
    return {m["To"]: m for m in smtp if part in m["Subject"]}


def test_reminders_are_scheduled_at_publication_and_reach_each_person_once(
    app, world, people, smtp, client
):
    with app.app_context():
        event = _event(world)
        speaker = db.session.scalar(select(Person).where(Person.event_id == event.id))
        programme.save_person(event, {"email": "ada@speakers.example.org"}, speaker)
        event.venue, event.address = "Oslo Cancer Cluster", "Ullernchausseen 64, Oslo"
        db.session.commit()
        programme.publish(event, confirm=True)
        jobs = {
            j.key: j.due_at
            for j in db.session.scalars(select(Job).where(Job.kind == "messages.reminder"))
        }
        keynote = db.session.scalar(select(ProgrammeItem).where(ProgrammeItem.event_id == event.id))
        assert jobs == {
            f"reminder:day_before:event:{event.id}:20300125T0900": event.starts_at
            - timedelta(days=1),
            f"reminder:speakers:event:{event.id}:20300125T0900": event.starts_at
            - timedelta(days=1),
            f"reminder:stream:event:{event.id}:20300126T0930": keynote.starts_at
            - timedelta(minutes=30),
        }
        assert work() == 0  # not due yet
        assert _due_now() == 3
        addresses = {k: db.session.get(Registration, v).email for k, v in people.items()}
    smtp.settle()
    tomorrow = _by(smtp, "Tomorrow: Test event")
    # confirmed and proven: ada, sam, dina, and the keynote speaker (registered at the
    # publication); bo in Bokmål ("I morgen"); not the unproven, not the cancelled
    assert set(tomorrow) == {
        addresses["ada"],
        addresses["sam"],
        addresses["dina"],
        "ada@speakers.example.org",
    }
    onsite = tomorrow[addresses["ada"]].get_content()
    assert "Venue: Oslo Cancer Cluster" in onsite and "Ullernchausseen 64" in onsite
    badge = re.search(r"at the door\): (\S+)", onsite).group(1)
    assert client.get(badge.removeprefix("http://127.0.0.1")).data[:5] == b"%PDF-"
    assert "online" in tomorrow[addresses["dina"]]["Subject"]
    assert "/watch" in tomorrow[addresses["dina"]].get_content()
    assert addresses["bo"] in _by(smtp, "I morgen: Test event")
    stream = _by(smtp, "The stream starts soon")
    assert set(stream) == {addresses["dina"]}
    assert "11:00 CET" in stream[addresses["dina"]].get_content()  # 10:00 UTC in Oslo
    slot = _by(smtp, "your slot")
    assert set(slot) == {"ada@speakers.example.org"}
    assert "Opening keynote" in slot["ada@speakers.example.org"].get_content()
    count = len(list(smtp))
    with app.app_context():  # published again: the jobs come back; nobody is told twice
        event = _event(world)
        db.session.execute(
            update(Job)
            .where(Job.kind == "messages.reminder")
            .values(status="queued", finished_at=None)
        )
        db.session.commit()
        assert _due_now() == 3
    smtp.settle()
    assert len(list(smtp)) == count


def test_settings_turn_a_reminder_off(app, world, login):
    client = login("organiser")
    url = f"/manage/events/{world['slug']}/messages/settings"
    page = client.get(url)
    box = re.search(r'<input[^>]*id="stream_reminder"[^>]*>', page.get_data(as_text=True))
    assert page.status_code == 200 and "checked" in box.group(0)  # on by default
    fields = {
        name: "y"
        for name in ("speaker_briefs", "day_before", "speaker_reminder", "starred_changes")
    }
    assert client.post(url, data=fields).status_code == 302
    with app.app_context():
        keys = set(db.session.scalars(select(Job.key).where(Job.kind == "messages.reminder")))
        event = _event(world)
        assert keys == {
            f"reminder:day_before:event:{event.id}:20300125T0900",
            f"reminder:speakers:event:{event.id}:20300125T0900",
        }


def test_people_whose_starred_items_moved_get_one_notice(app, world, people, smtp, client):
    with app.app_context():
        event = _event(world)
        keynote = db.session.scalar(select(ProgrammeItem).where(ProgrammeItem.event_id == event.id))
        room = programme.save_room(event, {"name": "Hall C", "capacity": 10})
        other = programme.create_item(
            event,
            {
                "kind": "keynote",
                "title": "Closing keynote",
                "starts_at": keynote.starts_at + timedelta(hours=3),
                "ends_at": keynote.starts_at + timedelta(hours=4),
                "room_id": room.id,
            },
        )
        programme.publish(event, confirm=True)
        for label in ("ada", "bo"):
            agenda = agenda_for_registration(db.session.get(Registration, people[label]))
            set_starred(agenda, keynote.id, True)
            set_starred(agenda, other.id, True)
        agenda = agenda_for_registration(db.session.get(Registration, people["dina"]))
        set_starred(agenda, other.id, True)  # only the item that does not change
        db.session.get(Registration, people["bo"]).change_notices = False
        db.session.commit()
        programme.move_item(event, keynote, 30)
        programme.publish(event, confirm=True)
        addresses = {k: db.session.get(Registration, v).email for k, v in people.items()}
    smtp.settle()
    notices = _by(smtp, "Changes to your programme")
    assert set(notices) == {addresses["ada"]}
    text = notices[addresses["ada"]].get_content()
    assert "Opening keynote: moved" in text and "Closing keynote" not in text
    assert "Was: " in text and "11:00–11:30 CET" in text and "11:30–12:00 CET" in text


def test_a_reminder_of_an_event_moved_later_waits_for_the_new_time(app, world, people):
    with app.app_context():
        event = _event(world)
        event.starts_at += timedelta(days=2)
        event.ends_at += timedelta(days=2)
        db.session.commit()
        # the job of the old time comes due: it sends nothing and waits for the new time
        db.session.execute(
            update(Job)
            .where(Job.key.like("reminder:day_before:%"))
            .values(due_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
        assert work() == 1
        waiting = db.session.execute(
            select(Job.key, Job.due_at).where(
                Job.key.like("reminder:day_before:%"), Job.status == "queued"
            )
        ).all()
        assert waiting == [
            (
                f"reminder:day_before:event:{event.id}:20300127T0900",
                event.starts_at - timedelta(days=1),
            )
        ]
        sent = select(OutboxMessage.id).where(OutboxMessage.rule == "reminder.day_before")
        assert db.session.scalar(sent) is None


def test_an_event_moved_earlier_moves_its_reminders_at_once(app, world, people, api):
    """The organiser moves the event a day earlier over the API: the day-before reminder is
    due a day earlier now, not at the old time (which would be after the event began)."""
    with app.app_context():
        event = _event(world)
        programme.publish(event, confirm=True)
        starts, ends = event.starts_at - timedelta(days=1), event.ends_at - timedelta(days=1)
    moved = api(
        "PATCH",
        f"/api/v1/events/{world['slug']}",
        "organiser",
        json={"starts_at": starts.isoformat(), "ends_at": ends.isoformat()},
    )
    assert moved.status_code == 200, moved.text
    with app.app_context():
        db.session.expire_all()
        event = _event(world)
        waiting = db.session.execute(
            select(Job.key, Job.due_at).where(
                Job.key.like("reminder:day_before:%"), Job.status == "queued"
            )
        ).all()
        assert waiting == [
            (
                f"reminder:day_before:event:{event.id}:20300124T0900",
                event.starts_at - timedelta(days=1),
            )
        ]
