"""Networking trusts only proven addresses and floods nobody (issue 14): the account page of a
manage link reads the same whether an account exists or not, no account invitation goes to an
unproven address, a registered person is invited to a delegation (and joins only by accepting),
at most five networking mails an hour reach one person (the rest come as one digest), and a
withdrawn request cannot be sent again at once."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from eventmgr.platform.db import db
from tests.networking.conftest import PASSWORD

LINK = re.compile(r"https?://\S+")


def _to(smtp, address: str) -> list:
    return [m for m in smtp if m["To"].lower() == address.lower()]


def _register(app, slug: str, email: str, *, public: bool, **extra):
    from eventmgr.events.web import find_event
    from eventmgr.registration import services

    with app.test_request_context():
        outcome = services.register(
            find_event(slug),
            {
                "name": extra.pop("name", "Reg Istrant"),
                "email": email,
                "category": "oncologist",
                "mode": "on_site",
                "consent": True,
            }
            | extra,
            actor="organiser test" if not public else services.ATTENDEE,
            public=public,
        )
        return outcome.token, outcome.registration.id


def test_the_account_page_does_not_tell_whether_an_account_exists(app, client, demo):
    from eventmgr.accounts.services import get_or_create_user

    with_account, _id = _register(app, demo["slug"], "has@example.org", public=False)
    without, _id = _register(app, demo["slug"], "hasnot@example.org", public=False)
    with app.app_context():
        get_or_create_user("has@example.org", name="Has Account", password=PASSWORD)
        db.session.commit()

    def page(token: str, address: str) -> str:
        text = client.get(f"/r/{token}/networking").get_data(as_text=True)
        text = text.replace(token, "TOKEN").replace(address, "ADDRESS")
        return re.sub(r'name="csrf_token" value="[^"]*"', "", text)

    assert page(with_account, "has@example.org") == page(without, "hasnot@example.org")
    answers = [
        client.post(f"/r/{t}/networking", follow_redirects=True).get_data(as_text=True)
        for t in (with_account, without)
    ]
    assert all("We have emailed you a link to choose a password." in a for a in answers)


def test_no_account_invitation_goes_to_an_unproven_address(app, client, demo, smtp):
    token, _id = _register(app, demo["slug"], "typed@example.org", public=True)
    refused = client.post(f"/r/{token}/networking", follow_redirects=True)
    assert "Open the link mailed to your address first" in refused.get_data(as_text=True)
    assert [m["Subject"] for m in _to(smtp, "typed@example.org")] == [
        "Your registration for Cancer Crosslinks 2023"
    ]


def test_a_registered_speaker_is_invited_to_a_delegation_and_keeps_the_role(
    app, client, demo, smtp
):
    from eventmgr.events.web import find_event
    from eventmgr.networking import delegations
    from eventmgr.networking.models import DelegationMember
    from eventmgr.registration.models import Registration

    _token, speaker_id = _register(
        app, demo["slug"], "speaker@example.org", public=False, role="speaker", name="Sam Speaker"
    )
    smtp.settle()  # these rules read then write: not while the worker marks a mail sent
    with app.test_request_context():
        event = find_event(demo["slug"])
        delegation = delegations.create_delegation(
            event, {"name": "Nordic Bio", "lead_name": "Lea Lead", "lead_email": "lea@example.org"}
        )
        smtp.settle()
        added = delegations.add_member(
            delegation,
            {"name": "Sam Speaker", "email": "speaker@example.org", "company": "Sam AS"},
            actor="delegation lead lea@example.org",
        )
        assert added is None
    with app.app_context():
        assert db.session.scalar(select(DelegationMember.id)) is None  # nothing before accepting
        before = db.session.get(Registration, speaker_id)
        assert (before.role, before.networking_opt_in) == ("speaker", False)
    (invitation,) = [m for m in _to(smtp, "speaker@example.org") if "Join" in m["Subject"]]
    assert "Nordic Bio" in invitation["Subject"]
    link = LINK.findall(invitation.get_content())[0]
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(DelegationMember.id)) is None  # opening changes nothing
    assert client.post("/" + path).status_code == 302
    with app.app_context():
        member = db.session.scalar(select(DelegationMember))
        assert (member.registration_id, member.company) == (speaker_id, "Sam AS")
        after = db.session.get(Registration, speaker_id)
        assert (after.role, after.networking_opt_in) == ("speaker", True)
    assert any("You are invited" in m["Subject"] for m in _to(smtp, "speaker@example.org"))
    assert client.get("/" + path[:-2] + "xx").status_code == 404


def test_a_flood_of_requests_reaches_one_person_as_five_mails_and_a_digest(
    app, make_person, call, request
):
    from eventmgr.jobs import services as jobs
    from eventmgr.jobs.models import Job

    # people first (the helper reads then writes, which SQLite refuses while a worker sends)
    people = [
        make_person(f"Sender {n}", f"sender{n}@example.org", kind="investor") for n in range(8)
    ]
    target, senders = people[-1], people[:-1]
    smtp = request.getfixturevalue("smtp")
    for n, sender in enumerate(senders):
        asked = call("POST", "/requests", sender, json={"to": target.registration_id})
        assert asked.status_code == 201, (n, asked.text)
    mails = [m for m in _to(smtp, "sender7@example.org") if "registration" not in m["Subject"]]
    assert len(mails) == 5
    with app.app_context():
        (digest_job,) = db.session.scalars(select(Job).where(Job.kind == "networking.digest"))
        digest_job.due_at -= timedelta(hours=1)  # an hour later
        db.session.commit()
        assert jobs.work() == 1
    mails = [m for m in _to(smtp, "sender7@example.org") if "registration" not in m["Subject"]]
    assert len(mails) == 6
    digest = mails[-1].get_content()
    assert "2 messages" in mails[-1]["Subject"]
    assert "Sender 5" in digest and "Sender 6" in digest and "Sender 0" not in digest


def test_a_withdrawn_request_cannot_be_sent_again_for_a_day(app, make_person, call):
    from eventmgr.networking.models import MeetingRequest

    asker = make_person("Ask Er", "asker@example.org")
    asked = make_person("Ask Ed", "asked@example.org", kind="investor")
    first = call("POST", "/requests", asker, json={"to": asked.registration_id}).json()
    assert call("POST", f"/requests/{first['id']}/cancel", asker).status_code == 200
    again = call("POST", "/requests", asker, json={"to": asked.registration_id})
    assert again.status_code == 429 and "withdrew a request" in again.text
    with app.app_context():
        for withdrawn in db.session.scalars(select(MeetingRequest)):
            withdrawn.decided_at -= timedelta(hours=25)  # a day later
        db.session.commit()
    assert call("POST", "/requests", asker, json={"to": asked.registration_id}).status_code == 201
