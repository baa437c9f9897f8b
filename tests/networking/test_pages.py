"""Networking pages through the test client: delegations (one by one and CSV), participants'
pages, the organiser's slots, tables, schedule, documents, and the command line."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from eventmgr.platform.db import db
from tests.networking.conftest import PASSWORD, outbox

MANAGE = "/manage/events/cancer-crosslinks-2023/networking"
MINE = "/events/cancer-crosslinks-2023/networking"


def _sign_in(app, email: str, password: str = PASSWORD):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302
    return client


def _delegation(login, lead_email="anders.waas@example.org", name="GU Ventures") -> int:
    from eventmgr.networking.models import Delegation

    organiser = login("organiser")
    response = organiser.post(
        MANAGE + "/delegations",
        data={
            "name": name,
            "home_organisation": "GU Ventures, Gothenburg",
            "lead_name": "Anders Waas",
            "lead_email": lead_email,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.scalar(select(Delegation.id).where(Delegation.name == name))


def test_the_organiser_creates_a_delegation_and_invites_its_lead(app, login, demo):
    with app.app_context():
        delegation_id = _delegation(login, lead_email="new.lead@example.org")
        from eventmgr.accounts.services import find_user
        from eventmgr.platform.roles import Role

        lead = find_user("new.lead@example.org")
        assert lead.has_role(Role.DELEGATION_LEAD, 1)
        assert delegation_id is not None
    invite = outbox(app, "new.lead@example.org")
    assert invite and "You lead the delegation GU Ventures." in invite[-1][2]
    assert "/account/reset/" in invite[-1][2]


def test_a_bad_delegation_is_refused_and_nothing_is_made(app, login, demo):
    from eventmgr.networking.models import Delegation

    response = login("organiser").post(
        MANAGE + "/delegations", data={"name": "", "lead_name": "X", "lead_email": "not-an-email"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This field is required." in page and "valid email address" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Delegation.id))) == 0


def test_the_lead_adds_members_who_get_an_account_and_an_onsite_registration(
    app, client, login, demo
):
    from eventmgr.accounts.services import find_user
    from eventmgr.registration.models import Registration

    with app.app_context():
        delegation_id = _delegation(login)
    lead = app.test_client()
    email, password = demo["logins"]["delegation_lead"]
    lead.post("/login", data={"email": email, "password": password})
    url = f"/events/{demo['slug']}/delegations/{delegation_id}"
    assert lead.get(url).status_code == 200
    response = lead.post(
        url,
        data={
            "name": "Sara Rhost",
            "email": "sara@example.org",
            "company": "Sortina Pharma",
            "role": "CEO",
        },
    )
    assert response.status_code == 302
    bad = lead.post(url, data={"name": "", "email": "nope"})
    assert bad.status_code == 422
    with app.app_context():
        reg = db.session.scalar(
            select(Registration).where(Registration.email_key == "sara@example.org")
        )
        assert (reg.role, reg.mode, reg.status, reg.networking_opt_in) == (
            "delegation",
            "on_site",
            "confirmed",
            True,
        )
        assert reg.organisation == "Sortina Pharma" and reg.job_title == "CEO"
        assert find_user("sara@example.org") is not None
        assert db.session.scalar(select(func.count(Registration.id))) == 1
    assert (
        "You are a member of the delegation GU Ventures." in outbox(app, "sara@example.org")[-1][2]
    )
    assert "Sara Rhost" in lead.get(url).get_data(as_text=True)
    # the same person twice is refused
    again = lead.post(url, data={"name": "Sara Rhost", "email": "SARA@example.org"})
    assert again.status_code == 422 and "in a delegation already" in again.get_data(as_text=True)


def test_a_lead_cannot_manage_another_delegation(app, login, demo):
    with app.app_context():
        other = _delegation(login, lead_email="other.lead@example.org", name="Other group")
    lead = app.test_client()
    email, password = demo["logins"]["delegation_lead"]
    lead.post("/login", data={"email": email, "password": password})
    assert lead.get(f"/events/{demo['slug']}/delegations/{other}").status_code == 403
    assert lead.get(f"/events/{demo['slug']}/delegations/{other}/import").status_code == 403
    assert lead.get(f"/events/{demo['slug']}/delegations/999").status_code == 404


def test_members_by_csv_clean_or_nothing(app, login, demo):
    from eventmgr.networking.models import DelegationMember

    with app.app_context():
        delegation_id = _delegation(login)
    lead = app.test_client()
    email, password = demo["logins"]["delegation_lead"]
    lead.post("/login", data={"email": email, "password": password})
    url = f"/events/{demo['slug']}/delegations/{delegation_id}/import"
    bad = (
        "name,email,company,role\n"
        "Sara Rhost,sara@example.org,Sortina Pharma,CEO\n"
        ",nobody@example.org,,\n"
        "Per Setterberg,sara@example.org,Iscaff Pharma,CEO\n"
    )
    response = lead.post(url, data={"content": bad})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Line 3" in page and "Line 4" in page and "line 2" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(DelegationMember.id))) == 0
    good = (
        "name,email,company,role\n"
        "Sara Rhost,sara@example.org,Sortina Pharma,CEO\n"
        "Göran Landberg,goran@example.org,Sortina Pharma,Founder\n"
    )
    preview = lead.post(url, data={"content": good})
    assert preview.status_code == 200 and "2 rows are ready" in preview.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(DelegationMember.id))) == 0
    done = lead.post(url, data={"content": good, "commit": "1"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(DelegationMember.id))) == 2
    assert lead.post(url, data={"content": "nothing,here\n1,2\n"}).status_code == 422


def test_participants_opt_in_edit_their_profile_and_see_only_opted_in_people(
    app, make_person, startup
):
    quiet = make_person("Olav Utenfor", "olav@example.org", opt_in=False)
    client = _sign_in(app, quiet.email)
    page = client.get(MINE)
    assert page.status_code == 200 and 'id="opt-in"' in page.get_data(as_text=True)
    assert client.get(MINE + "/people").status_code == 302  # not yet taking part
    assert client.get(MINE + f"/people/{startup.profile_id}").status_code == 302
    assert client.post(MINE).status_code == 302  # opts in
    response = client.post(
        MINE + "/profile",
        data={
            "organisation": "Fjord Health Capital",
            "role": "Partner",
            "kind": "investor",
            "pitch": "Seed investor.",
            "interests": ["precision medicine"],
            "company_stage": "",
            "investment_focus": "pre-clinical oncology",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    people = client.get(MINE + "/people").get_data(as_text=True)
    assert "Sara Rhost" in people and "Olav Utenfor" not in people
    home = client.get(MINE).get_data(as_text=True)
    assert "Sara Rhost" in home and "they seek seed investment" in home
    bad = client.post(MINE + "/profile", data={"kind": "wizard", "pitch": "x" * 1200})
    assert bad.status_code == 422


def test_an_opted_out_profile_is_not_shown(app, make_person, startup):
    quiet = make_person("Olav Utenfor", "olav@example.org", opt_in=False)
    with app.app_context():
        from eventmgr.networking.models import Profile
        from eventmgr.networking.services import profile_of
        from eventmgr.registration.models import Registration

        profile_of(db.session.get(Registration, quiet.registration_id))
        db.session.commit()
        hidden = db.session.scalar(
            select(Profile.id).where(Profile.registration_id == quiet.registration_id)
        )
    client = _sign_in(app, startup.email)
    assert client.get(MINE + f"/people/{hidden}").status_code == 404


def test_request_accept_and_block_on_the_pages(app, startup, investor):
    sara = _sign_in(app, startup.email)
    response = sara.post(
        MINE + f"/people/{investor.profile_id}/request", data={"message": "Shall we meet?"}
    )
    assert response.status_code == 302
    ingrid = _sign_in(app, investor.email)
    home = ingrid.get(MINE).get_data(as_text=True)
    assert "Shall we meet?" in home
    from eventmgr.networking.models import MeetingRequest

    with app.app_context():
        req_id = db.session.scalar(select(MeetingRequest.id))
    assert sara.post(MINE + f"/requests/{req_id}/accept").status_code == 302
    with app.app_context():
        assert db.session.get(MeetingRequest, req_id).status == "pending"
    ingrid.post(MINE + f"/requests/{req_id}/accept")
    with app.app_context():
        assert db.session.get(MeetingRequest, req_id).status == "accepted"
    ingrid.post(MINE + f"/people/{startup.profile_id}/block")
    again = sara.post(MINE + f"/people/{investor.profile_id}/request", data={"message": "x"})
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(MeetingRequest.id))) == 1


def _publish_one(app, login, startup, investor):
    from eventmgr.events.web import find_event
    from eventmgr.networking import services

    organiser = login("organiser")
    assert (
        organiser.post(
            MANAGE + "/slots",
            data={"date": "2023-01-26", "start": "16:15", "end": "18:15", "minutes": 15},
        ).status_code
        == 302
    )
    assert organiser.post(MANAGE + "/tables", data={"number": 7, "seats": 4}).status_code == 302
    with app.test_request_context():
        event = find_event("cancer-crosslinks-2023")
        sara = db.session.get(services.Registration, startup.registration_id)
        req = services.create_request(event, sara, investor.registration_id, "")
        req.status = "accepted"
        db.session.commit()
    assert organiser.post(MANAGE + "/schedule", data={"time_limit": 5}).status_code == 302
    grid = organiser.get(MANAGE + "/schedule").get_data(as_text=True)
    assert "Sara Rhost" in grid and "Table 7" in grid
    assert organiser.post(MANAGE + "/schedule/publish").status_code == 302
    return organiser


def test_agenda_page_pdf_ics_and_the_agenda_feed(app, login, startup, investor):
    _publish_one(app, login, startup, investor)
    sara = _sign_in(app, startup.email)
    page = sara.get(MINE + "/agenda").get_data(as_text=True)
    assert "16:15" in page and "Ingrid Berg" in page
    pdf = sara.get(MINE + "/agenda.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    ics = sara.get(MINE + "/agenda.ics").get_data(as_text=True)
    assert "BEGIN:VEVENT" in ics and "TZID=Europe/Oslo:20230126T161500" in ics
    assert "mailto:sara@example.org" in ics and "mailto:ingrid@example.org" in ics
    assert "Table 7" in ics
    from eventmgr.platform import signals
    from eventmgr.registration.models import Registration

    with app.test_request_context():
        ingrid = db.session.get(Registration, investor.registration_id)
        answers = signals.collect(signals.agenda_entries_requested, ingrid)
        entries = [entry for answer in answers for entry in answer]
        assert [e.summary for e in entries] == ["Meeting: Sara Rhost"]
        assert {a.email for a in entries[0].attendees} == {"sara@example.org", "ingrid@example.org"}
    from eventmgr.networking.models import Meeting

    with app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id))
    form = {"happened": "yes", "rating": "4"}
    assert sara.post(MINE + f"/meetings/{meeting_id}/feedback", data=form).status_code == 302
    ingrid = _sign_in(app, investor.email)
    ingrid.post(MINE + f"/meetings/{meeting_id}/feedback", data={"happened": "no", "rating": ""})
    dashboard = login("organiser").get(MANAGE).get_data(as_text=True)
    assert "Happened: 1, did not happen: 1" in dashboard and "Average rating: 4" in dashboard


def test_the_organisers_dashboard_signs_and_instance(app, login, startup, investor):
    organiser = _publish_one(app, login, startup, investor)
    dashboard = organiser.get(MANAGE).get_data(as_text=True)
    assert 'data-count="accepted">1<' in dashboard and 'data-count="published">1<' in dashboard
    signs = organiser.get(MANAGE + "/table-signs.pdf")
    assert signs.data.startswith(b"%PDF")
    instance = json.loads(organiser.get(MANAGE + "/instance.json").data)
    from eventmgr.networking.solver.instance import parse_instance

    assert len(parse_instance(instance).fixed) == 1
    bad = organiser.post(MANAGE + "/slots", data={"date": "26.01.2023", "start": "x", "end": "y"})
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.get_data(as_text=True)
    bad = organiser.post(MANAGE + "/tables", data={"number": 7, "seats": 4})
    assert bad.status_code == 422 and "Table 7 exists already." in bad.get_data(as_text=True)
    settings = organiser.post(
        MANAGE,
        data={
            "request_expiry_hours": 0,
            "max_open_requests": 3,
            "max_meetings": 4,
            "interest_tags": "a",
        },
    )
    assert settings.status_code == 422


def test_participants_may_not_open_organiser_pages(app, startup):
    sara = _sign_in(app, startup.email)
    for path in ("", "/schedule", "/slots", "/tables", "/table-signs.pdf", "/instance.json"):
        assert sara.get(MANAGE + path).status_code == 403, path


def test_the_manage_link_gives_an_account_for_networking(app, client, demo):
    from eventmgr.accounts.services import find_user
    from eventmgr.registration import services as registration

    with app.test_request_context():
        from eventmgr.events.web import find_event

        outcome = registration.register(
            find_event(demo["slug"]),
            {
                "name": "Kari Nordmann",
                "email": "kari@example.org",
                "category": "oncologist",
                "mode": "on_site",
                "consent": True,
            },
        )
        token = outcome.token
    manage = client.get(f"/r/{token}").get_data(as_text=True)
    assert f"/r/{token}/networking" in manage
    assert client.get(f"/r/{token}/networking").status_code == 200
    assert client.post(f"/r/{token}/networking").status_code == 302
    with app.app_context():
        assert find_user("kari@example.org") is not None
    assert "/account/reset/" in outbox(app, "kari@example.org")[-1][2]
    assert client.get("/r/unknown/networking").status_code == 404


def test_export_instance_on_the_command_line(app, demo, startup, investor):
    from eventmgr.networking.solver.instance import parse_instance

    runner = app.test_cli_runner()
    result = runner.invoke(args=["networking", "export-instance", demo["slug"]])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert parse_instance(data).requests == [] and data["fixed"] == []
    missing = runner.invoke(args=["networking", "export-instance", "no-such-event"])
    assert missing.exit_code != 0 and "No event" in missing.output


def test_seed_demo_loads_a_working_networking_session(app, demo):
    from eventmgr.events.web import find_event
    from eventmgr.networking.models import Delegation, Meeting, MeetingSlot, MeetingTable

    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.test_request_context():
        event = find_event(demo["slug"])
        slots = db.session.scalars(select(MeetingSlot).order_by(MeetingSlot.starts_at)).all()
        assert len(slots) == 8
        assert event.local(slots[0].starts_at).strftime("%H:%M") == "16:15"
        assert event.local(slots[-1].ends_at).strftime("%H:%M") == "18:15"
        assert db.session.scalar(select(func.count(MeetingTable.id))) == 7
        # the incubator's booking: two founders and an investor, at a place with the seats
        from eventmgr.networking.bookings import bookings_of

        [booked] = bookings_of(event)
        assert [p.name for p in booked.people] == ["Sara Rhost", "Göran Landberg", "Ingrid Berg"]
        assert booked.booking.booked_by.email == demo["logins"]["organiser"][0]
        assert booked.meeting.published and booked.meeting.table.seats >= 3
        assert db.session.scalar(select(func.count(Delegation.id))) == 1
        assert db.session.scalar(select(func.count(Meeting.id)).where(Meeting.published)) >= 3
    client = _sign_in(app, *demo["logins"]["attendee"])
    home = client.get(MINE).get_data(as_text=True)
    assert "Suggested for you" in home and "Sortina Pharma" in home


def test_erasing_a_registration_erases_the_profile_and_messages(app, call, startup, investor):
    from eventmgr.networking.models import MeetingRequest, Profile
    from eventmgr.registration import services as registration
    from eventmgr.registration.models import Registration

    assert call(
        "POST", "/requests", startup, json={"to": investor.registration_id, "message": "Hi"}
    ).ok
    with app.test_request_context():
        registration.erase(db.session.get(Registration, startup.registration_id), "test")
        assert db.session.get(Profile, startup.profile_id) is None
        assert db.session.scalar(select(MeetingRequest.message)) == ""
    assert call("GET", "/profiles", investor).json() == []
