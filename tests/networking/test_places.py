"""Places and days: slots on two days; named places with seats and the slots they are free
in; the organiser's grid, the places page, the table signs, a person's agenda (page and PDF)
show the day and the place."""

from __future__ import annotations

import pypdfium2 as pdfium

from eventmgr.platform.db import db
from tests.networking.test_pages import MANAGE, MINE, _sign_in


def _text(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def _accept(app, sender, recipient) -> None:
    from eventmgr.events.web import find_event
    from eventmgr.networking import services
    from eventmgr.registration.models import Registration

    with app.test_request_context():
        event = find_event("cancer-crosslinks-2023")
        req = services.create_request(
            event,
            db.session.get(Registration, sender.registration_id),
            recipient.registration_id,
            "",
        )
        services.accept(event, db.session.get(Registration, recipient.registration_id), req.id)


def test_two_days_and_a_named_place_free_only_on_the_second(app, login, startup, investor):
    from eventmgr.events.web import find_event
    from eventmgr.networking import schedule

    organiser = login("organiser")
    for date in ("2023-01-25", "2023-01-26"):
        slots = {"date": date, "start": "10:00", "end": "10:30", "minutes": 15}
        assert organiser.post(MANAGE + "/slots", data=slots).status_code == 302
    with app.test_request_context():
        day_two = [s.id for s in schedule.slots_of(find_event("cancer-crosslinks-2023"))[2:]]
    office = {
        "number": 3,
        "seats": 4,
        "name": "Incubator office",
        "free_slots": [str(s) for s in day_two],
    }
    assert organiser.post(MANAGE + "/tables", data=office).status_code == 302
    assert organiser.post(MANAGE + "/tables", data={"number": 4, "seats": 2}).status_code == 302
    places = organiser.get(MANAGE + "/tables").get_data(as_text=True)
    row = places.split('class="place-name">Incubator office')[1].split("</tr>")[0]
    assert '<td class="place-days">Thu 26 Jan</td>' in row
    row = places.split('class="place-name">Table 4')[1].split("</tr>")[0]
    assert '<td class="place-days">Wed 25 Jan, Thu 26 Jan</td>' in row

    # the only free one: Sara is away on the first day, so the meeting is on the second
    sara = _sign_in(app, startup.email)
    with app.test_request_context():
        day_one = [s.id for s in schedule.slots_of(find_event("cancer-crosslinks-2023"))[:2]]
    profile = {
        "kind": "startup",
        "company_stage": "",
        "unavailable_slots": [str(s) for s in day_one],
    }
    assert sara.post(MINE + "/profile", data=profile).status_code == 302
    _accept(app, startup, investor)
    assert organiser.post(MANAGE + "/schedule", data={"time_limit": 5}).status_code == 302
    grid = organiser.get(MANAGE + "/schedule").get_data(as_text=True)
    assert '<th scope="col" class="place">Incubator office</th>' in grid
    days = [d for d in grid.split('class="slot-day">')[1:]]
    assert [d.split("<")[0] for d in days] == [
        "Wed 25 Jan",
        "Wed 25 Jan",
        "Thu 26 Jan",
        "Thu 26 Jan",
    ]
    assert organiser.post(MANAGE + "/schedule/publish").status_code == 302

    agenda = sara.get(MINE + "/agenda").get_data(as_text=True)
    assert '<span class="meeting-day">Thu 26 Jan</span>' in agenda
    place = agenda.split('class="meeting-table">')[1].split("<")[0]
    assert place in ("Incubator office", "Table 4")
    pdf = _text(sara.get(MINE + "/agenda.pdf").data)[0]
    assert "Thu 26 Jan 10:" in pdf and place in pdf
    signs = _text(organiser.get(MANAGE + "/table-signs.pdf").data)
    assert len(signs) == 2
    assert "Incubator office" in signs[0] and "Thu 26 Jan" in signs[0]
    assert "Wed 25 Jan" not in signs[0]
    assert "Wed 25 Jan, Thu 26 Jan" in signs[1].replace("\r\n", " ")


def test_next_years_edition_keeps_the_places_and_the_room_service(app, call, organiser_token, demo):
    from sqlalchemy import select

    from eventmgr.events.models import Event
    from eventmgr.networking.models import MeetingTable, NetworkingSettings

    org = organiser_token
    call("POST", "/tables", org, json={"number": 1, "name": "Incubator office", "seats": 6})
    call("POST", "/tables", org, json={"number": 2, "online": True})
    call("PATCH", "/settings", org, json={"video_base_url": "https://meet.example.org"})
    import requests

    server = call("GET", "/tables", org).url.split("/api/v1/")[0]
    copied = requests.post(
        f"{server}/api/v1/events/{demo['slug']}/copy",
        headers={"Authorization": f"Bearer {org}"},
        json={
            "slug": "cancer-crosslinks-2024",
            "name": "Cancer Crosslinks 2024",
            "starts_at": "2024-01-25T10:30:00+01:00",
        },
        timeout=30,
    )
    assert copied.status_code == 201, copied.text
    with app.app_context():
        new = db.session.scalar(select(Event).where(Event.slug == "cancer-crosslinks-2024"))
        places = db.session.scalars(
            select(MeetingTable)
            .where(MeetingTable.event_id == new.id)
            .order_by(MeetingTable.number)
        ).all()
        assert [(t.name, t.seats, t.online) for t in places] == [
            ("Incubator office", 6, False),
            ("", 4, True),
        ]
        settings = db.session.get(NetworkingSettings, new.id)
        assert settings.video_base_url == "https://meet.example.org"
