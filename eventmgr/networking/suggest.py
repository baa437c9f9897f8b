"""Suggestions: who an opted-in participant should meet, ranked, each with the reason why.

Score = 10 per shared interest tag + complementary offer/seek (a startup seeking investment and
an investor whose focus matches it: 25 and up to 15 more for matching terms; what one seeks and
the other offers: 4 per shared term, at most 12) + 30 x the TF-IDF cosine of the two pitches.
Nobody from one's own organisation or delegation, nobody blocked, nobody already asked.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import or_, select

from eventmgr.events.models import Event
from eventmgr.networking.models import (
    ACCEPTED,
    PENDING,
    DelegationMember,
    MeetingRequest,
    Profile,
)
from eventmgr.networking.services import blocked_ids, profile_of, visible_profiles
from eventmgr.platform.db import db
from eventmgr.registration.models import Registration

WORD = re.compile(r"[a-zæøåäöüé0-9][a-zæøåäöüé0-9-]+")
STOP = frozenset(
    {
        "and",
        "the",
        "for",
        "with",
        "from",
        "that",
        "this",
        "are",
        "our",
        "you",
        "your",
        "their",
        "who",
        "what",
        "into",
        "on",
        "in",
        "of",
        "to",
        "a",
        "an",
        "we",
        "is",
        "be",
        "as",
        "by",
        "at",
        "or",
        "it",
        "its",
        "can",
        "will",
        "new",
        "use",
        "using",
        "based",
    }
)
INVEST_WORDS = ("invest", "funding", "capital", "seed", "financ")


def tokens(text: str) -> list[str]:
    return [w for w in WORD.findall((text or "").lower()) if w not in STOP and len(w) > 2]


@dataclass(frozen=True)
class Suggestion:
    profile: Profile
    score: int
    why: str


def _document(profile: Profile) -> list[str]:
    return tokens(" ".join((profile.pitch, profile.offers, profile.seeks)))


def _vectors(docs: dict[int, list[str]]) -> dict[int, dict[str, float]]:
    """TF-IDF vectors, unit length, over the event's profiles."""
    df: Counter[str] = Counter()
    for words in docs.values():
        df.update(set(words))
    n = len(docs) or 1
    out = {}
    for key, words in docs.items():
        tf = Counter(words)
        vec = {w: c * (math.log((1 + n) / (1 + df[w])) + 1) for w, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out[key] = {w: v / norm for w, v in vec.items()}
    return out


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


@dataclass(frozen=True)
class _Features:
    """What scoring needs from a profile, computed once per profile and request."""

    interests: tuple[str, ...]
    interest_set: frozenset[str]
    seeks: frozenset[str]
    offers: frozenset[str]
    focus: frozenset[str]
    own: frozenset[str]
    seeks_investment: bool
    investor: bool


def features(p: Profile) -> _Features:
    text = (p.seeks or "").lower()
    interests = tuple(p.interests or [])
    return _Features(
        interests=interests,
        interest_set=frozenset(interests),
        seeks=frozenset(tokens(p.seeks)),
        offers=frozenset(tokens(p.offers)),
        focus=frozenset(tokens(p.investment_focus)),
        own=frozenset(tokens(" ".join((p.pitch, p.company_stage, " ".join(interests))))),
        seeks_investment=p.kind == "startup" and (not text or any(w in text for w in INVEST_WORDS)),
        investor=p.kind == "investor",
    )


def _invest_points(startup: _Features, investor: _Features) -> int:
    """25 for the pairing, up to 15 more for focus terms the startup's profile shares."""
    return 25 + min(15, 5 * len(investor.focus & startup.own))


def score_pair(
    me: Profile,
    other: Profile,
    similarity: float,
    fm: _Features | None = None,
    fo: _Features | None = None,
    explain: bool = True,
) -> tuple[int, str]:
    """The score of `other` for `me` and (when `explain`) the reason, in the viewer's words."""
    fm = fm or features(me)
    fo = fo or features(other)
    parts: list[str] = []
    score = 0.0
    shared = [t for t in fm.interests if t in fo.interest_set]
    if shared:
        score += 10 * len(shared)
        if explain:
            parts.append(_("both: %(tags)s", tags=", ".join(shared)))
    if fm.seeks_investment and fo.investor:
        score += _invest_points(fm, fo)
        if explain:
            parts.append(
                _(
                    "you seek %(seek)s, they invest in %(focus)s",
                    seek=me.seeks or _("investment"),
                    focus=other.investment_focus or _("your area"),
                )
            )
    elif fm.investor and fo.seeks_investment:
        score += _invest_points(fo, fm)
        if explain:
            parts.append(
                _(
                    "they seek %(seek)s, you invest in %(focus)s",
                    seek=other.seeks or _("investment"),
                    focus=me.investment_focus or _("their area"),
                )
            )
    offered = fm.seeks & fo.offers
    if offered:
        score += min(12, 4 * len(offered))
        if explain:
            terms = ", ".join(sorted(offered)[:4])
            parts.append(_("they offer what you look for: %(terms)s", terms=terms))
    if similarity >= 0.1:
        score += 30 * similarity
        if explain:
            parts.append(_("similar pitches"))
    return round(score), "; ".join(parts)


def _excluded(event: Event, me: Registration) -> set[int]:
    """Registrations never suggested to `me`: blocked, asked already, own delegation."""
    out = blocked_ids(me.id) | {me.id}
    rows = db.session.execute(
        select(MeetingRequest.from_id, MeetingRequest.to_id).where(
            MeetingRequest.event_id == event.id,
            MeetingRequest.status.in_((PENDING, ACCEPTED)),
            or_(MeetingRequest.from_id == me.id, MeetingRequest.to_id == me.id),
        )
    )
    for a, b in rows:
        out |= {a, b}
    delegation = db.session.scalar(
        select(DelegationMember.delegation_id).where(DelegationMember.registration_id == me.id)
    )
    if delegation is not None:
        out |= set(
            db.session.scalars(
                select(DelegationMember.registration_id).where(
                    DelegationMember.delegation_id == delegation
                )
            )
        )
    return out


def _organisation(profile: Profile) -> str:
    return " ".join(
        (profile.organisation or profile.registration.organisation or "").split()
    ).lower()


def suggestions(event: Event, me: Registration, limit: int = 20) -> list[Suggestion]:
    """The best matches for `me`, highest score first; only positive scores."""
    mine = profile_of(me)
    others = visible_profiles(event, me)
    excluded = _excluded(event, me)
    own_org = _organisation(mine)
    candidates = [
        p
        for p in others
        if p.registration_id not in excluded and not (own_org and _organisation(p) == own_org)
    ]
    vectors = _vectors({p.id: _document(p) for p in [mine, *others]})
    own = features(mine)
    out = []
    for other in candidates:
        similarity = cosine(vectors[mine.id], vectors[other.id])
        score, why = score_pair(mine, other, similarity, own, features(other))
        if score > 0:
            out.append(Suggestion(other, score, why))
    out.sort(key=lambda s: (-s.score, s.profile.registration.name))
    return out[:limit]


def pair_scores(event: Event, profiles: list[Profile]) -> dict[tuple[int, int], int]:
    """Symmetric scores of every pair of profiles (registration ids, smaller first), for the
    auto-match mode; pairs of one organisation or delegation are left out."""
    delegation = dict(
        db.session.execute(
            select(DelegationMember.registration_id, DelegationMember.delegation_id)
        ).all()
    )
    vectors = _vectors({p.id: _document(p) for p in profiles})
    feats = {p.id: features(p) for p in profiles}
    orgs = {p.id: _organisation(p) for p in profiles}
    out: dict[tuple[int, int], int] = {}
    for i, a in enumerate(profiles):
        for b in profiles[i + 1 :]:
            if orgs[a.id] and orgs[a.id] == orgs[b.id]:
                continue
            da = delegation.get(a.registration_id)
            if da is not None and da == delegation.get(b.registration_id):
                continue
            sim = cosine(vectors[a.id], vectors[b.id])
            fa, fb = feats[a.id], feats[b.id]
            score = max(
                score_pair(a, b, sim, fa, fb, explain=False)[0],
                score_pair(b, a, sim, fb, fa, explain=False)[0],
            )
            key = tuple(sorted((a.registration_id, b.registration_id)))
            out[key] = score  # type: ignore[index]
    return out
