"""The digital domain's reactions to other domains (platform/signals.py): the person's questions,
votes, watch time, certificate and feedback in their data download, and gone with their
erasure.

Erasure deletes questions, votes, watch time and the certificate (its verification URL then
says it is unknown); feedback keeps its ratings, unlinked and without comments, so the
organiser's results still add up.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from eventmgr.digital import attendance, feedback, qa
from eventmgr.digital.certificates import certificate_of, verify_url
from eventmgr.digital.models import Certificate, CertificateNotice, Viewer, WatchTime
from eventmgr.platform import signals
from eventmgr.platform.db import db
from eventmgr.registration.models import Registration


@signals.personal_data_requested.connect
def personal_data(registration: Registration) -> dict[str, Any]:
    return {"digital": digital_section(registration)}


def digital_section(registration: Registration) -> dict[str, Any]:
    certificate = certificate_of(registration)
    return {
        "questions": qa.questions_of(registration),
        "question_votes": qa.votes_of(registration),
        "watched_seconds": {
            str(item_id): seconds for item_id, seconds in attendance.watched(registration).items()
        },
        "certificate": None
        if certificate is None
        else {
            "code": certificate.code,
            "minutes": certificate.minutes,
            "attendance": certificate.attendance,
            "issued_at": certificate.issued_at.isoformat(),
            "verify_url": verify_url(certificate),
        },
        "feedback": feedback.personal(registration),
    }


@signals.registration_erased.connect
def erased(registration: Registration) -> None:
    qa.erase_questions(registration)
    for model in (WatchTime, Viewer, Certificate, CertificateNotice):
        db.session.execute(delete(model).where(model.registration_id == registration.id))
    feedback.erase(registration)
