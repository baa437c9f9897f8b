"""The check-in API over real HTTP: every reason, nonces, bad bodies, access, figures."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from eventmgr.audit.models import AuditEntry
from eventmgr.checkin.models import Checkin, Scan
from eventmgr.platform.db import db


def _url(demo, tail: str = "") -> str:
    return f"/api/v1/events/{demo['slug']}/checkins{tail}"


def _scan(api, demo, code, role="door_staff", **extra):
    response = api("POST", _url(demo), role, json={"code": code} | extra)
    assert response.status_code == 200, response.text
    return response.json()


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def test_a_badge_is_accepted_once_then_refused_with_when_and_where(api, demo, make_person):
    someone = make_person()
    first = _scan(api, demo, someone["code"], door="Main entrance", device="phone-1")
    assert first["status"] == "accepted" and first["reason"] is None
    assert first["registration"]["name"] == someone["name"]
    assert set(first["registration"]) >= {"name", "organisation", "role"}
    assert first["first_checkin"] is None
    second = _scan(api, demo, someone["code"], door="Side door")
    assert second["status"] == "refused" and second["reason"] == "already_checked_in"
    assert second["first_checkin"]["door"] == "Main entrance"
    assert second["first_checkin"]["at"]


def test_scanned_text_is_trimmed_and_case_folded(api, demo, make_person):
    someone = make_person()
    answer = _scan(api, demo, "  " + someone["code"].lower() + "\r\n", role="organiser")
    assert answer["status"] == "accepted"


@pytest.mark.parametrize(
    ("mode", "status", "reason"),
    [
        ("digital", None, "digital_registration"),
        ("on_site", "waitlisted", "waitlisted"),
        ("on_site", "cancelled", "cancelled"),
    ],
)
def test_people_who_may_not_come_in(api, demo, make_person, mode, status, reason):
    someone = make_person(mode=mode, status=status)
    answer = _scan(api, demo, someone["code"])
    assert (answer["status"], answer["reason"]) == ("refused", reason)
    assert answer["registration"]["name"] == someone["name"]


def test_a_reissued_badge_revokes_the_old_code(api, app, demo, make_person, login):
    someone = make_person()
    client = login("organiser")
    response = client.post(
        f"/manage/events/{demo['slug']}/registrations/{someone['id']}/reissue-badge"
    )
    assert response.status_code == 302
    page = client.get(f"/manage/events/{demo['slug']}/registrations/{someone['id']}").text
    assert "Badge re-issued" in page  # the history names the action
    old = _scan(api, demo, someone["code"])
    assert (old["status"], old["reason"]) == ("refused", "revoked")
    with app.app_context():
        from eventmgr.registration.models import Registration

        new_code = db.session.get(Registration, someone["id"]).badge_code
        assert (
            db.session.scalar(
                select(func.count(AuditEntry.id)).where(
                    AuditEntry.action == "registration.badge_reissued"
                )
            )
            == 1
        )
    assert new_code != someone["code"]
    assert _scan(api, demo, new_code)["status"] == "accepted"


def test_a_code_of_another_event_and_unknown_codes(api, demo, make_person, other_event):
    elsewhere = make_person(slug=other_event)
    answer = _scan(api, demo, elsewhere["code"])
    assert answer == {
        "status": "refused",
        "reason": "wrong_event",
        "registration": None,
        "first_checkin": None,
    }
    for garbage in ("A" * 26, "hello", "", "x" * 3000, "https://example.org/?q=1", "ÆØÅ" * 9):
        answer = _scan(api, demo, garbage)
        assert (answer["status"], answer["reason"]) == ("refused", "unknown"), garbage


def test_every_scan_is_stored_with_door_device_and_times(api, app, demo, make_person):
    someone = make_person()
    _scan(api, demo, someone["code"], door="A", device="d1", scanned_at="2023-01-26T08:30:00+01:00")
    _scan(api, demo, "nonsense", door="B", device="d2")
    with app.app_context():
        scans = db.session.scalars(select(Scan).order_by(Scan.id)).all()
        assert [(s.door, s.device, s.status, s.reason) for s in scans] == [
            ("A", "d1", "accepted", None),
            ("B", "d2", "refused", "unknown"),
        ]
        assert scans[0].scanned_at.isoformat() == "2023-01-26T07:30:00+00:00"
        assert scans[0].received_at > scans[0].scanned_at
        assert scans[0].code_hash == hashlib.sha256(someone["code"].encode()).hexdigest()
        assert scans[0].registration_id == someone["id"]


def test_a_repeated_nonce_gets_the_first_answer_and_stores_nothing(api, app, demo, make_person):
    someone = make_person()
    first = _scan(api, demo, someone["code"], nonce="n-1")
    again = _scan(api, demo, someone["code"], nonce="n-1")
    assert first == again and first["status"] == "accepted"
    assert _count(app, Scan) == 1 and _count(app, Checkin) == 1
    other = _scan(api, demo, someone["code"], nonce="n-2")
    assert other["reason"] == "already_checked_in"
    assert _scan(api, demo, someone["code"], nonce="n-2") == other
    assert _count(app, Scan) == 2


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 422),
        ({"code": 12}, 422),
        ({"code": None}, 422),
        ({"code": "X", "door": ["a"]}, 422),
        ({"code": "X", "scanned_at": "yesterday"}, 422),
        ({"code": "X", "nonce": "n" * 81}, 422),
        ({"code": "X", "colour": "red"}, 422),
        ([1, 2], 422),
    ],
)
def test_malformed_bodies_are_refused_and_change_nothing(api, app, demo, body, status):
    response = api("POST", _url(demo), "door_staff", json=body)
    assert response.status_code == status, response.text
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert _count(app, Scan) == 0


def test_not_json_is_a_400(api, app, demo):
    response = api(
        "POST",
        _url(demo),
        "door_staff",
        data="{not json",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code in (400, 422), response.text
    assert "error" in response.json()


def test_tokens_and_roles(api, demo, make_person):
    someone = make_person()
    assert api("POST", _url(demo), json={"code": someone["code"]}).status_code == 401
    wrong = api(
        "POST", _url(demo), json={"code": someone["code"]}, headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 401
    for role in ("attendee", "delegation_lead"):
        assert api("POST", _url(demo), role, json={"code": someone["code"]}).status_code == 403
        assert api("GET", _url(demo, "/stats"), role).status_code == 403
    assert api("GET", _url(demo, "/stats")).status_code == 401


def test_door_staff_of_another_event_are_refused(api, demo, other_event, make_person):
    someone = make_person(slug=other_event)
    response = api(
        "POST",
        f"/api/v1/events/{other_event}/checkins",
        "door_staff",
        json={"code": someone["code"]},
    )
    assert response.status_code == 403
    assert (
        api("POST", "/api/v1/events/no-such/checkins", "admin", json={"code": "x"}).status_code
        == 404
    )


def test_stats_count_check_ins_expected_and_refusals(api, demo, make_person):
    people = [make_person() for _ in range(3)]
    make_person(mode="digital")
    _scan(api, demo, people[0]["code"], door="North")
    _scan(api, demo, people[0]["code"], door="South")
    _scan(api, demo, people[1]["code"], door="South")
    _scan(api, demo, "garbage", door="South")
    response = api("GET", _url(demo, "/stats"), "door_staff")
    assert response.status_code == 200
    stats = response.json()
    assert stats["checked_in"] == 2 and stats["expected"] == 3
    assert stats["refused"]["already_checked_in"] == 1 and stats["refused"]["unknown"] == 1
    assert stats["refused"]["revoked"] == 0
    doors = {d["door"]: d for d in stats["doors"]}
    assert doors["North"] == {"door": "North", "scans": 1, "accepted": 1, "checked_in": 1}
    assert doors["South"]["scans"] == 3 and doors["South"]["checked_in"] == 1
    assert sum(b["count"] for b in stats["arrivals"]) == 2


def test_snapshot_has_hashes_not_codes(api, demo, make_person):
    inside, outside = make_person(), make_person(mode="digital")
    _scan(api, demo, inside["code"], door="North")
    snapshot = api("GET", _url(demo, "/snapshot"), "door_staff").json()
    assert inside["code"] not in str(snapshot)
    entry = snapshot["codes"][hashlib.sha256(inside["code"].encode()).hexdigest()]
    assert entry["name"] == inside["name"] and entry["checked_in"]["door"] == "North"
    assert snapshot["codes"][hashlib.sha256(outside["code"].encode()).hexdigest()]["state"] == (
        "digital_registration"
    )


def test_offline_upload_keeps_the_first_and_reports_people_in_twice(api, app, demo, make_person):
    a, b = make_person(), make_person()
    _scan(api, demo, a["code"], door="Online door")
    batch = {
        "scans": [
            {
                "code": a["code"],
                "nonce": "off-1",
                "scanned_at": "2023-01-26T08:00:00Z",
                "door": "Offline door",
                "local_status": "accepted",
            },
            {
                "code": b["code"],
                "nonce": "off-2",
                "scanned_at": "2023-01-26T08:01:00Z",
                "door": "Offline door",
                "local_status": "accepted",
            },
            {
                "code": b["code"],
                "nonce": "off-3",
                "scanned_at": "2023-01-26T08:02:00Z",
                "door": "Other offline door",
                "local_status": "accepted",
            },
        ]
    }
    body = api("POST", _url(demo, "/batch"), "door_staff", json=batch).json()
    assert (body["accepted"], body["duplicates"], body["refused"]) == (1, 2, 0)
    assert sorted(t["registration"]["name"] for t in body["got_in_twice"]) == sorted(
        [a["name"], b["name"]]
    )
    again = api("POST", _url(demo, "/batch"), "door_staff", json=batch).json()
    assert again["repeated"] == 3 and again["accepted"] == 0
    assert _count(app, Scan) == 4
    stats = api("GET", _url(demo, "/stats"), "door_staff").json()
    assert stats["checked_in"] == 2 and stats["got_in_twice"] == 2
    bad = api("POST", _url(demo, "/batch"), "door_staff", json={"scans": [{"code": "x"}]})
    assert bad.status_code == 422


def test_search_and_check_in_by_hand_is_audited(api, app, demo, make_person):
    someone = make_person(name="Åse Østby-Ærlig")
    found = api("GET", _url(demo, "/search"), "door_staff", params={"q": "østby"}).json()["items"]
    assert [p["id"] for p in found] == [someone["id"]] and found[0]["state"] == "ok"
    body = {"registration_id": someone["id"], "door": "Desk"}
    answer = api("POST", _url(demo, "/manual"), "door_staff", json=body).json()
    assert answer["status"] == "accepted"
    again = api("POST", _url(demo, "/manual"), "door_staff", json=body).json()
    assert again["reason"] == "already_checked_in" and again["first_checkin"]["door"] == "Desk"
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "checkin.manual")
        ).all()
        assert len(entries) == 2 and entries[0].actor_label == "door@example.org"
    found = api("GET", _url(demo, "/search"), "door_staff", params={"q": "østby"}).json()["items"]
    assert found[0]["state"] == "already_checked_in"


def test_registration_lists_filter_on_checked_in(api, demo, make_person, login):
    inside, outside = make_person(name="Inside Person"), make_person(name="Outside Person")
    _scan(api, demo, inside["code"])
    url = f"/api/v1/events/{demo['slug']}/registrations"
    yes = api("GET", url, "organiser", params={"checked_in": "true"}).json()
    no = api("GET", url, "organiser", params={"checked_in": "false"}).json()
    assert [r["id"] for r in yes["items"]] == [inside["id"]]
    assert [r["id"] for r in no["items"]] == [outside["id"]]
    page = login("organiser").get(f"/manage/events/{demo['slug']}/registrations?checked_in=no")
    assert "Outside Person" in page.text and "Inside Person" not in page.text
