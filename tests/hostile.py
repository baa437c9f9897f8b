"""A demo event full of hostile text, and sample values for every URL parameter, shared by
the escaping and object-access tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT}{ATTRIBUTE}{{{{7*7}}}}'; DROP TABLE æøå"
# Text that must never reach a page as markup.
RAW_MARKERS = ("<script>alert(1)", "<img src=x")


@dataclass
class World:
    slug: str
    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


def hostile_world(app, demo) -> World:
    """The demo event with networking, every text field carrying PAYLOAD, republished."""
    from eventmgr.accounts.models import ApiToken, RoleAssignment
    from eventmgr.accounts.services import find_user, issue_api_token
    from eventmgr.badges.jobs import EXPORT_JOB, params_for
    from eventmgr.badges.services import DEFAULT_FORMAT, BadgeFilter
    from eventmgr.calendar import services as calendar
    from eventmgr.events import staff
    from eventmgr.events.models import Event
    from eventmgr.jobs import services as jobs
    from eventmgr.mail.models import OutboxMessage
    from eventmgr.networking.demo import seed_networking
    from eventmgr.networking.models import (
        Delegation,
        Meeting,
        MeetingRequest,
        MeetingSlot,
        MeetingTable,
        Profile,
    )
    from eventmgr.platform.db import db
    from eventmgr.programme import services as programme
    from eventmgr.programme.models import Person, ProgrammeItem, Room
    from eventmgr.registration import services as registration
    from eventmgr.registration.models import Registration, RegistrationAnswer
    from eventmgr.sponsors.models import Sponsor

    world = World(demo["slug"])
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == demo["slug"]))
        seed_networking(event)
        event.name = f"Crosslinks {PAYLOAD}"
        event.venue = f"Hall {PAYLOAD}"
        event.description = f"About {PAYLOAD}"
        event.organiser_name = f"Cluster {PAYLOAD}"
        event.privacy_notice = {"en": f"Privacy {PAYLOAD}", "nb": f"Personvern {PAYLOAD}"}
        event.categories = [
            *event.categories,
            {"key": f"cat {SCRIPT}", "label": {"en": f"Cat {PAYLOAD}"[:100]}},
        ]
        event.questions = [
            {
                "key": "hostile",
                "label": {"en": f"Question {PAYLOAD}"},
                "kind": "choice",
                "required": False,
                "choices": [{"key": "x", "label": {"en": f"Choice {PAYLOAD}"[:100]}}],
            },
            {"key": "note", "label": {"en": "Note"}, "kind": "text", "required": False},
        ]
        for sponsor in db.session.scalars(select(Sponsor).where(Sponsor.event_id == event.id)):
            sponsor.name = f"{sponsor.name} {PAYLOAD}"[:200]
            sponsor.url = f"https://example.org/{ATTRIBUTE}"
            sponsor.on_stream = True
        organiser_user = find_user(demo["logins"]["organiser"][0])
        organiser_user.name = f"Jutta {PAYLOAD}"
        for room in db.session.scalars(select(Room).where(Room.event_id == event.id)):
            room.name = f"{room.name} {PAYLOAD}"
        for person in db.session.scalars(select(Person).where(Person.event_id == event.id)):
            person.name = f"{person.name} {PAYLOAD}"[:200]
            person.bio = f"Bio {PAYLOAD}"
            person.affiliation = f"Uni {PAYLOAD}"
        for item in db.session.scalars(
            select(ProgrammeItem).where(ProgrammeItem.event_id == event.id)
        ):
            item.title = f"{item.title} {PAYLOAD}"
            item.abstract = f"Abstract {PAYLOAD}"
        attendee = None
        for reg in db.session.scalars(
            select(Registration).where(Registration.event_id == event.id)
        ):
            reg.name = f"{reg.name} {PAYLOAD}"[:200]
            reg.organisation = f"Org {PAYLOAD}"
            reg.job_title = f"Job {PAYLOAD}"
            reg.dietary_needs = f"Diet {PAYLOAD}"
            if reg.email == "attendee@example.org":
                attendee = reg
                reg.answer_rows.append(RegistrationAnswer(question="note", value=f"Note {PAYLOAD}"))
                reg.answer_rows.append(RegistrationAnswer(question="hostile", value="x"))
        for profile in db.session.scalars(select(Profile)):
            profile.pitch = f"Pitch {PAYLOAD}"
            profile.offers = f"Offers {PAYLOAD}"
            profile.seeks = f"Seeks {PAYLOAD}"
            profile.organisation = f"Org {PAYLOAD}"
        for request in db.session.scalars(select(MeetingRequest)):
            request.message = f"Message {PAYLOAD}"
        for delegation in db.session.scalars(select(Delegation)):
            delegation.name = f"Delegation {PAYLOAD}"
        db.session.flush()
        programme.publish(event, confirm=True)
        assert attendee is not None
        registration.resend(attendee, "system (test)")  # a mail with the hostile text
        world.tokens["token"] = registration._rotate(attendee)
        world.tokens["agenda_token"] = calendar.feed_token(
            calendar.agenda_for_registration(attendee)
        )
        organiser = find_user(demo["logins"]["organiser"][0])
        invitation = staff.invite(event, "new@example.org", "door_staff", organiser)
        in_process = app.config.get("JOBS_IN_PROCESS", True)
        app.config["JOBS_IN_PROCESS"] = False  # run below, not in a thread holding locks
        job = jobs.enqueue(
            EXPORT_JOB,
            params_for(DEFAULT_FORMAT, BadgeFilter(role=None, since=None, changed_since=None)),
            owner=organiser,
            event=event,
        )
        app.config["JOBS_IN_PROCESS"] = in_process
        mine = db.session.scalar(
            select(Meeting)
            .join(MeetingRequest, Meeting.request_id == MeetingRequest.id)
            .where((MeetingRequest.from_id == attendee.id) | (MeetingRequest.to_id == attendee.id))
        )
        account = find_user("attendee@example.org")
        account.name = f"Attendee {PAYLOAD}"[:200]
        issue_api_token(account)
        db.session.flush()
        request = mine.request if mine else db.session.scalars(select(MeetingRequest)).first()
        other = request.other(attendee.id)
        world.ids.update(
            event_id=event.id,
            registration_id=attendee.id,
            other_registration_id=other.id,
            item_id=db.session.scalars(
                select(ProgrammeItem.id).where(ProgrammeItem.event_id == event.id)
            ).first(),
            person_id=db.session.scalars(
                select(Person.id).where(Person.event_id == event.id)
            ).first(),
            room_id=db.session.scalars(select(Room.id).where(Room.event_id == event.id)).first(),
            profile_id=db.session.scalar(
                select(Profile.id).where(Profile.registration_id == other.id)
            ),
            request_id=request.id,
            meeting_id=mine.id if mine else db.session.scalars(select(Meeting.id)).first(),
            slot_id=db.session.scalars(select(MeetingSlot.id)).first(),
            table_id=db.session.scalars(select(MeetingTable.id)).first(),
            delegation_id=db.session.scalars(select(Delegation.id)).first(),
            job_id=job.id,
            user_id=account.id,
            role_id=account.roles[0].id,
            token_id=db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == account.id)),
            sponsor_id=db.session.scalars(
                select(Sponsor.id).where(Sponsor.event_id == event.id)
            ).first(),
            staff_id=db.session.scalar(
                select(RoleAssignment.id).where(
                    RoleAssignment.event_id == event.id, RoleAssignment.role == "door_staff"
                )
            ),
            invitation_id=invitation.id,
            outbox_id=db.session.scalars(
                select(OutboxMessage.id).order_by(OutboxMessage.id.desc())
            ).first(),
            message_id=_message(event),
        )
        world.ids.update(_digital(event, attendee, world))
        db.session.commit()
        jobs.work()
    return world


def _message(event) -> int:
    """The organiser's message with a hostile subject and text, scheduled for tomorrow."""
    from datetime import timedelta

    from eventmgr.messages import services as messages
    from eventmgr.platform.db import utcnow

    return messages.create(
        event,
        {
            "subject": {"en": f"Subject {PAYLOAD}"[:200]},
            "body": {"en": f"Body {PAYLOAD}"},
            "kind": "practical",
            "audience": {},
            "send_at": (utcnow() + timedelta(days=1)).isoformat(),
        },
        "organiser",
    ).id


def _digital(event, attendee, world: World) -> dict:
    """A hostile question (approved), a moderator link, a certificate and feedback."""
    from datetime import timedelta

    from eventmgr.digital import certificates, feedback, qa
    from eventmgr.digital.models import WatchTime
    from eventmgr.digital.settings import update_settings
    from eventmgr.platform.db import db, utcnow
    from eventmgr.programme.services import public_programme

    item = next(i for i in public_programme(event).top_level if i.kind not in qa.NO_QUESTIONS)
    question = qa.ask(event, item.id, attendee, f"Question {PAYLOAD}", False)
    qa.moderate(event, item.id, question.id, "approve")
    link, world.tokens["moderator_token"] = qa.create_link(event, item.id, f"Label {PAYLOAD}")
    now = utcnow()
    db.session.add(
        WatchTime(registration_id=attendee.id, item_id=item.id, event_id=event.id, seconds=7200)
    )
    db.session.commit()
    update_settings(event, {"certificate_minutes": 1, "certificates_from": now - timedelta(days=1)})
    certificate = certificates.issue(event, attendee, now)
    talks = feedback.rated_items(event)
    feedback.save(
        event,
        attendee,
        {
            "rating": 3,
            "liked": f"Liked {PAYLOAD}",
            "improve": f"Improve {PAYLOAD}",
            "items": {talks[0].id: {"rating": 4, "comment": f"Comment {PAYLOAD}"}} if talks else {},
        },
        now,
    )
    return {"question_id": question.id, "link_id": link.id, "code": certificate.code}
