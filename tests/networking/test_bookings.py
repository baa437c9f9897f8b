"""Facilitated meetings: the organiser names a host; the host (or an organiser) books a meeting
between two participants with a note why; both are told once and either may decline; the
dashboard shows who booked what."""

from __future__ import annotations

from sqlalchemy import select

from eventmgr.platform.db import db
from tests.networking.conftest import PASSWORD, outbox
from tests.networking.test_pages import MANAGE, MINE, _sign_in

BOOK = "/events/cancer-crosslinks-2023/networking/book"


def _host(app, login) -> object:
    from eventmgr.accounts.services import find_user, set_password

    organiser = login("organiser")
    bad = organiser.post(MANAGE + "/hosts", data={"name": "X", "email": "not-an-address"})
    assert bad.status_code == 302
    response = organiser.post(
        MANAGE + "/hosts", data={"name": "Thomas Andersson", "email": "thomas@occ.example.org"}
    )
    assert response.status_code == 302
    page = organiser.get(MANAGE).get_data(as_text=True)
    assert "thomas@occ.example.org" in page and "not-an-address" not in page
    with app.app_context():
        set_password(find_user("thomas@occ.example.org"), PASSWORD)
        db.session.commit()
    return _sign_in(app, "thomas@occ.example.org")


def test_a_host_books_both_are_told_either_declines_and_the_dashboard_shows_it(
    app, login, startup, investor
):
    from eventmgr.mail.models import OutboxMessage
    from eventmgr.networking.models import MeetingRequest

    host = _host(app, login)
    start = host.get("/events/cancer-crosslinks-2023/networking").get_data(as_text=True)
    assert f'href="{BOOK}" id="book-link"' in start  # a host who is not registered finds it
    form = host.get(BOOK)
    assert form.status_code == 200 and "Sara Rhost (Sortina Pharma)" in form.get_data(as_text=True)
    data = {"from_id": startup.registration_id, "to_id": investor.registration_id, "note": ""}
    refused = host.post(BOOK, data=data)
    assert refused.status_code == 422 and "Say why they should meet." in refused.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.scalar(select(MeetingRequest.id)) is None
    data["note"] = "Sortina seeks seed money; Fjord invests in pre-clinical oncology."
    assert host.post(BOOK, data=data).status_code == 302
    for person, other in ((startup, "Ingrid Berg"), (investor, "Sara Rhost")):
        subject, body = outbox(app, person.email)[-1][1:]
        assert subject == f"A meeting is booked for you: {other}"
        assert "Thomas Andersson booked a meeting for you" in body and data["note"] in body
    with app.app_context():
        rows = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.rule == "networking.booked")
        ).all()
        assert sorted(m.recipient for m in rows) == [investor.email, startup.email]
        assert all(m.key for m in rows)
    # twice is refused: there is a meeting between them already
    again = host.post(BOOK, data=data)
    assert "There is already a request between these two." in again.get_data(as_text=True)
    with app.app_context():
        assert len(db.session.scalars(select(MeetingRequest.id)).all()) == 1

    sara, ingrid = _sign_in(app, startup.email), _sign_in(app, investor.email)
    home = ingrid.get(MINE).get_data(as_text=True)
    assert "Booked by Thomas Andersson" in home
    dashboard = login("organiser").get(MANAGE).get_data(as_text=True)
    booking = dashboard.split('id="bookings"')[1].split("</table>")[0]
    assert "Thomas Andersson" in booking and "Sara Rhost, Ingrid Berg" in booking
    assert 'data-status="accepted"' in booking
    with app.app_context():
        request_id = db.session.scalar(select(MeetingRequest.id))
    assert ingrid.post(MINE + f"/requests/{request_id}/cancel").status_code == 302
    told = outbox(app, startup.email)[-1]
    assert told[1] == "Ingrid Berg declined a booked meeting"
    assert "The meeting Thomas Andersson booked is off." in told[2]
    assert "Ingrid Berg" in sara.get(MINE).get_data(as_text=True)  # listed as declined
    dashboard = login("organiser").get(MANAGE).get_data(as_text=True)
    assert 'data-status="declined"' in dashboard.split('id="bookings"')[1].split("</table>")[0]


def test_only_organisers_and_hosts_book(app, login, startup, investor):
    sara = _sign_in(app, startup.email)
    assert 'id="book-link"' not in sara.get(MINE).get_data(as_text=True)
    assert sara.get(BOOK).status_code == 403
    data = {"from_id": startup.registration_id, "to_id": investor.registration_id, "note": "x"}
    assert sara.post(BOOK, data=data).status_code == 403
    organiser = login("organiser")
    assert organiser.get(BOOK).status_code == 200
    assert organiser.post(BOOK, data=data).status_code == 302


def test_a_booking_over_the_api_with_a_companys_two_people(
    app, call, organiser_token, make_person, startup, investor
):
    cofounder = make_person("Sven Rhost", "sven@example.org", organisation="Sortina Pharma")
    stranger = make_person("Nils Nobody", "nils@example.org", organisation="Elsewhere")
    body = {
        "from": startup.registration_id,
        "to": investor.registration_id,
        "from_with": [stranger.registration_id],
        "note": "Meet the founders.",
    }
    refused = call("POST", "/bookings", organiser_token, json=body)
    assert refused.status_code == 422
    assert "not of the same organisation" in refused.json()["error"]["fields"]["from_with"]
    assert call("POST", "/bookings", startup, json=body).status_code == 403
    body["from_with"] = [cofounder.registration_id]
    made = call("POST", "/bookings", organiser_token, json=body)
    assert made.status_code == 201, made.text
    assert made.json()["people"] == ["Sara Rhost", "Sven Rhost", "Ingrid Berg"]
    [listed] = call("GET", "/bookings", organiser_token).json()
    assert listed["note"] == "Meet the founders." and listed["status"] == "accepted"
    hosts = call("POST", "/hosts", organiser_token, json={"email": "host@example.org"})
    assert hosts.status_code == 201
    assert [h["email"] for h in call("GET", "/hosts", organiser_token).json()] == [
        "host@example.org"
    ]
