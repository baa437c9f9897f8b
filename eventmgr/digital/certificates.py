"""Certificates of attendance: who has attended long enough, the certificate as issued (frozen,
so the PDF and the verification page always agree), and the one mail that announces it.

Time attended counts the programme's items (not breaks or networking). On site: every such
item's time from the person's check-in on. Online: the minutes the watch page credited. A
person who watched in the morning and checked in later has both (the online minutes of items
that ended before the check-in are added).
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from eventmgr import audit
from eventmgr.checkin.models import Checkin
from eventmgr.digital import attendance
from eventmgr.digital.models import BOTH, ON_SITE, ONLINE, Certificate, CertificateNotice
from eventmgr.digital.pdf import CertificateText, render_certificate
from eventmgr.digital.settings import DigitalError, settings_for
from eventmgr.events.models import Event
from eventmgr.mail.services import queue_mail
from eventmgr.platform.db import commit, db, utcnow
from eventmgr.platform.i18n import local_date
from eventmgr.platform.urls import external_url
from eventmgr.programme.models import Kind
from eventmgr.programme.services import public_programme
from eventmgr.registration.models import CONFIRMED, Registration

NOT_COUNTED = (Kind.BREAK.value, Kind.NETWORKING.value)


@dataclass(frozen=True)
class Attended:
    minutes: int
    attendance: str | None  # ON_SITE, ONLINE, BOTH, or None for no attendance


def _union_seconds(intervals: list[tuple[datetime, datetime]]) -> int:
    total, end = 0.0, None
    for start, stop in sorted(intervals):
        if end is not None and start < end:
            start = end
        if stop > start:
            total += (stop - start).total_seconds()
            end = stop if end is None else max(end, stop)
    return int(total)


def attended(event: Event, registration: Registration, now: datetime) -> Attended:
    """How long the person attended up to `now`, and how."""
    programme = public_programme(event)
    counted = [i for i in programme.top_level if not i.cancelled and i.kind not in NOT_COUNTED]
    arrived = db.session.scalar(
        select(Checkin.at).where(Checkin.registration_id == registration.id)
    )
    watched = attendance.watched(registration)
    if arrived is None:
        online = sum(watched.values())
        return Attended(online // 60, ONLINE if online else None)
    on_site = _union_seconds([(max(i.starts_at, arrived), min(i.ends_at, now)) for i in counted])
    ended_before = {i.id for i in programme.items if i.ends_at <= arrived}
    earlier = sum(s for item_id, s in watched.items() if item_id in ended_before)
    return Attended((on_site + earlier) // 60, BOTH if earlier else ON_SITE)


@dataclass(frozen=True)
class Standing:
    """Whether the person may have a certificate now, and if not, why not."""

    available: bool
    eligible: bool
    attended: Attended
    minimum: int
    reason: str


def standing(event: Event, registration: Registration, now: datetime) -> Standing:
    settings = settings_for(event)
    record = attended(event, registration, now)
    minimum = settings.certificate_minutes
    available = settings.certificates_from is not None and now >= settings.certificates_from
    eligible = (
        registration.status == CONFIRMED
        and registration.anonymised_at is None
        and record.attendance is not None
        and record.minutes >= max(minimum, 1)
    )
    if not available:
        reason = _("Certificates are not available yet.")
    elif not eligible:
        reason = _(
            "A certificate needs %(n)d minutes of attendance; we have %(m)d for you.",
            n=minimum,
            m=record.minutes,
        )
    else:
        reason = ""
    return Standing(available, eligible, record, minimum, reason)


def new_code() -> str:
    """16 characters of A-Z2-7 (80 random bits): the verification URL cannot be guessed."""
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii")


def issue(event: Event, registration: Registration, now: datetime) -> Certificate:
    """The person's certificate: issued once, then the same one on every download."""
    found = db.session.scalar(
        select(Certificate).where(Certificate.registration_id == registration.id)
    )
    if found is not None:
        return found
    state = standing(event, registration, now)
    if not (state.available and state.eligible):
        raise DigitalError({"certificate": state.reason}, 409)
    certificate = Certificate(
        event_id=event.id,
        registration_id=registration.id,
        code=new_code(),
        name=registration.name,
        minutes=state.attended.minutes,
        attendance=state.attended.attendance,
        issued_at=now,
    )
    db.session.add(certificate)
    db.session.flush()
    audit.record("digital.certificate_issued", event=event, target=certificate)
    commit()
    return certificate


def by_code(code: str) -> Certificate | None:
    if not code or len(code) > 32:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code.upper()))


def certificate_of(registration: Registration) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(Certificate.registration_id == registration.id)
    )


def verify_url(certificate: Certificate) -> str:
    return external_url("digital.verify", code=certificate.code)


def hours_text(minutes: int) -> str:
    hours = round(minutes / 60, 1)
    return _("%(h)s hours", h=f"{hours:g}")


def attendance_label(attendance: str) -> str:
    return {
        ON_SITE: _("on site"),
        ONLINE: _("online"),
        BOTH: _("on site and online"),
    }.get(attendance, attendance)


def certificate_pdf(event: Event, certificate: Certificate, language: str) -> bytes:
    """The certificate in the person's language."""
    with force_locale(language):
        date = local_date(event.starts_at, event.timezone, "long")
        text = CertificateText(
            title=_("Certificate of attendance"),
            certifies=_("This certifies that"),
            name=certificate.name,
            attended=_("attended %(event)s on %(date)s", event=event.name, date=date),
            hours=f"{hours_text(certificate.minutes)}, {attendance_label(certificate.attendance)}",
            organiser=", ".join(p for p in (event.venue, event.address) if p),
            verify=_("Check that this certificate is genuine at"),
            url=verify_url(certificate),
            code=_("Code: %(code)s", code=certificate.code),
        )
    return render_certificate(text)


# ---------------------------------------------------------------- the announcement


def _eligible(event: Event, now: datetime) -> list[Registration]:
    query = select(Registration).where(
        Registration.event_id == event.id,
        Registration.status == CONFIRMED,
        Registration.anonymised_at.is_(None),
    )
    return [r for r in db.session.scalars(query) if standing(event, r, now).eligible]


def announce(event: Event, now: datetime) -> int:
    """Mail everyone who may download a certificate and was not told yet; once per person.

    The mail points to the person's own page without a link: only a hash of the manage token
    is stored, and a new link would end the one they have."""
    settings = settings_for(event)
    if settings.certificates_from is None or now < settings.certificates_from:
        raise DigitalError({"certificates_from": _("Certificates are not available yet.")}, 409)
    told = set(
        db.session.scalars(
            select(CertificateNotice.registration_id).where(CertificateNotice.event_id == event.id)
        )
    )
    sent = 0
    for registration in _eligible(event, now):
        if registration.id in told:
            continue
        with force_locale(registration.language or "en"):
            subject = _("Your certificate of attendance: %(event)s", event=event.name)
            body = _(
                "Dear %(name)s,\n\nthank you for attending %(event)s. Your certificate of "
                "attendance is ready: open your registration page with the personal link from "
                "your registration email, and download it there.\n",
                name=registration.name,
                event=event.name,
            )
        queue_mail(
            registration.email,
            subject,
            body,
            rule="digital.certificate_announcement",
            key=f"certificate-announcement:{registration.id}",
        )
        db.session.add(
            CertificateNotice(registration_id=registration.id, event_id=event.id, sent_at=now)
        )
        sent += 1
    audit.record("digital.certificates_announced", event=event, details={"mails": sent})
    commit()
    return sent


def now() -> datetime:
    return utcnow()
