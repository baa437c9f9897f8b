"""The networking API over HTTP: visibility, suggestions, requests and their rules, the
organiser's slots, tables, schedule and publication, and each person's meetings."""

from __future__ import annotations

from datetime import timedelta

import requests
from sqlalchemy import select, update

from eventmgr.platform.db import db, utcnow
from tests.networking.conftest import outbox

SLOTS = {"start": "2023-01-26T16:15:00+01:00", "end": "2023-01-26T18:15:00+01:00", "minutes": 15}


def _subjects(app, email: str) -> list[str]:
    return [subject for _to, subject, _body in outbox(app, email)]


def test_profiles_are_visible_only_to_opted_in_participants(call, make_person, startup, investor):
    outsider = make_person("Olav Utenfor", "olav@example.org", opt_in=False)
    stranger_token = call("GET", "/profiles").status_code
    assert stranger_token == 401

    refused = call("GET", "/profiles", outsider)
    assert refused.status_code == 403
    assert refused.json()["error"]["fields"]["networking_opt_in"]
    assert call("GET", f"/profiles/{investor.profile_id}", outsider).status_code == 403
    assert call("GET", "/suggestions", outsider).status_code == 403

    names = [p["name"] for p in call("GET", "/profiles", startup).json()]
    assert names == ["Ingrid Berg"]  # not herself, not the one who did not opt in
    one = call("GET", f"/profiles/{investor.profile_id}", startup).json()
    assert one["investment_focus"] == "pre-clinical oncology, precision medicine"
    assert "email" not in one


def test_a_profile_that_opted_out_is_not_found(app, call, startup, investor):
    from eventmgr.registration.models import Registration

    with app.app_context():
        db.session.execute(
            update(Registration)
            .where(Registration.id == investor.registration_id)
            .values(networking_opt_in=False)
        )
        db.session.commit()
    assert call("GET", f"/profiles/{investor.profile_id}", startup).status_code == 404
    assert call("GET", "/profiles", startup).json() == []


def test_my_profile_is_checked_field_by_field(call, startup):
    bad = call(
        "PATCH",
        "/profile",
        startup,
        json={"interests": ["astrology"], "kind": "wizard", "pitch": "x" * 1001},
    )
    assert bad.status_code == 422
    fields = bad.json()["error"]["fields"]
    assert set(fields) == {"interests", "kind", "pitch"}
    assert "astrology" in fields["interests"]
    unchanged = call("GET", "/profile", startup).json()
    assert unchanged["kind"] == "startup"
    ok = call("PATCH", "/profile", startup, json={"interests": ["CAR-T", "cell therapy"]})
    assert ok.status_code == 200
    assert ok.json()["interests"] == ["cell therapy", "CAR-T"]  # in the event's order


def test_suggestions_rank_the_investor_and_say_why(call, make_person, startup, investor):
    make_person(
        "Per Samme",
        "per@example.org",
        organisation="sortina  pharma",  # the startup's own organisation, written differently
        kind="investor",
        investment_focus="pre-clinical oncology",
        interests=["precision medicine", "cell therapy"],
    )
    make_person("Lars Lite", "lars@example.org", organisation="Other", interests=["CAR-T"])
    rows = call("GET", "/suggestions", startup).json()
    assert [r["profile"]["name"] for r in rows] == ["Ingrid Berg"]
    why = rows[0]["why"]
    assert "both: precision medicine, cell therapy" in why
    assert "you seek seed investment, they invest in pre-clinical oncology" in why
    back = call("GET", "/suggestions", investor).json()
    assert back[0]["profile"]["name"] == "Sara Rhost"
    assert "they seek seed investment, you invest in" in back[0]["why"]


def test_no_suggestions_within_ones_delegation(app, call, demo, startup, make_person):
    from eventmgr.networking.models import Delegation, DelegationMember

    colleague = make_person(
        "Göran Landberg",
        "goran@example.org",
        organisation="Another company",
        interests=["precision medicine", "cell therapy"],
    )
    assert [r["profile"]["name"] for r in call("GET", "/suggestions", startup).json()] == [
        "Göran Landberg"
    ]
    with app.test_request_context():
        from eventmgr.events.web import find_event

        delegation = Delegation(event_id=find_event(demo["slug"]).id, name="GU Ventures")
        db.session.add(delegation)
        db.session.flush()
        for person in (startup, colleague):
            db.session.add(
                DelegationMember(
                    delegation_id=delegation.id, registration_id=person.registration_id
                )
            )
        db.session.commit()
    assert call("GET", "/suggestions", startup).json() == []


def test_request_accept_and_the_mails_of_each_step(app, call, startup, investor, make_person):
    sent = call(
        "POST", "/requests", startup, json={"to": investor.registration_id, "message": "Hello!"}
    )
    assert sent.status_code == 201, sent.text
    req = sent.json()
    assert req["status"] == "pending" and req["to_name"] == "Ingrid Berg"
    assert "Meeting request from Sara Rhost" in _subjects(app, investor.email)
    assert "Hello!" in outbox(app, investor.email)[-1][2]

    # only the person asked answers; nobody else even sees the request
    other = make_person("Nils Annen", "nils@example.org")
    assert call("POST", f"/requests/{req['id']}/accept", other).status_code == 404
    assert call("POST", f"/requests/{req['id']}/accept", startup).status_code == 403
    assert call("GET", "/requests", other).json() == []

    # a second request between the two is refused, in either direction
    again = call("POST", "/requests", investor, json={"to": startup.registration_id})
    assert again.status_code == 409

    accepted = call("POST", f"/requests/{req['id']}/accept", investor)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert "Ingrid Berg accepted your meeting request" in _subjects(app, startup.email)
    assert call("POST", f"/requests/{req['id']}/decline", investor).status_code == 409


def test_decline_and_withdraw_mail_the_other_side(app, call, startup, investor, make_person):
    req = call("POST", "/requests", startup, json={"to": investor.registration_id}).json()
    assert call("POST", f"/requests/{req['id']}/decline", investor).json()["status"] == "declined"
    assert "Ingrid Berg declined your meeting request" in _subjects(app, startup.email)
    third = make_person("Nils Annen", "nils@example.org")
    req = call("POST", "/requests", startup, json={"to": third.registration_id}).json()
    assert call("POST", f"/requests/{req['id']}/cancel", third).status_code == 409
    assert call("POST", f"/requests/{req['id']}/cancel", startup).json()["status"] == "cancelled"
    assert "Sara Rhost withdrew a meeting request" in _subjects(app, third.email)


def test_requests_to_oneself_unknown_or_outsiders_are_refused(call, make_person, startup):
    outsider = make_person("Olav Utenfor", "olav@example.org", opt_in=False)
    assert (
        call("POST", "/requests", startup, json={"to": startup.registration_id}).status_code == 422
    )
    assert (
        call("POST", "/requests", startup, json={"to": outsider.registration_id}).status_code == 404
    )
    bad = call("POST", "/requests", startup, json={"to": "seven"})
    assert bad.status_code == 404 and bad.json()["error"]["fields"]["to"]
    assert call("POST", "/requests", startup, json={"message": "no one"}).status_code == 422
    assert call("POST", "/requests", startup, json={"to": 1, "extra": 1}).status_code == 422


def test_the_cap_on_open_requests(call, organiser_token, make_person, startup):
    assert (
        call("PATCH", "/settings", organiser_token, json={"max_open_requests": 2}).status_code
        == 200
    )
    others = [make_person(f"Person {i}", f"p{i}@example.org") for i in range(3)]
    for other in others[:2]:
        assert call("POST", "/requests", startup, json={"to": other.registration_id}).ok
    refused = call("POST", "/requests", startup, json={"to": others[2].registration_id})
    assert refused.status_code == 409
    assert "most open requests allowed (2)" in refused.json()["error"]["message"]


def test_the_cap_on_meetings_per_person(call, organiser_token, make_person, investor):
    call("PATCH", "/settings", organiser_token, json={"max_meetings": 1})
    first, second = (make_person(f"Founder {i}", f"f{i}@example.org") for i in (1, 2))
    one = call("POST", "/requests", first, json={"to": investor.registration_id}).json()
    two = call("POST", "/requests", second, json={"to": investor.registration_id}).json()
    assert call("POST", f"/requests/{one['id']}/accept", investor).status_code == 200
    refused = call("POST", f"/requests/{two['id']}/accept", investor)
    assert refused.status_code == 409
    assert (
        "Ingrid Berg has reached the most meetings allowed (1)"
        in refused.json()["error"]["message"]
    )


def test_settings_are_checked(call, organiser_token, startup):
    bad = call(
        "PATCH",
        "/settings",
        organiser_token,
        json={"request_expiry_hours": 0, "max_meetings": "many", "interest_tags": "x"},
    )
    assert bad.status_code == 422
    assert set(bad.json()["error"]["fields"]) == {
        "request_expiry_hours",
        "max_meetings",
        "interest_tags",
    }
    assert call("PATCH", "/settings", startup, json={"max_meetings": 9}).status_code == 403


def test_requests_expire_after_the_organisers_time(app, call, startup, investor):
    from eventmgr.networking.models import MeetingRequest

    req = call("POST", "/requests", startup, json={"to": investor.registration_id}).json()
    with app.app_context():
        db.session.execute(
            update(MeetingRequest)
            .where(MeetingRequest.id == req["id"])
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    rows = call("GET", "/requests", investor).json()
    assert [r["status"] for r in rows] == ["expired"]
    assert "Your meeting request to Ingrid Berg expired" in _subjects(app, startup.email)
    assert call("POST", f"/requests/{req['id']}/accept", investor).status_code == 409
    # once expired, asking again is allowed
    assert call("POST", "/requests", startup, json={"to": investor.registration_id}).ok


def test_expiry_hours_set_the_deadline(call, organiser_token, startup, investor):
    from datetime import datetime

    call("PATCH", "/settings", organiser_token, json={"request_expiry_hours": 5})
    req = call("POST", "/requests", startup, json={"to": investor.registration_id}).json()
    created = datetime.fromisoformat(req["created_at"])
    assert datetime.fromisoformat(req["expires_at"]) - created == timedelta(hours=5)


def test_block_stops_requests_and_suggestions(call, startup, investor):
    pending = call("POST", "/requests", startup, json={"to": investor.registration_id}).json()
    assert (
        call("POST", "/blocks", investor, json={"profile_id": startup.profile_id}).status_code
        == 204
    )
    assert call("GET", "/requests", startup).json()[0]["status"] == "cancelled"
    refused = call("POST", "/requests", startup, json={"to": investor.registration_id})
    assert refused.status_code == 403
    assert call("GET", "/suggestions", startup).json() == []
    assert call("GET", "/suggestions", investor).json() == []
    assert pending["status"] == "pending"
    call("POST", "/blocks", investor, json={"profile_id": startup.profile_id, "undo": True})
    assert call("POST", "/requests", startup, json={"to": investor.registration_id}).ok


def _accepted(call, a, b):
    req = call("POST", "/requests", a, json={"to": b.registration_id}).json()
    assert call("POST", f"/requests/{req['id']}/accept", b).status_code == 200
    return req


def test_schedule_publish_and_both_see_the_same_table_and_time(
    app, call, organiser_token, startup, investor, make_person
):
    org = organiser_token
    assert call("POST", "/slots", org, json=SLOTS).status_code == 201
    slots = call("GET", "/slots", org).json()
    assert len(slots) == 8 and slots[0]["starts_at"] == "2023-01-26T16:15:00+01:00"
    assert slots[-1]["ends_at"] == "2023-01-26T18:15:00+01:00"
    assert call("POST", "/tables", org, json={"number": 1, "seats": 4}).status_code == 201
    assert call("POST", "/tables", org, json={"number": 1}).status_code == 422  # taken
    _accepted(call, startup, investor)
    # a second pair who share no free slot stays unscheduled, with the reason
    busy_a = make_person("Busy A", "a@example.org")
    busy_b = make_person("Busy B", "b@example.org")
    ids = [s["id"] for s in slots]
    call("PATCH", "/profile", busy_a, json={"unavailable_slots": ids[:4]})
    call("PATCH", "/profile", busy_b, json={"unavailable_slots": ids[4:]})
    _accepted(call, busy_a, busy_b)

    solved = call("POST", "/schedule", org, json={"time_limit": 5})
    assert solved.status_code == 200, solved.text
    body = solved.json()
    assert body["status"] == "optimal"
    assert [m["people"] for m in body["meetings"]] == [["Sara Rhost", "Ingrid Berg"]]
    assert body["unscheduled"][0]["reason"] == "no_common_slot"
    assert call("GET", "/meetings", startup).json() == []  # nothing published yet

    before = len(outbox(app))
    call("POST", "/schedule/publish", org)
    mails = outbox(app)[before:]
    assert sorted(to for to, _s, _b in mails) == ["ingrid@example.org", "sara@example.org"]
    assert "Table 1" in mails[0][2]

    mine, theirs = (
        call("GET", "/meetings", startup).json(),
        call("GET", "/meetings", investor).json(),
    )
    assert len(mine) == 1 and len(theirs) == 1
    assert (mine[0]["starts_at"], mine[0]["table"]) == (theirs[0]["starts_at"], theirs[0]["table"])
    assert mine[0]["with_name"] == "Ingrid Berg" and theirs[0]["with_name"] == "Sara Rhost"

    # the published meeting stays fixed; publishing again mails nobody
    fixed = call("GET", "/instance", org).json()["fixed"]
    assert len(fixed) == 1
    call("POST", "/schedule", org, json={"time_limit": 5})
    before = len(outbox(app))
    call("POST", "/schedule/publish", org)
    assert len(outbox(app)) == before


def test_changes_after_publishing_mail_only_the_people_affected(
    app, call, organiser_token, startup, investor, make_person
):
    org = organiser_token
    call("POST", "/slots", org, json=SLOTS | {"end": "2023-01-26T16:45:00+01:00"})
    call("POST", "/tables", org, json={"number": 1})
    _accepted(call, startup, investor)
    call("POST", "/schedule", org, json={"time_limit": 5})
    call("POST", "/schedule/publish", org)
    third, fourth = make_person("Tre", "tre@example.org"), make_person("Fire", "fire@example.org")
    _accepted(call, third, fourth)
    call("POST", "/schedule", org, json={"time_limit": 5})
    before = len(outbox(app))
    call("POST", "/schedule/publish", org)
    assert sorted(to for to, _s, _b in outbox(app)[before:]) == [
        "fire@example.org",
        "tre@example.org",
    ]


def _published_meeting(call, org, a, b) -> None:
    call("POST", "/slots", org, json=SLOTS | {"end": "2023-01-26T16:45:00+01:00"})
    call("POST", "/tables", org, json={"number": 1})
    _accepted(call, a, b)
    assert call("POST", "/schedule", org, json={"time_limit": 5}).status_code == 200
    call("POST", "/schedule/publish", org)
    assert len(call("GET", "/meetings", b).json()) == 1


def test_a_cancelled_registration_takes_its_meetings_and_requests_along(
    app, call, live_server, demo, organiser_token, startup, investor, make_person
):
    """b2match-like: the people Sara was to meet learn at once that it is off, and their
    agendas drop the meeting; the next publish has nothing left to mail about her."""
    org = organiser_token
    _published_meeting(call, org, startup, investor)
    asked = make_person("Olav Spør", "olav@example.org")
    pending = call("POST", "/requests", asked, json={"to": startup.registration_id}).json()
    before = len(outbox(app))
    cancelled = requests.post(
        f"{live_server}/api/v1/events/{demo['slug']}/registrations/"
        f"{startup.registration_id}/cancel",
        headers={"Authorization": f"Bearer {org}"},
        timeout=30,
    )
    assert cancelled.json()["status"] == "cancelled"
    told = {to: subject for to, subject, _b in outbox(app)[before:] if to != startup.email}
    assert told == {
        investor.email: "Your meeting with Sara Rhost is off",
        asked.email: "Your meeting with Sara Rhost is off",
    }
    assert call("GET", "/meetings", investor).json() == []
    assert [r["status"] for r in call("GET", "/requests", investor).json()] == ["cancelled"]
    mine = call("GET", "/requests", asked).json()
    assert [(r["id"], r["status"]) for r in mine] == [(pending["id"], "cancelled")]
    call("POST", "/schedule", org, json={"time_limit": 5})
    before = len(outbox(app))
    call("POST", "/schedule/publish", org)
    assert outbox(app)[before:] == []


def test_withdrawing_an_accepted_request_drops_the_published_meeting_at_once(
    app, call, organiser_token, startup, investor
):
    _published_meeting(call, organiser_token, startup, investor)
    req = call("GET", "/requests", startup).json()[0]
    assert call("POST", f"/requests/{req['id']}/cancel", investor).json()["status"] == "cancelled"
    assert call("GET", "/meetings", startup).json() == []
    assert call("GET", "/meetings", investor).json() == []
    assert "Ingrid Berg withdrew a meeting request" in _subjects(app, startup.email)


def test_an_infeasible_fixed_schedule_is_refused(app, call, organiser_token, startup, investor):
    org = organiser_token
    call("POST", "/slots", org, json=SLOTS | {"end": "2023-01-26T16:30:00+01:00"})
    table = call("POST", "/tables", org, json={"number": 1}).json()
    _accepted(call, startup, investor)
    call("POST", "/schedule", org, json={"time_limit": 5})
    call("POST", "/schedule/publish", org)
    # the investor now says she cannot come in the only slot: the fixed meeting breaks a rule
    slot = call("GET", "/slots", org).json()[0]["id"]
    call("PATCH", "/profile", investor, json={"unavailable_slots": [slot]})
    refused = call("POST", "/schedule", org, json={"time_limit": 5})
    assert refused.status_code == 409
    meeting = call("GET", "/schedule", org).json()["meetings"][0]
    assert (
        call("POST", f"/meetings/{meeting['id']}/release", org).json()["meetings"][0]["locked"]
        is False
    )
    body = call("POST", "/schedule", org, json={"time_limit": 5}).json()
    assert body["unscheduled"] == [
        {"request_id": meeting["request_id"], "reason": "no_common_slot"}
    ]
    assert table["seats"] == 4


def test_auto_match_adds_high_scoring_pairs(call, organiser_token, startup, investor):
    org = organiser_token
    call("POST", "/slots", org, json=SLOTS)
    call("POST", "/tables", org, json={"number": 1})
    plain = call("POST", "/schedule", org, json={"time_limit": 5}).json()
    assert plain["meetings"] == []
    auto = call("POST", "/schedule", org, json={"time_limit": 5, "auto_match": True}).json()
    assert [sorted(m["people"]) for m in auto["meetings"]] == [["Ingrid Berg", "Sara Rhost"]]


def test_slots_and_tables_are_checked(call, organiser_token):
    org = organiser_token
    bad = call("POST", "/slots", org, json=SLOTS | {"end": "2023-01-26T16:00:00+01:00"})
    assert bad.status_code == 422 and "end" in bad.json()["error"]["fields"]
    assert call("POST", "/slots", org, json=SLOTS | {"minutes": 1}).status_code == 422
    naive = call("POST", "/slots", org, json=SLOTS | {"start": "2023-01-26T16:15:00"})
    assert naive.status_code == 422
    bad = call("POST", "/tables", org, json={"number": 0, "seats": 1, "free_slots": [999]})
    assert set(bad.json()["error"]["fields"]) == {"number", "seats", "free_slots"}
    assert call("GET", "/tables", org).json() == []
    assert call("POST", "/schedule", org, json={}).status_code == 409  # no slots or tables


def test_organiser_endpoints_refuse_participants(call, startup):
    for method, path in (
        ("GET", "/slots"),
        ("POST", "/tables"),
        ("POST", "/schedule"),
        ("POST", "/schedule/publish"),
        ("GET", "/instance"),
    ):
        assert call(method, path, startup, json={}).status_code == 403, path


def test_nobody_reaches_another_persons_meeting(
    app, call, organiser_token, startup, investor, make_person
):
    org = organiser_token
    call("POST", "/slots", org, json=SLOTS)
    call("POST", "/tables", org, json={"number": 1})
    _accepted(call, startup, investor)
    call("POST", "/schedule", org, json={"time_limit": 5})
    call("POST", "/schedule/publish", org)
    meeting = call("GET", "/meetings", startup).json()[0]
    other = make_person("Nils Annen", "nils@example.org")
    assert call("GET", "/meetings", other).json() == []
    refused = call("POST", f"/meetings/{meeting['id']}/feedback", other, json={"happened": True})
    assert refused.status_code == 404
    # the 2023 session is over: both sides may say how it went
    ok = call(
        "POST", f"/meetings/{meeting['id']}/feedback", startup, json={"happened": True, "rating": 5}
    )
    assert ok.status_code == 200 and ok.json()["rating"] == 5
    assert (
        call(
            "POST",
            f"/meetings/{meeting['id']}/feedback",
            investor,
            json={"happened": True, "rating": 9},
        ).status_code
        == 422
    )
    with app.test_request_context():
        from eventmgr.events.web import find_event
        from eventmgr.networking.schedule import dashboard

        stats = dashboard(find_event("cancer-crosslinks-2023"))
        assert stats["happened"] == 1 and stats["average_rating"] == 5


def test_the_openapi_document_lists_the_networking_routes(live_server):
    import requests

    paths = requests.get(f"{live_server}/api/v1/openapi.json", timeout=10).json()["paths"]
    base = "/api/v1/events/{slug}/networking"
    for path in ("/profiles", "/suggestions", "/requests", "/slots", "/tables", "/schedule"):
        assert base + path in paths


def test_requests_are_stored_once(app, call, startup, investor):
    from eventmgr.networking.models import MeetingRequest

    call("POST", "/requests", startup, json={"to": investor.registration_id})
    with app.app_context():
        assert len(db.session.scalars(select(MeetingRequest)).all()) == 1


def test_unscheduled_requests_name_the_reason(call, organiser_token, make_person, investor):
    org = organiser_token
    call("POST", "/slots", org, json=SLOTS | {"end": "2023-01-26T16:30:00+01:00"})  # one slot
    call("POST", "/tables", org, json={"number": 1})
    a, b, c, d = (make_person(f"P{i}", f"p{i}@example.org") for i in range(4))
    _accepted(call, a, b)
    _accepted(call, c, d)
    body = call("POST", "/schedule", org, json={"time_limit": 5}).json()
    assert len(body["meetings"]) == 1
    assert [u["reason"] for u in body["unscheduled"]] == ["no_table"]

    call("POST", "/tables", org, json={"number": 2})
    _accepted(call, investor, make_person("Q", "q@example.org"))
    call("PATCH", "/settings", org, json={"max_meetings": 0})
    body = call("POST", "/schedule", org, json={"time_limit": 5}).json()
    assert body["meetings"] == []
    assert {u["reason"] for u in body["unscheduled"]} == {"cap"}


def test_tables_free_slots_and_availability_reach_the_schedule(
    call, organiser_token, startup, investor
):
    org = organiser_token
    call("POST", "/slots", org, json=SLOTS)
    ids = [s["id"] for s in call("GET", "/slots", org).json()]
    table = call("POST", "/tables", org, json={"number": 4, "free_slots": ids[2:4]}).json()
    assert table["free_slots"] == ids[2:4]
    call("PATCH", "/profile", startup, json={"unavailable_slots": [ids[2]]})
    _accepted(call, startup, investor)
    instance = call("GET", "/instance", org).json()
    assert instance["tables"] == [
        {"id": f"t{table['id']}", "seats": 4, "available": [f"s{ids[2]}", f"s{ids[3]}"]}
    ]
    sara = next(p for p in instance["participants"] if p["name"] == "Sara Rhost")
    assert f"s{ids[2]}" not in sara["available"] and sara["max_meetings"] == 6
    body = call("POST", "/schedule", org, json={"time_limit": 5}).json()
    assert [m["slot_id"] for m in body["meetings"]] == [ids[3]]
