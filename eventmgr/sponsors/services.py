"""Sponsor rules shared by the pages, the API and the badges: what a sponsor is, in what order
they show, which go on badges and beside the stream."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import undefer

from eventmgr import audit
from eventmgr.events.models import Event
from eventmgr.platform.db import commit, db
from eventmgr.platform.errors import RuleError
from eventmgr.sponsors import logos
from eventmgr.sponsors.models import LEVELS, Sponsor

CONTROL = re.compile(r"[\x00-\x1f\x7f]")
FIELDS = ("name", "url", "level", "position", "on_badges", "on_stream")
_LEVEL_ORDER = case({level: n for n, level in enumerate(LEVELS)}, value=Sponsor.level, else_=99)


class SponsorError(RuleError):
    """Sponsor data that breaks a rule; `fields` names what is wrong."""


def sponsors_of(event: Event, where: str | None = None) -> list[Sponsor]:
    """The event's sponsors by level, then position and name; `where` "badges" or "stream"
    keeps those the organiser shows there."""
    query = select(Sponsor).where(Sponsor.event_id == event.id)
    if where == "badges":
        query = query.where(Sponsor.on_badges.is_(True))
    elif where == "stream":
        query = query.where(Sponsor.on_stream.is_(True))
    query = query.order_by(_LEVEL_ORDER, Sponsor.position, func.lower(Sponsor.name), Sponsor.id)
    return list(db.session.scalars(query))


def by_level(sponsors: list[Sponsor]) -> list[tuple[str, list[Sponsor]]]:
    """[(level, sponsors)] in the order of LEVELS, levels without sponsors left out."""
    groups = [(level, [s for s in sponsors if s.level == level]) for level in LEVELS]
    return [(level, group) for level, group in groups if group]


def sponsor_of(event: Event, sponsor_id: int) -> Sponsor:
    found = db.session.get(Sponsor, sponsor_id)
    if found is None or found.event_id != event.id:
        raise SponsorError({"sponsor": _("No such sponsor for this event.")}, 404)
    return found


def badge_logos(event: Event) -> list[bytes]:
    """The PNG logos of the sponsors the organiser shows on badges, in order."""
    query = (
        select(Sponsor)
        .where(Sponsor.event_id == event.id, Sponsor.on_badges.is_(True), Sponsor.logo_version > 0)
        .options(undefer(Sponsor.logo))
        .order_by(_LEVEL_ORDER, Sponsor.position, func.lower(Sponsor.name), Sponsor.id)
    )
    return [s.logo for s in db.session.scalars(query) if s.logo]


def _check(data: dict[str, Any], sponsor: Sponsor | None) -> dict[str, Any]:
    """The given fields as stored; every wrong one named."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if "name" in data or sponsor is None:
        name = data.get("name")
        if not isinstance(name, str) or not name.strip() or CONTROL.search(name):
            errors["name"] = _("The name is required.")
        elif len(name.strip()) > 200:
            errors["name"] = _("At most %(n)d characters.", n=200)
        else:
            values["name"] = " ".join(name.split())
    if "url" in data:
        url = data["url"] or None
        if url is not None and (
            not isinstance(url, str)
            or not re.match(r"^https?://[^\s/]+\.[^\s]+$", url.strip())
            or len(url) > 500
        ):
            errors["url"] = _("Give a web address starting with https:// (at most 500).")
        else:
            values["url"] = url.strip() if url else None
    if "level" in data or sponsor is None:
        level = data.get("level", "sponsor")
        if level not in LEVELS:
            errors["level"] = _("Choose one of: %(choices)s.", choices=", ".join(LEVELS))
        else:
            values["level"] = level
    if "position" in data:
        position = data["position"]
        if not isinstance(position, int) or isinstance(position, bool) or not 0 <= position <= 9999:
            errors["position"] = _("Give a whole number from 0 to 9999.")
        else:
            values["position"] = position
    for name in ("on_badges", "on_stream"):
        if name in data:
            if not isinstance(data[name], bool):
                errors[name] = _("Answer true or false.")
            else:
                values[name] = data[name]
    if errors:
        raise SponsorError(errors)
    return values


def save_sponsor(
    event: Event,
    data: dict[str, Any],
    sponsor: Sponsor | None = None,
    *,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> Sponsor:
    """Add or change a sponsor; a new `logo` (checked and re-encoded) or `remove_logo` in the
    same change, so a refused logo leaves the sponsor as it was."""
    values = _check(data, sponsor)
    sizes = None
    if logo is not None:
        try:
            sizes = logos.check_and_encode(logo)
        except logos.LogoRefused as exc:
            raise SponsorError({"logo": str(exc)}) from None
    created = sponsor is None
    if sponsor is None:
        sponsor = Sponsor(event_id=event.id, position=0, on_badges=False, on_stream=False)
        sponsor.logo_version = 0
        db.session.add(sponsor)
    for name, value in values.items():
        setattr(sponsor, name, value)
    if sizes is not None:
        sponsor.logo, sponsor.logo_small = sizes["large"], sizes["small"]
        sponsor.logo_version = (sponsor.logo_version or 0) + 1
    elif remove_logo:
        sponsor.logo = sponsor.logo_small = None
        sponsor.logo_version = 0
    db.session.flush()
    audit.record(
        "sponsor.added" if created else "sponsor.changed",
        event=event,
        target=sponsor,
        details={k: v for k, v in values.items() if k in FIELDS}
        | ({"logo": "new"} if sizes else {"logo": "removed"} if remove_logo else {}),
    )
    commit()
    return sponsor


def delete_sponsor(sponsor: Sponsor) -> None:
    audit.record(
        "sponsor.deleted", event=sponsor.event_id, target=sponsor, details={"name": sponsor.name}
    )
    db.session.delete(sponsor)
    commit()
