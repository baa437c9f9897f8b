"""Feedback after the event: a short survey (a rating of the event and two comments) and an
optional rating (1 to 5) and comment per talk, from the manage page; results per item for the
organiser. Open from the end of the event until the organiser's closing time (if any)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from eventmgr.digital.models import EventFeedback, ItemRating
from eventmgr.digital.settings import DigitalError, settings_for
from eventmgr.events.models import Event
from eventmgr.platform.db import commit, db
from eventmgr.programme.models import Kind
from eventmgr.programme.services import PublicItem, public_programme
from eventmgr.registration.models import CONFIRMED, Registration

RATED_KINDS = (Kind.KEYNOTE.value, Kind.TALK.value)
MAX_COMMENT = 2000
SCALE = (1, 2, 3, 4, 5)


def is_open(event: Event, now: datetime) -> bool:
    until = settings_for(event).feedback_until
    return now >= event.ends_at and (until is None or now <= until)


def rated_items(event: Event) -> list[PublicItem]:
    """The talks and keynotes of the published programme, in order."""
    return [i for i in public_programme(event).items if i.kind in RATED_KINDS and not i.cancelled]


def _rating(value: Any, name: str, errors: dict[str, str]) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number not in SCALE or isinstance(value, bool):
        errors[name] = _("Choose a rating from 1 to 5.")
        return None
    return number


def _comment(value: Any, name: str, errors: dict[str, str]) -> str:
    text = (value if isinstance(value, str) else "").strip()
    if len(text) > MAX_COMMENT:
        errors[name] = _("At most %(n)d characters.", n=MAX_COMMENT)
    return text


def mine(event: Event, registration: Registration) -> dict[str, Any]:
    """What the person answered so far (the form shows it again)."""
    survey = db.session.scalar(
        select(EventFeedback).where(
            EventFeedback.event_id == event.id, EventFeedback.registration_id == registration.id
        )
    )
    ratings = db.session.scalars(
        select(ItemRating).where(
            ItemRating.event_id == event.id, ItemRating.registration_id == registration.id
        )
    )
    return {
        "rating": survey.rating if survey else None,
        "liked": survey.liked if survey else "",
        "improve": survey.improve if survey else "",
        "items": {r.item_id: {"rating": r.rating, "comment": r.comment} for r in ratings},
    }


def save(event: Event, registration: Registration, data: dict[str, Any], now: datetime) -> None:
    """The survey and the talk ratings in one change; a talk without a rating has none (its
    comment alone is not kept: a comment belongs to a rating)."""
    if registration.status != CONFIRMED or registration.event_id != event.id:
        raise DigitalError({"registration": _("Feedback is for registered attendees.")}, 403)
    if not is_open(event, now):
        raise DigitalError({"feedback": _("Feedback is not open.")}, 409)
    errors: dict[str, str] = {}
    rating = _rating(data.get("rating"), "rating", errors)
    liked = _comment(data.get("liked"), "liked", errors)
    improve = _comment(data.get("improve"), "improve", errors)
    items = {i.id for i in rated_items(event)}
    given: dict[int, tuple[int | None, str]] = {}
    for item_id, answer in (data.get("items") or {}).items():
        if int(item_id) not in items:
            errors[f"item-{item_id}"] = _("No such talk.")
            continue
        given[int(item_id)] = (
            _rating(answer.get("rating"), f"rating-{item_id}", errors),
            _comment(answer.get("comment"), f"comment-{item_id}", errors),
        )
    if errors:
        raise DigitalError(errors)
    _save_survey(event, registration, rating, liked, improve, now)
    for item_id, (value, comment) in given.items():
        _save_rating(event, registration, item_id, value, comment, now)
    commit()


def _save_survey(event, registration, rating, liked, improve, now) -> None:
    survey = db.session.scalar(
        select(EventFeedback).where(
            EventFeedback.event_id == event.id, EventFeedback.registration_id == registration.id
        )
    )
    if survey is None:
        if rating is None and not liked and not improve:
            return
        survey = EventFeedback(event_id=event.id, registration_id=registration.id)
        db.session.add(survey)
    survey.rating, survey.liked, survey.improve = rating, liked, improve
    survey.submitted_at = now


def _save_rating(event, registration, item_id, value, comment, now) -> None:
    row = db.session.scalar(
        select(ItemRating).where(
            ItemRating.item_id == item_id, ItemRating.registration_id == registration.id
        )
    )
    if value is None:
        if row is not None:
            db.session.delete(row)
        return
    if row is None:
        row = ItemRating(event_id=event.id, item_id=item_id, registration_id=registration.id)
        db.session.add(row)
    row.rating, row.comment, row.submitted_at = value, comment, now


def erase(registration: Registration) -> None:
    """Ratings stay (they name no one once unlinked), comments go: they may name the person."""
    for survey in db.session.scalars(
        select(EventFeedback).where(EventFeedback.registration_id == registration.id)
    ):
        survey.registration_id, survey.liked, survey.improve = None, "", ""
    for row in db.session.scalars(
        select(ItemRating).where(ItemRating.registration_id == registration.id)
    ):
        row.registration_id, row.comment = None, ""


def personal(registration: Registration) -> dict[str, Any]:
    surveys = db.session.scalars(
        select(EventFeedback).where(EventFeedback.registration_id == registration.id)
    )
    ratings = db.session.scalars(
        select(ItemRating).where(ItemRating.registration_id == registration.id)
    )
    return {
        "survey": [{"rating": s.rating, "liked": s.liked, "improve": s.improve} for s in surveys],
        "talk_ratings": [
            {"item_id": r.item_id, "rating": r.rating, "comment": r.comment} for r in ratings
        ],
    }


# ---------------------------------------------------------------- results


@dataclass
class Tally:
    """Ratings of one thing: how many of each, their mean, and the comments."""

    counts: dict[int, int] = field(default_factory=lambda: dict.fromkeys(SCALE, 0))
    comments: list[str] = field(default_factory=list)

    def add(self, rating: int | None, *comments: str) -> None:
        if rating in self.counts:
            self.counts[rating] += 1
        self.comments += [c for c in comments if c]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def average(self) -> float | None:
        return (
            round(sum(k * v for k, v in self.counts.items()) / self.total, 2)
            if self.total
            else None
        )

    @property
    def widest(self) -> int:
        return max(self.counts.values()) or 1


@dataclass
class Results:
    survey: Tally
    items: list[tuple[PublicItem, Tally]]


def results(event: Event) -> Results:
    survey = Tally()
    for row in db.session.scalars(select(EventFeedback).where(EventFeedback.event_id == event.id)):
        survey.add(row.rating, row.liked, row.improve)
    tallies: dict[int, Tally] = {}
    for row in db.session.scalars(
        select(ItemRating).where(ItemRating.event_id == event.id).order_by(ItemRating.id)
    ):
        tallies.setdefault(row.item_id, Tally()).add(row.rating, row.comment)
    return Results(survey, [(i, tallies.get(i.id, Tally())) for i in rated_items(event)])


CSV_COLUMNS = ("item_id", "item", "kind", "rating", "comment", "liked", "improve", "submitted_at")


def csv_rows(event: Event):
    """One row per answer: the survey's (item empty), then each talk rating."""
    for row in db.session.scalars(
        select(EventFeedback).where(EventFeedback.event_id == event.id).order_by(EventFeedback.id)
    ):
        yield ("", "", "survey", row.rating or "", "", row.liked, row.improve, row.submitted_at)
    titles = {i.id: (i.title, i.kind) for i in public_programme(event).items}
    for row in db.session.scalars(
        select(ItemRating).where(ItemRating.event_id == event.id).order_by(ItemRating.id)
    ):
        title, kind = titles.get(row.item_id, ("", ""))
        yield (row.item_id, title, kind, row.rating, row.comment, "", "", row.submitted_at)
