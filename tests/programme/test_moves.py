"""The move rule (the timetable's buttons and drops) and the clash list's grouping, through the
service and the organiser's form posts."""

from __future__ import annotations

from datetime import datetime

import pytest

from eventmgr.events.models import Event
from eventmgr.platform.db import db
from eventmgr.programme import services
from eventmgr.programme.models import ProgrammeItem
from tests.programme.conftest import OSLO, SLUG


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 3, 14, hour, minute, tzinfo=OSLO)


@pytest.fixture
def event(app, symposium):
    with app.app_context():
        yield db.session.scalars(db.select(Event).filter_by(slug=SLUG)).one()


def _add(event, title: str, start: datetime, end: datetime, **data) -> ProgrammeItem:
    kind = data.pop("kind", "other")
    return services.create_item(
        event, {"kind": kind, "title": title, "starts_at": start, "ends_at": end, **data}
    )


def test_moving_keeps_the_room_unless_one_is_given(event, symposium):
    auditorium, seminar = symposium["rooms"]["Auditorium"], symposium["rooms"]["Seminar room"]
    coffee = _add(event, "Coffee", _at(10), _at(10, 20), kind="break")
    session = _add(event, "Session", _at(11), _at(12), kind="session", room_id=auditorium)
    talk = _add(event, "Talk", _at(11), _at(11, 30), kind="talk", parent_id=session.id)
    assert talk.room_id == auditorium

    services.move_item(event, coffee, 5)
    assert (coffee.room_id, coffee.starts_at) == (None, _at(10, 5))
    services.move_item(event, session, -15)
    assert (session.room_id, talk.room_id, talk.starts_at) == (auditorium, auditorium, _at(10, 45))
    services.move_item(event, session, 0, seminar)
    assert (session.room_id, talk.room_id) == (seminar, seminar)
    services.move_item(event, session, 0, None)  # None: no room (talks follow)
    assert (session.room_id, talk.room_id) == (None, None)
    assert services.find_clashes(event) == []


def test_the_move_form_changes_the_room_only_when_it_names_one(app, login, event, symposium):
    client = login("organiser")
    coffee = _add(event, "Coffee", _at(10), _at(10, 20), kind="break")
    url = f"/manage/events/{SLUG}/programme/items/{coffee.id}/move"
    seminar = symposium["rooms"]["Seminar room"]

    def state():
        db.session.expire_all()
        item = db.session.get(ProgrammeItem, coffee.id)
        return item.room_id, event.local(item.starts_at).strftime("%H:%M")

    assert client.post(url, data={"minutes": "5"}).status_code == 302
    assert state() == (None, "10:05")
    client.post(url, data={"minutes": "0", "room_id": str(seminar)})
    assert state() == (seminar, "10:05")
    client.post(url, data={"minutes": "-5"})
    assert state() == (seminar, "10:00")
    client.post(url, data={"minutes": "0", "room_id": "0"})
    assert state() == (None, "10:00")
    # A room of no event (or another one) is refused with its message, and nothing moves.
    page = client.post(url, data={"minutes": "15", "room_id": "999999"}, follow_redirects=True)
    assert "No such room in this event." in page.get_data(as_text=True)
    assert state() == (None, "10:00")


def test_the_clash_list_names_a_session_s_conflict_once(event, symposium):
    auditorium = symposium["rooms"]["Auditorium"]
    people = symposium["people"]
    session = _add(
        event,
        "Session",
        _at(11),
        _at(12),
        kind="session",
        room_id=auditorium,
        moderator_ids=[people["Ada Moderator"]],
    )
    first = _add(
        event,
        "First talk",
        _at(11),
        _at(11, 30),
        kind="talk",
        parent_id=session.id,
        speaker_ids=[people["Ben Speaker"]],
    )
    _add(event, "Second talk", _at(11, 30), _at(12), kind="talk", parent_id=session.id)
    _add(
        event,
        "Panel",
        _at(10, 45),
        _at(11, 15),
        room_id=auditorium,
        moderator_ids=[people["Ada Moderator"]],
        speaker_ids=[people["Ben Speaker"]],
    )
    items = services.items_of(event)
    clashes = services.find_clashes(event, items)
    # The rules: the panel shares the room with the session and its first talk, Ada with the
    # session, Ben with the first talk.
    assert sorted((c.kind, len(c.item_ids)) for c in clashes) == [
        ("person", 2),
        ("person", 2),
        ("room", 2),
        ("room", 2),
    ]
    conflicts = services.conflicts(clashes, items)
    # Named once: the panel and the session (room, Ada); the panel and the first talk only for
    # Ben, who is not in the session (its room clash is the session's).
    assert [([i.title for i in c.items], sorted(c.kinds)) for c in conflicts] == [
        (["Panel", "Session"], ["person", "room"]),
        (["Panel", "First talk"], ["person"]),
    ]
    assert [c.reason for c in conflicts[1].clashes] == ["Ben Speaker is in both at the same time."]

    # Two talks of one session at once are a conflict of their own.
    services.move_item(event, first, 15)
    conflicts = services.conflicts(services.find_clashes(event), services.items_of(event))
    titles = [[i.title for i in c.items] for c in conflicts]
    assert ["First talk", "Second talk"] in titles
