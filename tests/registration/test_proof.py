"""An address is someone's only once a link mailed there was opened (issue 14).

The anonymous API answer carries no secret; a registration by the public starts unproven and is
proven when its mailed manage link is opened; only a proven registration is linked to an
account. Mallory's attack (register, move the registration to another account's address, read
what that account does) is played through end to end. Mail is read from a real SMTP server.
"""

from __future__ import annotations

import re
from datetime import timedelta

import requests
from sqlalchemy import select

from eventmgr.platform.db import db
from eventmgr.registration.models import Registration
from tests.registration.conftest import person

LINK = re.compile(r"https?://\S+/r/([A-Za-z0-9_-]{40,})")


def _url(world) -> str:
    return f"/api/v1/events/{world['slug']}/registrations"


def _token_in(message) -> str:
    found = LINK.findall(message.get_content())
    assert found, message.get_content()
    return found[0]


def _mails_to(smtp, address: str) -> list:
    return [m for m in smtp if m["To"].lower() == address.lower()]


def _registration(app, registration_id: int) -> Registration:
    with app.app_context():
        found = db.session.get(Registration, registration_id)
        db.session.expunge(found)
        return found


def test_an_anonymous_sign_up_gets_no_link_and_the_address_gets_it(api, app, world, smtp):
    answer = api("POST", _url(world), json=person(1, category=_first_category(app, world)))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert set(body) == {"id", "status", "mode"}
    assert "/r/" not in answer.text
    (mail,) = _mails_to(smtp, "person1@example.org")
    assert _registration(app, body["id"]).email_proven_at is None
    assert "confirm that this address is yours" in mail.get_content()
    assert requests.get(LINK.search(mail.get_content()).group(0), timeout=10).status_code == 200
    assert _registration(app, body["id"]).email_proven_at is not None


def test_an_organisers_token_still_gets_the_links_and_vouches_for_the_address(api, app, world):
    body = api(
        "POST", _url(world), "organiser", json=person(2, category=_first_category(app, world))
    ).json()
    assert {"manage_url", "calendar_url", "badge_url"} <= set(body)
    assert _registration(app, body["id"]).email_proven_at is not None


def test_the_openapi_document_says_the_links_are_for_organisers_only(live_server):
    spec = requests.get(f"{live_server}/api/v1/openapi.json", timeout=10).json()
    created = spec["components"]["schemas"]["RegistrationCreated"]
    assert created["required"] == ["id", "mode", "status"]
    for name in ("manage_url", "badge_url", "calendar_url"):
        assert "only in the answer to an organiser's" in created["properties"][name]["description"]


def test_organiser_additions_are_proven_at_once(app, world):
    from eventmgr.events.web import find_event
    from tests import factories

    with app.test_request_context():
        added = factories.registration_for(find_event(world["slug"])).registration
        assert added.is_proven


def test_the_public_form_starts_unproven(client, app, world):
    response = client.post(
        f"/events/{world['slug']}/register",
        data={
            "name": "Form Person",
            "email": "form@example.org",
            "category": _first_category(app, world),
            "mode": "on_site",
            "language": "en",
            "consent": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Open it within 24 hours: that confirms the address is yours" in thanks
    with app.app_context():
        found = db.session.scalar(
            select(Registration).where(Registration.email_key == "form@example.org")
        )
        assert found is not None and found.email_proven_at is None


def _first_category(app, world) -> str:
    from eventmgr.events.web import find_event

    with app.app_context():
        return find_event(world["slug"]).category_keys[0]


def test_proof_off_counts_addresses_as_proven(api, app, world):
    off = api("PATCH", f"/api/v1/events/{world['slug']}", "organiser", json={"proof_hours": 0})
    assert off.status_code == 200 and off.json()["proof_hours"] == 0, off.text
    body = api("POST", _url(world), json=person(3, category=_first_category(app, world))).json()
    assert _registration(app, body["id"]).email_proven_at is not None
    bad = api("PATCH", f"/api/v1/events/{world['slug']}", "organiser", json={"proof_hours": -1})
    assert bad.status_code == 422 and "proof_hours" in bad.text


def _sign_up(api, app, world, n: int, **extra) -> int:
    data = person(n, category=_first_category(app, world)) | extra
    answer = api("POST", _url(world), json=data)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def test_mallory_cannot_borrow_another_accounts_address(api, app, world, smtp, client):
    """Mallory registers as herself, opens her link and moves the registration to att2's
    address (att2 has an account and no registration); she also registers att2's address
    directly. att2 signs in, stars the keynote and tries to network: none of it reaches either
    registration, and Mallory's data download shows nothing of att2."""
    att2, password = world["logins"]["attendee"]
    mine = _sign_up(api, app, world, 10, email="mallory@example.org", networking_opt_in=True)
    token = _token_in(_mails_to(smtp, "mallory@example.org")[0])
    manage = client.get(f"/r/{token}")
    assert manage.status_code == 200
    moved = client.post(
        f"/r/{token}",
        data={"name": "Mallory", "email": att2, "language": "en"}
        | {"category": _first_category(app, world)},
    )
    assert moved.status_code == 302, moved.get_data(as_text=True)[:3000]
    assert _registration(app, mine).email == "mallory@example.org"  # not until att2 opens it
    claimed = _sign_up(api, app, world, 11, email=att2.upper(), networking_opt_in=True)

    client.get("/logout")
    victim = app.test_client()
    assert victim.post("/login", data={"email": att2, "password": password}).status_code == 302
    with app.app_context():
        from eventmgr.programme.models import ProgrammeItem

        keynote = db.session.scalar(select(ProgrammeItem.id).where(ProgrammeItem.kind == "keynote"))
    starred = victim.post(f"/events/{world['slug']}/items/{keynote}/star", data={"starred": "1"})
    assert starred.status_code == 302
    asked = api(
        "POST",
        f"/api/v1/events/{world['slug']}/networking/requests",
        "attendee",
        json={"to": mine, "message": "Private: my phone is 99 99 99 99"},
    )
    assert asked.status_code == 403, asked.text
    networking = victim.get(f"/events/{world['slug']}/networking").get_data(as_text=True)
    assert "Mallory" not in networking

    data = client.get(f"/r/{token}/data.json").get_data(as_text=True)
    assert "99 99 99 99" not in data and "Opening keynote" not in data
    with app.app_context():
        from eventmgr.calendar.models import Agenda, StarredItem

        stars = db.session.execute(
            select(Agenda.registration_id, Agenda.user_id).join(
                StarredItem, StarredItem.agenda_id == Agenda.id
            )
        ).all()
        assert len(stars) == 1 and stars[0].registration_id is None  # att2's own, by account
        assert {mine, claimed}.isdisjoint({s.registration_id for s in stars})


def test_a_new_address_counts_only_once_its_link_is_opened(client, app, api, world, smtp):
    mine = _sign_up(api, app, world, 20, email="old@example.org")
    token = _token_in(_mails_to(smtp, "old@example.org")[0])
    client.get(f"/r/{token}")
    changed = client.post(
        f"/r/{token}",
        data={"name": "Person 20", "email": "new@example.org", "language": "en"}
        | {"category": _first_category(app, world)},
        follow_redirects=True,
    )
    assert "We sent a link to the new address" in changed.get_data(as_text=True)
    assert _registration(app, mine).email == "old@example.org"
    (told,) = [m for m in _mails_to(smtp, "old@example.org") if "being changed" in m["Subject"]]
    assert "/r/" not in told.get_content()
    (confirm,) = _mails_to(smtp, "new@example.org")
    new_token = _token_in(confirm)
    assert client.get(f"/r/{new_token}").status_code == 302
    moved = _registration(app, mine)
    assert (moved.email, moved.is_proven) == ("new@example.org", True)
    assert client.get(f"/r/{new_token}").status_code == 200
    assert client.get(f"/r/{token}").status_code == 404  # the old link went with the address


def test_a_taken_address_answers_the_same_and_tells_its_owner(client, app, api, world, smtp):
    mine = _sign_up(api, app, world, 30, email="me@example.org")
    _sign_up(api, app, world, 31, email="taken@example.org")
    token = _token_in(_mails_to(smtp, "me@example.org")[0])
    client.get(f"/r/{token}")
    changed = client.post(
        f"/r/{token}",
        data={"name": "Person 30", "email": "taken@example.org", "language": "en"}
        | {"category": _first_category(app, world)},
        follow_redirects=True,
    )
    page = changed.get_data(as_text=True)
    assert "We sent a link to the new address" in page and "Another registration" not in page
    owner_mails = _mails_to(smtp, "taken@example.org")
    assert len(owner_mails) == 2  # the confirmation, then the notice
    notice = owner_mails[-1].get_content()
    assert "registered for the event already" in notice and "/r/" not in notice
    assert _registration(app, mine).email == "me@example.org"


def test_an_address_registered_meanwhile_keeps_the_former_address_and_says_why(
    client, app, api, world, smtp
):
    mine = _sign_up(api, app, world, 32, email="before@example.org")
    token = _token_in(_mails_to(smtp, "before@example.org")[0])
    client.get(f"/r/{token}")
    client.post(
        f"/r/{token}",
        data={"name": "Person 32", "email": "later@example.org", "language": "en"}
        | {"category": _first_category(app, world)},
    )
    (confirm,) = _mails_to(smtp, "later@example.org")
    _sign_up(api, app, world, 33, email="later@example.org")  # someone else, first
    opened = client.get(f"/r/{_token_in(confirm)}")
    assert opened.status_code == 409
    assert "registered for the event by someone else" in opened.get_data(as_text=True)
    kept = _registration(app, mine)
    assert (kept.email, kept.pending_email) == ("before@example.org", None)
    assert client.get(f"/r/{token}").status_code == 200  # the former link still works


def test_registering_again_mails_a_new_link_that_ends_the_old_only_when_used(
    api, app, client, world, smtp
):
    mine = _sign_up(api, app, world, 40)
    first = _token_in(_mails_to(smtp, "person40@example.org")[0])
    again = api("POST", _url(world), json=person(40, category=_first_category(app, world)))
    assert again.status_code == 409
    second = _token_in(_mails_to(smtp, "person40@example.org")[1])
    assert second != first
    assert client.get(f"/r/{first}").status_code == 200  # still works
    assert client.get(f"/r/{second}").status_code == 302  # the new one takes over
    assert client.get(f"/r/{second}").status_code == 200
    assert client.get(f"/r/{first}").status_code == 404
    assert _registration(app, mine).is_proven


def test_an_unproven_place_goes_back_to_the_waiting_list(api, app, world, smtp):
    from eventmgr.jobs import services as jobs
    from eventmgr.jobs.models import Job

    api(
        "PATCH",
        f"/api/v1/events/{world['slug']}",
        "organiser",
        json={"onsite_capacity": 1, "proof_hours": 2},
    )
    late = _sign_up(api, app, world, 50)
    waiting = _sign_up(api, app, world, 51)
    assert _registration(app, waiting).status == "waitlisted"
    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.key.startswith(f"proof:{late}:")))
        assert job is not None and job.status == "queued"
        assert job.due_at - _registration(app, late).created_at == timedelta(hours=2)
        assert jobs.work() == 0  # not due yet
        row = db.session.get(Registration, late)
        row.created_at -= timedelta(hours=3)
        job.due_at -= timedelta(hours=3)
        # the second person proves in time: they get the freed place
        db.session.get(Registration, waiting).email_proven_at = row.created_at
        db.session.commit()
        assert jobs.work() == 1
        assert jobs.work() == 0  # once
    assert _registration(app, late).status == "waitlisted"
    assert _registration(app, waiting).status == "confirmed"
    told = [m for m in _mails_to(smtp, "person50@example.org") if "waiting list" in m["Subject"]]
    assert len(told) == 1 and "/r/" in told[0].get_content()
    assert any("place is yours" in m["Subject"] for m in _mails_to(smtp, "person51@example.org"))
