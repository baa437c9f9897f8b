"""The organiser's registration list: search, filters, sorting and pages in SQL, so that it
stays fast with thousands of rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from eventmgr.events.models import Event
from eventmgr.platform import signals
from eventmgr.platform.db import db
from eventmgr.registration.models import MODES, STATUSES, Registration, RegistrationAnswer
from eventmgr.registration.services import counts

SORTS = {
    "created": (Registration.created_at, Registration.id),
    "-created": (Registration.created_at.desc(), Registration.id.desc()),
    "name": (func.lower(Registration.name), Registration.id),
    "-name": (func.lower(Registration.name).desc(), Registration.id.desc()),
    "organisation": (func.lower(Registration.organisation), Registration.id),
    "status": (Registration.status, Registration.queued_at, Registration.id),
}


@dataclass
class Page:
    items: list[Registration]
    total: int
    page: int
    per_page: int
    counts: dict[tuple[str, str], int]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def counts_by_mode(self) -> dict[str, dict[str, int]]:
        return {m: {s: self.counts.get((m, s), 0) for s in STATUSES} for m in MODES}


def contributed_filters() -> dict[str, Callable[[Any], Any]]:
    """The filters other domains offer on registrations (checked_in from check-in, ...)."""
    found: dict[str, Callable[[Any], Any]] = {}
    for offered in signals.collect(signals.registration_filters, None):
        found.update(offered)
    return found


def _answered(event: Event, key: str, value: str):
    """Registrations with that answer: the choice's key (one of several for a "multiple"
    question), yes or no for a checkbox, or text containing `value` for a text question."""
    condition = select(RegistrationAnswer.id).where(
        RegistrationAnswer.registration_id == Registration.id, RegistrationAnswer.question == key
    )
    question = event.question(key)
    if question is not None and question.get("kind") == "text":
        condition = condition.where(
            func.lower(RegistrationAnswer.value).like(f"%{value.strip().lower()}%")
        )
    else:
        condition = condition.where(RegistrationAnswer.value == value)
    return condition.exists()


def _filtered(
    event: Event,
    q: str = "",
    mode=None,
    status=None,
    category=None,
    answers: dict[str, str] | None = None,
    **others,
):
    """The event's registrations matching every filter given; `answers` {question: value};
    `others` are the contributed ones, by name (a value of None leaves a filter out)."""
    query = select(Registration).where(Registration.event_id == event.id)
    for key, value in (answers or {}).items():
        query = query.where(_answered(event, key, value))
    offered = contributed_filters()
    for name, value in others.items():
        if value is not None:
            query = query.where(offered[name](value))
    if q:
        pattern = f"%{q.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(Registration.name).like(pattern),
                Registration.email_key.like(pattern),
                func.lower(Registration.organisation).like(pattern),
            )
        )
    if mode:
        query = query.where(Registration.mode == mode)
    if status:
        query = query.where(Registration.status == status)
    if category:
        query = query.where(Registration.category == category)
    return query


def search(
    event: Event,
    q: str = "",
    mode: str | None = None,
    status: str | None = None,
    category: str | None = None,
    sort: str = "created",
    page: int = 1,
    per_page: int = 50,
    answers: dict[str, str] | None = None,
    **others: Any,
) -> Page:
    query = _filtered(event, q, mode, status, category, answers, **others)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.order_by(*SORTS.get(sort, SORTS["created"]))
        .options(selectinload(Registration.answer_rows))
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(list(rows), total, page, per_page, counts(event.id))


def all_rows(event: Event, **filters):
    """Every matching registration, streamed in id order (CSV export)."""
    query = _filtered(event, **filters).order_by(Registration.id)
    if event.questions:
        query = query.options(selectinload(Registration.answer_rows))
    return db.session.scalars(query.execution_options(yield_per=500))
