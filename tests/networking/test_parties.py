"""Companies and delegations as parties: a request names colleagues who attend too; the
meeting needs all of them and a place with the seats; a delegation lead asks, accepts and
declines for the members and sees their agendas."""

from __future__ import annotations

from sqlalchemy import select

from eventmgr.platform.db import db
from tests.networking.conftest import PASSWORD, outbox
from tests.networking.test_pages import MANAGE, MINE, _delegation, _sign_in

SLOTS = {"date": "2023-01-26", "start": "16:15", "end": "16:45", "minutes": 15}


def _instance(app) -> dict:
    from eventmgr.events.web import find_event
    from eventmgr.networking.schedule import build_instance

    with app.test_request_context():
        return build_instance(find_event("cancer-crosslinks-2023"))


def test_two_founders_meet_an_investor_only_at_a_place_with_three_seats(
    app, call, login, make_person, startup, investor
):
    cofounder = make_person("Sven Rhost", "sven@example.org", organisation="sortina  pharma")
    stranger = make_person("Nils Nobody", "nils@example.org", organisation="Elsewhere")
    body = {"to": investor.registration_id, "with": [stranger.registration_id]}
    refused = call("POST", "/requests", startup, json=body)
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"]["with"] == (
        "Nils Nobody is not of the same organisation or delegation as Sara Rhost."
    )
    assert call("GET", "/requests", startup).json() == []
    body["with"] = [cofounder.registration_id]
    made = call("POST", "/requests", startup, json=body)
    assert made.status_code == 201 and made.json()["people"] == [
        "Sara Rhost",
        "Sven Rhost",
        "Ingrid Berg",
    ]
    assert outbox(app, investor.email)[-1][1] == "Meeting request from Sara Rhost, Sven Rhost"
    # the colleague sees the request too, and may not answer it
    [seen] = call("GET", "/requests", cofounder).json()
    assert seen["id"] == made.json()["id"]
    assert call("POST", f"/requests/{seen['id']}/accept", cofounder).status_code == 403
    assert call("POST", f"/requests/{seen['id']}/accept", investor).status_code == 200
    [request] = _instance(app)["requests"]
    assert sorted(request["participants"]) == sorted(
        f"p{p.registration_id}" for p in (startup, cofounder, investor)
    )

    organiser = login("organiser")
    assert organiser.post(MANAGE + "/slots", data=SLOTS).status_code == 302
    assert organiser.post(MANAGE + "/tables", data={"number": 1, "seats": 2}).status_code == 302
    assert organiser.post(MANAGE + "/schedule", data={"time_limit": 5}).status_code == 302
    grid = organiser.get(MANAGE + "/schedule").get_data(as_text=True)
    assert "Sven Rhost" not in grid  # two seats: no place for three
    assert organiser.post(MANAGE + "/tables", data={"number": 2, "seats": 3}).status_code == 302
    assert organiser.post(MANAGE + "/schedule", data={"time_limit": 5}).status_code == 302
    grid = organiser.get(MANAGE + "/schedule").get_data(as_text=True)
    cell = grid.split('class="meeting-cell')[1].split("</td>")[0]
    assert "Sara Rhost" in cell and "Sven Rhost" in cell and "Ingrid Berg" in cell
    assert organiser.post(MANAGE + "/schedule/publish").status_code == 302
    [mine] = call("GET", "/meetings", cofounder).json()
    assert mine["place"] == "Table 2"
    assert [p["name"] for p in mine["with_people"]] == ["Ingrid Berg"]
    assert [p["name"] for p in mine["my_side"]] == ["Sven Rhost", "Sara Rhost"]
    [theirs] = call("GET", "/meetings", investor).json()
    assert [p["name"] for p in theirs["with_people"]] == ["Sara Rhost", "Sven Rhost"]
    assert "Sven Rhost" in outbox(app, investor.email)[-1][2]


def _members(app, login):
    """GU Ventures with two Sortina founders, led by the demo's delegation lead."""
    from eventmgr.accounts.services import find_user, set_password
    from eventmgr.networking.models import Delegation, DelegationMember

    with app.app_context():
        delegation_id = _delegation(login, lead_email="anders.waas@example.org")
    organiser = login("organiser")
    for name, email in (("Sara Rhost", "sara@example.org"), ("Sven Rhost", "sven@example.org")):
        response = organiser.post(
            f"/events/cancer-crosslinks-2023/delegations/{delegation_id}",
            data={"name": name, "email": email, "company": "Sortina Pharma", "role": "Founder"},
        )
        assert response.status_code == 302
    with app.app_context():
        for email in ("anders.waas@example.org", "sara@example.org", "sven@example.org"):
            set_password(find_user(email), PASSWORD)
        db.session.commit()
        members = {
            m.registration.name: m.registration_id
            for m in db.session.scalars(
                select(DelegationMember).where(DelegationMember.delegation_id == delegation_id)
            )
        }
        assert db.session.get(Delegation, delegation_id).lead.email == "anders.waas@example.org"
    return delegation_id, members, _sign_in(app, "anders.waas@example.org")


def test_a_lead_asks_for_two_members_answers_for_them_and_sees_their_agendas(
    app, login, investor, make_person
):
    delegation_id, members, lead = _members(app, login)
    page = f"/events/cancer-crosslinks-2023/delegations/{delegation_id}/meetings"
    form = lead.get(page).get_data(as_text=True)
    assert "Ingrid Berg" in form
    nobody = lead.post(page, data={"to": investor.registration_id, "message": "Hi"})
    assert nobody.status_code == 422 and "Choose who attends." in nobody.get_data(as_text=True)
    asked = lead.post(
        page,
        data={
            "members": [members["Sara Rhost"], members["Sven Rhost"]],
            "to": investor.registration_id,
            "message": "Sortina's founders would like to meet you.",
        },
    )
    assert asked.status_code == 302
    ingrid = _sign_in(app, investor.email)
    home = ingrid.get(MINE).get_data(as_text=True)
    assert "Sara Rhost, Sven Rhost" in home
    request_id = int(home.split('data-direction="in"')[0].rsplit('data-request="', 1)[1][:-2])
    assert ingrid.post(MINE + f"/requests/{request_id}/accept").status_code == 302

    # an investor asks Sven; the lead accepts for him
    other = make_person("Olga Other", "olga@example.org", organisation="Other Capital")
    with app.test_request_context():
        from eventmgr.events.web import find_event
        from eventmgr.networking import services
        from eventmgr.registration.models import Registration

        req = services.create_request(
            find_event("cancer-crosslinks-2023"),
            db.session.get(Registration, other.registration_id),
            members["Sven Rhost"],
            "",
        )
        incoming = req.id
    answer = f"/events/cancer-crosslinks-2023/delegations/{delegation_id}/members/"
    url = answer + f"{members['Sven Rhost']}/requests/{incoming}/accept"
    assert lead.post(url).status_code == 302
    assert outbox(app, other.email)[-1][1] == "Sven Rhost accepted your meeting request"
    # the member's agenda, once published, shows on the lead's page
    organiser = login("organiser")
    assert organiser.post(MANAGE + "/slots", data=SLOTS).status_code == 302
    assert organiser.post(MANAGE + "/tables", data={"number": 4, "seats": 4}).status_code == 302
    assert organiser.post(MANAGE + "/schedule", data={"time_limit": 5}).status_code == 302
    assert organiser.post(MANAGE + "/schedule/publish").status_code == 302
    view = lead.get(page).get_data(as_text=True)
    sven = view.split(f'data-member="{members["Sven Rhost"]}"')[1].split("</section>")[0]
    assert sven.count('class="meeting"') == 2
    assert "Ingrid Berg" in sven and "Olga Other" in sven and "Table 4" in sven

    # a lead of another delegation, or a member, may not act for them
    sara = _sign_in(app, "sara@example.org")
    assert sara.get(page).status_code == 403
    assert (
        lead.post(answer + f"{investor.registration_id}/requests/{incoming}/decline").status_code
        == 404
    )


def test_a_lead_asks_over_the_api_for_a_member_only(app, call, login, investor, demo):
    from eventmgr.accounts.services import find_user, issue_api_token

    delegation_id, members, _lead = _members(app, login)
    with app.app_context():
        token = issue_api_token(find_user("anders.waas@example.org"))
        db.session.commit()
    body = {
        "to": investor.registration_id,
        "on_behalf_of": members["Sara Rhost"],
        "with": [members["Sven Rhost"]],
    }
    made = call("POST", "/requests", token, json=body)
    assert made.status_code == 201, made.text
    assert made.json()["people"] == ["Sara Rhost", "Sven Rhost", "Ingrid Berg"]
    body["on_behalf_of"] = investor.registration_id  # not a member of the lead's delegation
    refused = call("POST", "/requests", token, json=body)
    assert refused.status_code == 404
    assert len(call("GET", "/requests", investor).json()) == 1


def test_the_company_asked_names_who_comes_and_a_lead_answers_over_the_api(
    app, call, login, make_person, investor
):
    from eventmgr.accounts.services import find_user, issue_api_token

    delegation_id, members, _lead = _members(app, login)
    partner = make_person("Per Partner", "per@example.org", organisation="Fjord Health Capital")
    with app.app_context():
        token = issue_api_token(find_user("anders.waas@example.org"))
        db.session.commit()
    asked = call("POST", "/requests", investor, json={"to": members["Sara Rhost"]}).json()
    path = f"/requests/{asked['id']}/accept"
    wrong = call(
        "POST",
        path + f"?on_behalf_of={members['Sara Rhost']}&with={partner.registration_id}",
        token,
    )
    assert wrong.status_code == 422  # Per is not of Sortina Pharma or GU Ventures
    done = call(
        "POST", path + f"?on_behalf_of={members['Sara Rhost']}&with={members['Sven Rhost']}", token
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "accepted"
    assert done.json()["people"] == ["Ingrid Berg", "Sara Rhost", "Sven Rhost"]


def test_the_person_asked_ticks_a_colleague_who_comes_too(app, make_person, startup, investor):
    partner = make_person("Per Partner", "per@example.org", organisation="Fjord Health Capital")
    make_person("Nils Nobody", "nils@example.org", organisation="Elsewhere")
    with app.test_request_context():
        from eventmgr.events.web import find_event
        from eventmgr.networking import services
        from eventmgr.registration.models import Registration

        req = services.create_request(
            find_event("cancer-crosslinks-2023"),
            db.session.get(Registration, startup.registration_id),
            investor.registration_id,
            "",
        )
        request_id = req.id
    ingrid = _sign_in(app, investor.email)
    home = ingrid.get(MINE).get_data(as_text=True)
    assert "Per Partner" in home and "Nils Nobody" not in home.split('id="requests"')[1]
    response = ingrid.post(
        MINE + f"/requests/{request_id}/accept", data={"with": [str(partner.registration_id)]}
    )
    assert response.status_code == 302
    [request] = _instance(app)["requests"]
    assert sorted(request["participants"]) == sorted(
        f"p{p.registration_id}" for p in (startup, investor, partner)
    )


def test_a_colleague_sees_the_meeting_in_their_data_and_erasure_takes_them_out(
    app, call, make_person, startup, investor
):
    from eventmgr.networking.models import MeetingAttendee, MeetingRequest
    from eventmgr.registration import services as registration
    from eventmgr.registration.models import Registration

    cofounder = make_person("Sven Rhost", "sven@example.org", organisation="Sortina Pharma")
    body = {"to": investor.registration_id, "with": [cofounder.registration_id]}
    assert call("POST", "/requests", startup, json=body).status_code == 201
    with app.test_request_context():
        sven = db.session.get(Registration, cofounder.registration_id)
        section = sven.personal_data()["networking"]
        assert [r["with"]["name"] for r in section["requests_attended"]] == ["Ingrid Berg"]
        assert section["requests_attended"][0]["side"] == "from"
        registration.erase(sven, "test")
        assert db.session.scalar(select(MeetingAttendee.id)) is None
        assert db.session.scalar(select(MeetingRequest.status)) == "pending"  # Sara still asks
    told = outbox(app, investor.email)[-1]
    assert told[1] == "Sven Rhost no longer comes to your meeting"


def test_a_lead_cancels_a_members_meeting_with_a_reason(app, login, investor):
    from tests.networking.browser_setup import places, publish

    delegation_id, members, lead = _members(app, login)
    places(app, {"number": 1, "seats": 4})
    with app.test_request_context():
        from eventmgr.events.web import find_event
        from eventmgr.networking import services
        from eventmgr.registration.models import Registration

        event = find_event("cancer-crosslinks-2023")
        req = services.create_request(
            event, db.session.get(Registration, members["Sara Rhost"]), investor.registration_id, ""
        )
        services.accept(event, db.session.get(Registration, investor.registration_id), req.id)
    publish(app)
    page = f"/events/cancer-crosslinks-2023/delegations/{delegation_id}/meetings"
    view = lead.get(page).get_data(as_text=True)
    meeting_id = int(view.split('class="meeting" data-meeting="')[1].split('"')[0])
    url = (
        f"/events/cancer-crosslinks-2023/delegations/{delegation_id}/members/"
        f"{members['Sara Rhost']}/meetings/{meeting_id}/cancel"
    )
    assert lead.post(url, data={"reason": "Our flight is cancelled."}).status_code == 302
    told = outbox(app, investor.email)[-1]
    assert told[1] == "Sara Rhost cancelled your meeting" and "Our flight is cancelled." in told[2]
    assert 'class="meeting"' not in lead.get(page).get_data(as_text=True)
    assert "Sara Rhost" not in _sign_in(app, investor.email).get(MINE + "/agenda").get_data(
        as_text=True
    )
