"""Next year's edition: POST /api/v1/events/<slug>/copy and the page button make a new
unpublished event with the rooms, people, sponsors, settings, categories, questions, tags and
the programme moved to the new date, and none of the registrations, check-ins or networking
data."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from PIL import Image
from sqlalchemy import func, select

from eventmgr.accounts.models import RoleAssignment
from eventmgr.checkin import services as checkin
from eventmgr.checkin.models import Checkin
from eventmgr.events.models import Event
from eventmgr.events.services import wall_clock_shift
from eventmgr.networking.demo import seed_networking
from eventmgr.networking.models import (
    Delegation,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    MeetingTable,
    NetworkingSettings,
    Profile,
)
from eventmgr.platform.db import db
from eventmgr.platform.roles import Role
from eventmgr.programme import services as programme
from eventmgr.programme.models import Person, Room
from eventmgr.registration.models import Registration
from eventmgr.sponsors import services as sponsors
from eventmgr.sponsors.models import Sponsor
from tests.events.test_settings_api import QUESTIONS

NEXT = {"slug": "cancer-crosslinks-2024", "name": "Cancer Crosslinks 2024"}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (300, 100), (0, 90, 160, 255)).save(out, "PNG")
    return out.getvalue()


def _count(model, event_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(model).where(model.event_id == event_id)
    )


@pytest.fixture
def full_demo(app, demo):
    """The demo with what a past edition holds: networking data, a check-in, a question, a
    speaker photo and a sponsor logo."""
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == demo["slug"]))
        seed_networking(event)
        event.questions = QUESTIONS
        db.session.commit()
        person = db.session.scalar(select(Person).where(Person.name == "Douglas Hanahan"))
        programme.save_person(event, {}, person, photo=_png())
        bms = db.session.scalar(select(Sponsor).where(Sponsor.name == "Bristol Myers Squibb"))
        sponsors.save_sponsor(event, {"on_badges": True}, bms, logo=_png())
        code = db.session.scalars(
            select(Registration.badge_code).where(Registration.event_id == event.id)
        ).first()
        db.session.commit()  # the scan writes on a connection of its own
        checkin.scan(event.id, code, door="Main")
    return demo


def test_the_copy_has_the_setup_on_the_new_date_and_no_peoples_data(api, app, full_demo):
    answer = api(
        "POST",
        f"/api/v1/events/{full_demo['slug']}/copy",
        role="organiser",
        json=NEXT | {"starts_at": "2024-01-25T10:30:00+01:00"},
    )
    assert answer.status_code == 201, answer.text
    copy = answer.json()
    assert copy["slug"] == NEXT["slug"] and copy["published"] is False
    assert copy["starts_at"] == "2024-01-25T10:30:00+01:00"
    assert copy["ends_at"] == "2024-01-25T19:00:00+01:00"
    source = api("GET", f"/api/v1/events/{full_demo['slug']}", role="organiser").json()
    for name in ("categories", "questions", "interest_tags", "organiser_name", "contact_email"):
        assert copy[name] == source[name], name
    for name in ("venue", "address", "onsite_capacity", "timezone", "stream_url"):
        assert copy[name] == source[name], name
    assert api("GET", f"/api/v1/events/{NEXT['slug']}").status_code == 404  # a draft
    with app.app_context():
        old = db.session.scalar(select(Event).where(Event.slug == full_demo["slug"]))
        new = db.session.scalar(select(Event).where(Event.slug == NEXT["slug"]))
        items = programme.items_of(new)
        old_items = programme.items_of(old)
        assert len(items) == len(old_items) > 10
        assert [(i.title, new.local(i.starts_at).strftime("%Y-%m-%d %H:%M")) for i in items][
            :2
        ] == [("Welcome", "2024-01-25 10:30"), ("Opening keynote", "2024-01-25 10:40")]
        assert [len(i.children) for i in items] == [len(i.children) for i in old_items]
        assert {p.name for i in items for p in i.speakers} == {
            p.name for i in old_items for p in i.speakers
        }
        assert all(i.event_id == new.id for i in items for p in i.speakers)
        assert {r.name for r in programme.rooms_of(new)} == {
            r.name for r in programme.rooms_of(old)
        }
        photo = db.session.scalar(
            select(Person).where(Person.event_id == new.id, Person.name == "Douglas Hanahan")
        )
        assert photo.has_photo and photo.photo.startswith(b"\xff\xd8")
        assert [(s.name, s.level, s.on_badges, s.has_logo) for s in sponsors.sponsors_of(new)] == [
            (s.name, s.level, s.on_badges, s.has_logo) for s in sponsors.sponsors_of(old)
        ]
        assert sponsors.badge_logos(new) == sponsors.badge_logos(old) != []
        assert db.session.get(NetworkingSettings, new.id).interest_tags == source["interest_tags"]
        slots = db.session.scalars(
            select(MeetingSlot)
            .where(MeetingSlot.event_id == new.id)
            .order_by(MeetingSlot.starts_at)
        ).all()
        assert new.local(slots[0].starts_at).strftime("%Y-%m-%d %H:%M") == "2024-01-25 16:15"
        assert _count(MeetingTable, new.id) == _count(MeetingTable, old.id) > 0
        for model in (Registration, Checkin, Profile, Delegation, MeetingRequest, Meeting):
            if hasattr(model, "event_id"):
                assert _count(model, new.id) == 0, model
        assert _count(Registration, old.id) > 0 and _count(Checkin, old.id) == 1
        assert db.session.scalar(select(func.count(Meeting.id))) > 0  # the old ones stay
        organisers = db.session.scalars(
            select(RoleAssignment.user_id).where(
                RoleAssignment.event_id == new.id, RoleAssignment.role == Role.ORGANISER
            )
        ).all()
        assert len(organisers) == 1  # the demo's organiser, who copied it
        assert programme.latest_version(new) is None  # the draft, to be published anew


def test_a_copy_moves_times_on_the_wall_clock_across_summer_time(app):
    """An event in winter copied to summer keeps 10:30 at 10:30 in Oslo."""
    with app.app_context():
        event = Event(
            slug="winter",
            name="Winter",
            timezone="Europe/Oslo",
            starts_at=datetime(2030, 1, 10, 9, 30, tzinfo=UTC),
            ends_at=datetime(2030, 1, 10, 16, tzinfo=UTC),
        )
        shift = wall_clock_shift(event, datetime(2030, 6, 13, 10, 30, tzinfo=event.tz))
        moved = shift(datetime(2030, 1, 10, 14, 15, tzinfo=UTC))  # 15:15 in Oslo
        assert moved == datetime(2030, 6, 13, 13, 15, tzinfo=UTC)  # 15:15 in Oslo (CEST)


BAD_COPIES = [
    ({"name": "X", "starts_at": "2024-01-25T10:30:00+01:00"}, "slug", 422),
    ({"slug": "Bad Slug", "name": "X", "starts_at": "2024-01-25T10:30:00+01:00"}, "slug", 422),
    ({"slug": "x-2024", "starts_at": "2024-01-25T10:30:00+01:00"}, "name", 422),
    ({"slug": "x-2024", "name": "X"}, "starts_at", 422),
    ({"slug": "x-2024", "name": "X", "starts_at": "2024-01-25T10:30:00"}, "starts_at", 422),
    ({"slug": "x-2024", "name": "X", "starts_at": "2024-01-25T10:30:00Z", "x": 1}, "x", 422),
    (
        {"slug": "cancer-crosslinks-2023", "name": "X", "starts_at": "2024-01-25T10:30:00Z"},
        "slug",
        409,
    ),
]


@pytest.mark.parametrize(("body", "named", "status"), BAD_COPIES)
def test_a_bad_copy_is_refused_naming_the_field(api, app, demo, body, named, status):
    answer = api("POST", f"/api/v1/events/{demo['slug']}/copy", role="organiser", json=body)
    assert answer.status_code == status, answer.text
    assert named in answer.json()["error"]["fields"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Event.id))) == 1
        assert db.session.scalar(select(func.count(Room.id))) == 2


def test_only_organisers_copy(api, demo):
    body = NEXT | {"starts_at": "2024-01-25T10:30:00+01:00"}
    url = f"/api/v1/events/{demo['slug']}/copy"
    assert api("POST", url, role="door_staff", json=body).status_code == 403
    assert api("POST", url, json=body).status_code == 401


def test_the_copy_page_suggests_next_year_and_the_same_weekday(app, login, demo):
    organiser = login("organiser")
    url = f"/manage/events/{demo['slug']}/copy"
    page = organiser.get(url).get_data(as_text=True)
    assert 'value="Cancer Crosslinks 2024"' in page and 'value="cancer-crosslinks-2024"' in page
    assert 'value="2024-01-25 10:30:00"' in page  # a Thursday, as on 26 January 2023
    answer = organiser.post(
        url,
        data={
            "name": "Cancer Crosslinks 2024",
            "slug": "cancer-crosslinks-2024",
            "starts_at": "2024-01-25T10:30",
        },
    )
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/manage/events/cancer-crosslinks-2024/edit")
    with app.app_context():
        new = db.session.scalar(select(Event).where(Event.slug == "cancer-crosslinks-2024"))
        assert new.starts_at == datetime(2024, 1, 25, 9, 30, tzinfo=UTC)
        assert new.published is False
