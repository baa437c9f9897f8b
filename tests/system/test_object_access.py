"""Every URL and API route that takes an id or a token refuses other people: another attendee,
door staff and the organiser of another event, and anonymous visitors never get attendee A's
registration, badge, agenda, profile, meetings or background jobs, and change nothing of them.
Attendees cannot set what they do not own (status, role, a place past capacity) via the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from eventmgr.platform.access import ROLES

ACTORS = ("attendee_b", "b_token", "door_staff_b", "organiser_b", "anonymous")
A_NAME = "Alice Leakcheck"
A_EMAIL = "attendee@example.org"  # the demo attendee: registered, networking, meetings
B_EMAIL, B_PASSWORD = "bob.other@example.org", "bob-other-2023"
DOOR_B_EMAIL, DOOR_B_PASSWORD = "door.b@example.org", "door-b-2023"
ORG_B_EMAIL, ORG_B_PASSWORD = "organiser.b@example.org", "organiser-b-2023"
OTHER_SLUG = "other-event"
# Parameters that are not personal: programme objects and sponsors shown on public pages.
PUBLIC_OBJECTS = {"item_id", "person_id", "room_id", "sponsor_id"}
NOT_OBJECTS = {"slug", "fmt", "filename"}
# What a fellow participant may do with A's networking profile: it is shown to them on purpose.
ALLOWED = {
    "networking.person": {"attendee_b"},
    "networking_api.ProfileItem": {"attendee_b"},
    "networking.request_meeting": {"attendee_b"},
    "networking.block": {"attendee_b"},
    # Fellow registrants upvote a question the audience sees; that is what it is shown for.
    "digital.vote": {"attendee_b"},
    "digital_api.Vote": {"attendee_b"},
    # A certificate's verification page is for anyone who holds its code.
    "digital.verify": set(ACTORS),
}
# Views that refuse a wrong secret by sending the visitor back to where they may start again.
# Networking pages refuse with a message on the networking page they send the visitor to (what
# changed, if anything, is checked apart).
REFUSED_TO = {"accounts.reset": "/account/reset", "networking.": "/events/{slug}/networking"}
FORM = {
    "happened": "yes",
    "rating": "5",
    "message": "Hello",
    "confirm": "y",
    "mode": "on_site",
    "join_waitlist": "y",
    "reason": "lost",
}
# API bodies that pass validation, so that the refusal comes from the object check.
JSON = {
    "networking_api.MeetingFeedback": {"happened": True, "rating": 5},
    "registrations_api.RegistrationItem": {"role": "organiser", "mode": "on_site"},
    "digital_api.Moderate": {"action": "hide"},
}


@dataclass
class Objects:
    """A's objects (the values an attacker would try) and the attackers' credentials."""

    ids: dict[str, int] = field(default_factory=dict)
    a_token: str = ""
    b_token: str = ""
    a_badge_code: str = ""
    a_agenda_token: str = ""
    api_tokens: dict[str, str] = field(default_factory=dict)


def _build(app, demo) -> Objects:
    from eventmgr.accounts.models import ApiToken, RoleAssignment
    from eventmgr.accounts.services import (
        find_user,
        get_or_create_user,
        grant_role,
        issue_api_token,
    )
    from eventmgr.badges.jobs import EXPORT_JOB, params_for
    from eventmgr.badges.services import DEFAULT_FORMAT, BadgeFilter
    from eventmgr.calendar import services as calendar
    from eventmgr.events import staff
    from eventmgr.events.models import Event
    from eventmgr.events.services import create_event
    from eventmgr.jobs import services as jobs
    from eventmgr.mail.models import OutboxMessage
    from eventmgr.messages import services as messages
    from eventmgr.networking import bookings
    from eventmgr.networking import services as networking
    from eventmgr.networking.demo import seed_networking
    from eventmgr.networking.models import (
        Delegation,
        DelegationMember,
        Meeting,
        MeetingRequest,
        MeetingSlot,
        MeetingTable,
    )
    from eventmgr.platform.db import db, utcnow
    from eventmgr.platform.roles import Role
    from eventmgr.programme.models import Person, ProgrammeItem, Room
    from eventmgr.registration import services as registration
    from eventmgr.sponsors.models import Sponsor

    objects = Objects()
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == demo["slug"]))
        seed_networking(event)
        other = create_event(
            {
                "slug": OTHER_SLUG,
                "name": "Other Event",
                "timezone": "Europe/Oslo",
                "starts_at": datetime(2024, 1, 1, 9, tzinfo=UTC),
                "ends_at": datetime(2024, 1, 1, 17, tzinfo=UTC),
                "published": True,
            }
        )
        grant_role(
            get_or_create_user(DOOR_B_EMAIL, "Door B", DOOR_B_PASSWORD), Role.DOOR_STAFF, other.id
        )
        grant_role(
            get_or_create_user(ORG_B_EMAIL, "Org B", ORG_B_PASSWORD), Role.ORGANISER, other.id
        )
        bob = get_or_create_user(B_EMAIL, "Bob Other", B_PASSWORD)
        grant_role(bob, Role.ATTENDEE, event.id)
        db.session.commit()  # registering takes the write lock afresh (SQLite)
        outcome = registration.register(
            event,
            {
                "name": "Bob Other",
                "email": B_EMAIL,
                "category": "researcher",
                "mode": "on_site",
                "consent": True,
                "networking_opt_in": True,
            },
        )
        objects.b_token = outcome.token
        b_reg = outcome.registration
        networking.profile_of(b_reg)
        a_reg = registration.existing(event.id, A_EMAIL)
        a_reg.name = A_NAME
        objects.a_token = registration._rotate(a_reg)
        objects.a_badge_code = a_reg.badge_code
        objects.a_agenda_token = calendar.feed_token(calendar.agenda_for_registration(a_reg))
        a_profile = networking.profile_of(a_reg)
        mine = (MeetingRequest.from_id == a_reg.id) | (MeetingRequest.to_id == a_reg.id)
        meeting = db.session.scalar(
            select(Meeting)
            .join(MeetingRequest, Meeting.request_id == MeetingRequest.id)
            .where(mine)
        )
        request = db.session.scalars(select(MeetingRequest).where(mine)).first()
        assert meeting is not None and request is not None, "the demo gives A a meeting"
        organiser = find_user(demo["logins"]["organiser"][0])
        in_process = app.config.get("JOBS_IN_PROCESS", True)
        app.config["JOBS_IN_PROCESS"] = False  # run below, not in a thread holding locks
        job = jobs.enqueue(
            EXPORT_JOB,
            params_for(DEFAULT_FORMAT, BadgeFilter()),
            owner=organiser,
            event=event,
        )
        app.config["JOBS_IN_PROCESS"] = in_process
        invitation = staff.invite(event, "door.a@example.org", "door_staff", organiser)
        host = bookings.add_host(event, "host.a@example.org", "Host A")
        of_event = {
            model: db.session.scalars(select(model.id).where(model.event_id == event.id)).first()
            for model in (ProgrammeItem, Person, Room, MeetingSlot, MeetingTable, Delegation)
            + (Sponsor,)
        }
        door_role = db.session.scalar(
            select(RoleAssignment.id).where(
                RoleAssignment.event_id == event.id, RoleAssignment.role == Role.DOOR_STAFF
            )
        )
        objects.ids.update(
            registration_id=a_reg.id,
            profile_id=a_profile.id,
            request_id=request.id,
            meeting_id=meeting.id,
            job_id=job.id,
            outbox_id=db.session.scalars(
                select(OutboxMessage.id).where(OutboxMessage.recipient == A_EMAIL)
            ).first(),
            message_id=messages.create(  # the organiser's message, to be sent tomorrow
                event,
                {
                    "subject": {"en": "Practical information"},
                    "body": {"en": "Hello {name}"},
                    "kind": "practical",
                    "audience": {},
                    "send_at": (utcnow() + timedelta(days=1)).isoformat(),
                },
                "organiser",
            ).id,
            item_id=of_event[ProgrammeItem],
            person_id=of_event[Person],
            room_id=of_event[Room],
            slot_id=of_event[MeetingSlot],
            table_id=of_event[MeetingTable],
            delegation_id=of_event[Delegation],
            member_id=db.session.scalars(  # a member's registration, as the lead acts for them
                select(DelegationMember.registration_id).where(
                    DelegationMember.delegation_id == of_event[Delegation]
                )
            ).first(),
            sponsor_id=of_event[Sponsor],
            staff_id=door_role,
            invitation_id=invitation.id,
            host_id=host.id,
        )
        a_user = find_user(A_EMAIL)
        issue_api_token(a_user)
        db.session.flush()
        objects.ids.update(
            user_id=a_user.id,
            role_id=a_user.roles[0].id,
            token_id=db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == a_user.id)),
        )
        objects.ids.update(_digital(event, a_reg, objects.ids["item_id"]))
        for name, email in (
            ("attendee_b", B_EMAIL),
            ("door_staff_b", DOOR_B_EMAIL),
            ("organiser_b", ORG_B_EMAIL),
        ):
            objects.api_tokens[name] = issue_api_token(find_user(email))
        db.session.commit()
        jobs.work()
    assert all(objects.ids.values()), objects.ids
    return objects


def _digital(event, a_reg, item_id: int) -> dict:
    """A's approved question on the item, a moderator link, and A's certificate."""
    from eventmgr.digital import qa
    from eventmgr.digital.certificates import new_code
    from eventmgr.digital.models import Certificate
    from eventmgr.platform.db import db

    qa.qa_item(event, item_id)  # the sample item takes questions
    question = qa.ask(event, item_id, a_reg, "A's question?", False)
    qa.moderate(event, item_id, question.id, "approve")
    link, _token = qa.create_link(event, item_id, "moderators")
    certificate = Certificate(
        event_id=event.id,
        registration_id=a_reg.id,
        code=new_code(),
        name=a_reg.name,
        minutes=120,
        attendance="online",
    )
    db.session.add(certificate)
    db.session.flush()
    return {"question_id": question.id, "link_id": link.id, "code": certificate.code}


def _fingerprint(app, objects: Objects) -> dict:
    """What an attack could change of A's objects and of the event."""
    from eventmgr.accounts.models import ApiToken, RoleAssignment, User
    from eventmgr.events.models import StaffInvitation
    from eventmgr.jobs.models import Job
    from eventmgr.messages.models import Message
    from eventmgr.networking.models import Block, Meeting, MeetingRequest, Profile
    from eventmgr.platform.db import db
    from eventmgr.registration.models import Registration
    from eventmgr.sponsors.models import Sponsor

    with app.app_context():
        reg = db.session.get(Registration, objects.ids["registration_id"])
        request = db.session.get(MeetingRequest, objects.ids["request_id"])
        meeting = db.session.get(Meeting, objects.ids["meeting_id"])
        profile = db.session.get(Profile, objects.ids["profile_id"])
        job = db.session.get(Job, objects.ids["job_id"])
        return {
            "registration": (reg.name, reg.status, reg.mode, reg.role, reg.token_hash),
            "badge": reg.badge_code,
            "request": (request.status, request.message),
            "meeting": (meeting.slot_id, meeting.table_id, meeting.locked, meeting.rating_from),
            "profile": (profile.pitch, profile.offers, profile.seeks),
            "blocks": db.session.scalar(
                select(func.count()).select_from(Block).where(Block.blocker_id == reg.id)
            ),
            "job": (job.status, job.owner_id),
            "account": (
                db.session.get(User, objects.ids["user_id"]).active,
                db.session.get(User, objects.ids["user_id"]).session_version,
                sorted(a.id for a in db.session.get(User, objects.ids["user_id"]).roles),
                db.session.get(ApiToken, objects.ids["token_id"]) is not None,
            ),
            "staff": db.session.get(RoleAssignment, objects.ids["staff_id"]) is not None,
            "invitation": (
                (invitation := db.session.get(StaffInvitation, objects.ids["invitation_id"]))
                and (invitation.token_hash, invitation.withdrawn_at, invitation.accepted_at)
            ),
            "message": (
                (message := db.session.get(Message, objects.ids["message_id"]))
                and (message.status, message.subject, message.send_at)
            ),
            "sponsor": (
                (sponsor := db.session.get(Sponsor, objects.ids["sponsor_id"]))
                and (sponsor.name, sponsor.level, sponsor.logo_version)
            ),
        }


def _object_rules(app):
    """(rule, method, handler) for each route with an id or token, static files aside."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.endswith("static") or not (rule.arguments - NOT_OBJECTS):
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, getattr(getattr(view, "view_class", None), method.lower(), view)


def _tokens_to_try(rule, actor: str, objects: Objects) -> list[str]:
    """What someone without A's link may hold: B's own token, A's badge code (it is on the
    badge's QR code), A's registration id, and A's other secret on the wrong route."""
    if actor == "b_token":
        return [objects.b_token]
    wrong_secret = (
        objects.a_token if rule.endpoint == "calendar.agenda_ics" else objects.a_agenda_token
    )
    return [objects.a_badge_code, str(objects.ids["registration_id"]), wrong_secret]


def _urls(rule, actor: str, objects: Objects, slug: str) -> list[str]:
    values = {}
    for name in rule.arguments - {"token"}:
        if name == "slug":
            values[name] = slug
        elif name == "fmt":
            values[name] = "json"
        elif name == "answer":  # a lead's answer for a member: the one that changes most
            values[name] = "accept"
        else:
            assert name in objects.ids, (
                f"{rule.rule}: tests/system/test_object_access.py does not know whose <{name}> "
                "this is; add A's object for it to _build() and objects.ids"
            )
            values[name] = objects.ids[name]
    if "token" not in rule.arguments:
        return [rule.build(values, append_unknown=False)[1]]
    return [
        rule.build(values | {"token": token}, append_unknown=False)[1]
        for token in _tokens_to_try(rule, actor, objects)
    ]


def _clients(app):
    clients = {"anonymous": app.test_client(), "b_token": app.test_client()}
    for actor, email, password in (
        ("attendee_b", B_EMAIL, B_PASSWORD),
        ("door_staff_b", DOOR_B_EMAIL, DOOR_B_PASSWORD),
        ("organiser_b", ORG_B_EMAIL, ORG_B_PASSWORD),
    ):
        client = clients[actor] = app.test_client()
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, (actor, response.data[:300])
    return clients


def _refused(response, rule, actor: str, api: bool, slug: str) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    if response.status_code != 302 or api:
        return False
    location = response.headers.get("Location", "")
    if actor == "anonymous" and location.startswith("/login"):
        return True
    for endpoint, target in REFUSED_TO.items():
        if rule.endpoint == endpoint or (
            endpoint.endswith(".") and rule.endpoint.startswith(endpoint)
        ):
            return location.startswith(target.format(slug=slug))
    return False


def test_other_people_are_refused_every_object(app, demo):
    objects = _build(app, demo)
    before = _fingerprint(app, objects)
    clients = _clients(app)
    checked = 0
    for rule, method, handler in _object_rules(app):
        access = getattr(handler, "access", None)
        api = rule.rule.startswith("/api/")
        personal = (rule.arguments - NOT_OBJECTS) - PUBLIC_OBJECTS
        if not personal and access is not None and access.level != ROLES:
            continue  # a public programme object, e.g. an item's page or calendar file
        for actor in ACTORS:
            if actor in ALLOWED.get(rule.endpoint, ()):
                continue
            if actor == "b_token" and ("token" not in rule.arguments or method != "GET"):
                continue  # B's own link acts on B's own registration
            headers = {}
            client = clients[actor]
            if api and actor in objects.api_tokens:
                headers["Authorization"] = f"Bearer {objects.api_tokens[actor]}"
                client = clients["anonymous"]
            for url in _urls(rule, actor, objects, demo["slug"]):
                if api:
                    response = client.open(
                        url, method=method, headers=headers, json=JSON.get(rule.endpoint, {})
                    )
                else:  # a form a real user could send, so the check is not a form error
                    response = client.open(url, method=method, data=FORM)
                body = response.get_data().decode("utf-8", "replace")
                where = (actor, method, url, response.status_code, body[:300])
                if actor == "b_token":  # B's own page, or where B's link leads
                    assert A_NAME not in body and A_EMAIL not in body, where
                else:
                    assert _refused(response, rule, actor, api, demo["slug"]), where
                    assert A_NAME not in body, where
                checked += 1
    assert checked > 100
    assert _fingerprint(app, objects) == before


@pytest.mark.parametrize("actor", ["door_staff_b", "organiser_b"])
def test_staff_of_another_event_are_refused_this_events_tools(app, demo, actor):
    """Event A's door and organiser routes take only its slug; staff of event B get 403."""
    objects = _build(app, demo)
    clients = _clients(app)
    checked = 0
    for rule, method, handler in _object_rules_with_slug(app):
        access = getattr(handler, "access", None)
        if access is None or access.level != ROLES:
            continue
        api = rule.rule.startswith("/api/")
        url = rule.build({"slug": demo["slug"]}, append_unknown=False)[1]
        if api:
            headers = {"Authorization": f"Bearer {objects.api_tokens[actor]}"}
            response = clients["anonymous"].open(url, method=method, headers=headers, json={})
        else:
            response = clients[actor].open(url, method=method, data=FORM)
        assert response.status_code == 403, (actor, method, url, response.data[:200])
        checked += 1
    assert checked >= 20


def _object_rules_with_slug(app):
    for rule in app.url_map.iter_rules():
        if rule.arguments != {"slug"}:
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, getattr(getattr(view, "view_class", None), method.lower(), view)


def test_the_owner_still_gets_their_own(app, demo):
    """The refusals above are not the whole site being shut: A's own link works."""
    objects = _build(app, demo)
    client = app.test_client()
    assert A_NAME in client.get(f"/r/{objects.a_token}").get_data(as_text=True)
    assert client.get(f"/r/{objects.a_token}/badge.pdf").status_code == 200
    assert client.get(f"/agenda/{objects.a_agenda_token}.ics").status_code == 200


def _full(app, slug: str) -> None:
    """On-site places all taken."""
    from eventmgr.events.models import Event
    from eventmgr.platform.db import db
    from eventmgr.registration import services as registration

    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        event.onsite_capacity = registration.confirmed_count(event.id, "on_site")
        db.session.commit()


def _sign_up(email: str, **extra) -> dict:
    return {
        "name": "Mallory",
        "email": email,
        "category": "researcher",
        "mode": "on_site",
        "consent": True,
        **extra,
    }


@pytest.mark.parametrize(
    "field,value",
    [("status", "confirmed"), ("role", "organiser"), ("role", "speaker"), ("badge_code", "X")],
)
def test_public_sign_up_cannot_set_what_it_does_not_own(api, app, demo, field, value):
    from eventmgr.platform.db import db
    from eventmgr.registration.models import Registration

    _full(app, demo["slug"])
    answer = api(
        "POST",
        f"/api/v1/events/{demo['slug']}/registrations",
        json=_sign_up("mallory@example.org", **{field: value}),
    )
    if answer.status_code == 201:  # ignored, then: the rules decided
        with app.app_context():
            reg = db.session.get(Registration, answer.json()["id"])
            assert (reg.status, reg.role) == ("waitlisted", "attendee")
    else:
        assert answer.status_code == 422, answer.text
        assert field in answer.json()["error"]["fields"], answer.text
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_a_full_event_puts_an_api_sign_up_on_the_waiting_list(api, app, demo):
    _full(app, demo["slug"])
    answer = api(
        "POST", f"/api/v1/events/{demo['slug']}/registrations", json=_sign_up("late@example.org")
    )
    assert answer.status_code == 201, answer.text
    assert (answer.json()["mode"], answer.json()["status"]) == ("on_site", "waitlisted")
    assert "badge_url" not in answer.json()


def test_an_attendee_cannot_take_a_place_past_capacity_from_the_manage_page(app, demo):
    from eventmgr.events.models import Event
    from eventmgr.platform.db import db
    from eventmgr.registration import links
    from eventmgr.registration import services as registration

    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == demo["slug"]))
        db.session.commit()  # registering takes the write lock afresh (SQLite)
        outcome = registration.register(event, _sign_up("dora@example.org", mode="digital"))
        token = outcome.token
        db.session.commit()
    _full(app, demo["slug"])
    client = app.test_client()
    client.post(f"/r/{token}/mode", data={"mode": "on_site"})
    client.post(f"/r/{token}", data={"name": "Dora", "status": "confirmed", "role": "organiser"})
    with app.app_context():
        reg = links.find_by_token(token)
        assert reg.role == "attendee"
        assert (reg.mode, reg.status) != ("on_site", "confirmed")


def test_registration_patch_needs_the_events_organiser(api, app, demo):
    objects = _build(app, demo)
    url = f"/api/v1/events/{demo['slug']}/registrations/{objects.ids['registration_id']}"
    for actor in ("attendee_b", "door_staff_b", "organiser_b"):
        headers = {"Authorization": f"Bearer {objects.api_tokens[actor]}"}
        answer = api("PATCH", url, headers=headers, json={"role": "organiser"})
        assert answer.status_code == 403, (actor, answer.text)
    assert api("PATCH", url, json={"role": "organiser"}).status_code == 401
    for role in ("attendee", "door_staff", "delegation_lead"):
        assert api("PATCH", url, role=role, json={"role": "organiser"}).status_code == 403
    assert api("PATCH", url, role="organiser", json={"role": "speaker"}).status_code == 200


def test_a_new_id_parameter_fails_the_walk_until_it_is_filled():
    from werkzeug.routing import Map, Rule

    rule = Rule("/events/<slug>/widgets/<int:widget_id>", endpoint="widgets.show")
    Map([rule])
    with pytest.raises(AssertionError, match="does not know whose <widget_id>"):
        _urls(rule, "anonymous", Objects(), "demo")
