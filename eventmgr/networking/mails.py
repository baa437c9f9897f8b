"""What networking emails say (a request, its answer, expiry, withdrawal, a cancelled
registration, the schedule), each in the recipient's language; queued in the change's
transaction and delivered once it commits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from eventmgr.events.models import Event
from eventmgr.jobs.services import schedule
from eventmgr.mail.models import HeldMessage, OutboxMessage
from eventmgr.mail.services import hold, queue_mail, sent_since, take_held
from eventmgr.platform.db import db, utcnow
from eventmgr.platform.urls import external_url
from eventmgr.registration.models import Registration

MAILS_PER_HOUR = 5  # networking mails one person gets an hour; the rest wait for a digest
DIGEST = "networking.digest"
GROUPING = "networking"


def notify(
    registration: Registration, kind: str, key: str | None = None, **values: Any
) -> OutboxMessage | None:
    """One message in the recipient's language, delivered once the caller's rule commits (with
    `key`, at most once for that key); past MAILS_PER_HOUR in the last hour it is held, and one
    digest an hour later brings all held ones (nobody's inbox is flooded by requests)."""
    event = registration.event
    link = external_url("networking.home", slug=event.slug)
    with force_locale(registration.language or "en"):
        subject, text = _message(kind, event, values)
        greeting = _("Hello %(name)s,", name=registration.name)
        footer = _("Your networking page: %(link)s", link=link)
        privacy = _(
            "Privacy notice: %(link)s",
            link=external_url("pages.privacy", slug=event.slug),
        )
        body = f"{greeting}\n\n{text}\n\n{footer}\n{privacy}\n"
        recipient = registration.email
        if sent_since(recipient, "networking.", utcnow() - timedelta(hours=1)) < MAILS_PER_HOUR:
            return queue_mail(recipient, subject, body, rule=f"networking.{kind}", key=key)
        first = hold(recipient, GROUPING, subject, text)
        db.session.flush()
        if (
            db.session.scalar(
                select(func.count(HeldMessage.id)).where(
                    HeldMessage.recipient == recipient, HeldMessage.grouping == GROUPING
                )
            )
            == 1
        ):
            schedule(
                DIGEST,
                {"recipient": recipient, "registration_id": registration.id},
                utcnow() + timedelta(hours=1),
                key=f"{DIGEST}:{first.id}",
                event=event,
            )
        return None


def send_digest(recipient: str, registration: Registration | None) -> OutboxMessage | None:
    """The held networking mails of one recipient, in one message (a job, an hour after the
    first was held)."""
    held = take_held(recipient, GROUPING)
    if not held:
        return None
    language = registration.language if registration is not None else "en"
    with force_locale(language or "en"):
        subject = _("Networking: %(n)d messages for you", n=len(held))
        parts = [f"{m.subject}\n{m.body}" for m in held]
        body = "\n\n".join([_("While you had many networking emails, we kept these together:")])
        body += "\n\n" + "\n\n---\n\n".join(parts) + "\n"
        if registration is not None:
            link = external_url("networking.home", slug=registration.event.slug)
            body += "\n" + _("Your networking page: %(link)s", link=link) + "\n"
    return queue_mail(recipient, subject, body, rule=DIGEST, key=f"{DIGEST}:{held[0].id}")


def _message(kind: str, event: Event, values: dict[str, Any]) -> tuple[str, str]:
    name = values.get("name", "")
    if kind == "requested":
        subject = _("Meeting request from %(name)s", name=name)
        text = _(
            "%(name)s asks for a meeting at %(event)s. Accept or decline it on your "
            "networking page.",
            name=name,
            event=event.name,
        )
        if values.get("message"):
            text += "\n\n" + values["message"]
    elif kind == "accepted":
        subject = _("%(name)s accepted your meeting request", name=name)
        text = _("The organiser places the meeting at a table and time; you get an email then.")
    elif kind == "declined":
        subject = _("%(name)s declined your meeting request", name=name)
        text = _("You may ask someone else from the suggestions.")
    elif kind == "expired":
        subject = _("Your meeting request to %(name)s expired", name=name)
        text = _("It was not answered in time.")
    elif kind == "cancelled":
        subject = _("%(name)s withdrew a meeting request", name=name)
        text = _("There is nothing you need to do.")
    elif kind == "left":
        subject = _("Your meeting with %(name)s is off", name=name)
        text = _(
            "%(name)s has cancelled their registration for %(event)s, so the meeting (or the "
            "request for it) is withdrawn. You may ask someone else from the suggestions.",
            name=name,
            event=event.name,
        )
    elif kind == "video_link":
        subject = _("The video room of your meeting with %(name)s", name=name)
        text = _(
            "Your meeting with %(name)s at %(time)s takes place online: %(link)s",
            name=name,
            time=values["time"],
            link=values["link"],
        )
    elif kind == "colleague_left":
        subject = _("%(name)s no longer comes to your meeting", name=name)
        text = _(
            "%(name)s has cancelled their registration for %(event)s; the meeting stays, "
            "without them.",
            name=name,
            event=event.name,
        )
    elif kind in ("scheduled", "proposed"):
        subject = _("Your meeting with %(name)s", name=name)
        text = _(
            "Your meeting with %(name)s is at %(time)s, %(place)s.",
            name=name,
            time=values["time"],
            place=values["table"],
        )
        if values.get("link"):
            text += "\n\n" + _("It takes place online: %(link)s", link=values["link"])
        elif values.get("online"):
            text += "\n\n" + _("It takes place online; the organisers send the link.")
        if kind == "proposed":
            subject = _("Suggested by the organisers: a meeting with %(name)s", name=name)
            text += "\n\n" + _(
                "The organisers suggest this meeting. If you do not want it, decline it on "
                "your agenda; it is then removed for both of you."
            )
        if values.get("note"):
            text += "\n\n" + values["note"]
    elif kind == "meeting_cancelled":
        subject = _("%(name)s cancelled your meeting", name=name)
        text = _(
            "%(name)s cancelled your meeting at %(time)s. Their reason: %(reason)s",
            name=name,
            time=values["time"],
            reason=values["reason"],
        )
    elif kind == "proposal_declined":
        subject = _("Your suggested meeting with %(name)s is off", name=name)
        text = _(
            "%(name)s declined the meeting the organisers suggested at %(time)s. It is "
            "removed from your agenda.",
            name=name,
            time=values["time"],
        )
    elif kind == "booked":
        subject = _("A meeting is booked for you: %(name)s", name=name)
        text = _(
            "%(booker)s booked a meeting for you with %(name)s at %(event)s. The organisers "
            "place it at a time and place; you get an email then. If you do not want it, "
            "decline it on your networking page.",
            booker=values["booker"],
            name=name,
            event=event.name,
        )
        if values.get("note"):
            text += "\n\n" + _("Why: %(note)s", note=values["note"])
    elif kind == "booking_declined":
        subject = _("%(name)s declined a booked meeting", name=name)
        text = _("The meeting %(booker)s booked is off.", booker=values["booker"])
    elif kind == "unscheduled":
        subject = _("Your meeting with %(name)s is off the schedule", name=name)
        text = _("The meeting could not be kept in the new schedule.")
    else:  # pragma: no cover - a programming error
        raise ValueError(kind)
    return subject, text
