"""The organiser's settings for the digital audience, and the domain's rule error."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from eventmgr import audit
from eventmgr.digital.models import DigitalSettings
from eventmgr.events.models import Event
from eventmgr.platform.db import commit, db
from eventmgr.platform.errors import RuleError

HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$"
)
MAX_HOSTS = 20
MAX_CERTIFICATE_MINUTES = 24 * 60 * 7


class DigitalError(RuleError):
    """A refused question, vote, moderation, beat, certificate or setting."""


def settings_for(event: Event) -> DigitalSettings:
    """The event's settings; defaults (not stored) until the organiser saves some."""
    found = db.session.scalar(select(DigitalSettings).where(DigitalSettings.event_id == event.id))
    if found is not None:
        return found
    return DigitalSettings(event_id=event.id, player_hosts=[], certificate_minutes=60)


def clean_hosts(value: Any) -> list[str]:
    """Host names, one per line or in a list; a URL is cut to its host."""
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list):
        raise DigitalError({"player_hosts": _("Give host names, one per line.")})
    hosts = []
    for raw in value:
        host = str(raw).strip().lower()
        if "://" in host:
            host = host.split("://", 1)[1]
        host = host.split("/", 1)[0]
        if not host:
            continue
        if not HOST.match(host):
            raise DigitalError(
                {"player_hosts": _("Not a host name: %(host)s", host=str(raw)[:100])}
            )
        if host not in hosts:
            hosts.append(host)
    if len(hosts) > MAX_HOSTS:
        raise DigitalError({"player_hosts": _("At most %(n)d hosts.", n=MAX_HOSTS)})
    return hosts


def update_settings(event: Event, data: dict[str, Any]) -> DigitalSettings:
    """Change some settings; nothing changes when one is wrong."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if "player_hosts" in data:
        try:
            values["player_hosts"] = clean_hosts(data["player_hosts"])
        except DigitalError as exc:
            errors.update(exc.fields)
    if "certificate_minutes" in data:
        minutes = data["certificate_minutes"]
        if not isinstance(minutes, int) or not 0 <= minutes <= MAX_CERTIFICATE_MINUTES:
            errors["certificate_minutes"] = _(
                "Give whole minutes from 0 to %(n)d.", n=MAX_CERTIFICATE_MINUTES
            )
        else:
            values["certificate_minutes"] = minutes
    for name in ("certificates_from", "feedback_until"):
        if name in data:
            moment = data[name]
            if moment is not None and (not isinstance(moment, datetime) or moment.tzinfo is None):
                errors[name] = _("Give a date and time with its UTC offset.")
            else:
                values[name] = moment
    if errors:
        raise DigitalError(errors)
    settings = settings_for(event)
    if settings not in db.session:
        db.session.add(settings)
    for name, value in values.items():
        setattr(settings, name, value)
    audit.record(
        "digital.settings_changed",
        event=event,
        details={k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()},
    )
    commit()
    return settings
