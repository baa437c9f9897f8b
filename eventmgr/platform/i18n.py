"""Languages (English, Norwegian Bokmål), and dates and times in the event's zone: the one place
pages, mails and PDFs format them ("Thursday, January 26, 2023, 10:30–19:00 CET")."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import (
    format_date,
    format_datetime,
    format_time,
    get_date_format,
    get_datetime_format,
)
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user


def select_locale() -> str:
    """The language chosen in the switch, else the user's, else the browser's."""
    if not has_request_context():
        return "en"  # the CLI and services called outside a request (seed, import)
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(list(languages)) or "en"


def _zone(tz: str | ZoneInfo | None) -> ZoneInfo:
    if isinstance(tz, ZoneInfo):
        return tz
    return ZoneInfo(tz or "UTC")


CLOCK = "HH:mm"
"""Times as a programme prints them, in every language: "10:30", no seconds, no AM/PM."""
_NAMED = ("short", "medium", "long", "full")
_WITH_ZONE = ("long", "full")


def zone_name(moment: datetime, tz: str | ZoneInfo | None) -> str:
    """The zone's short name at that moment ("CET", "CEST"; "+04" where the zone has none):
    CLDR's long names ("Central European Standard Time") and offsets ("+0100") read badly."""
    return moment.astimezone(_zone(tz)).tzname() or "UTC"


def local_time(moment: datetime, tz: str | ZoneInfo | None, fmt: str = CLOCK) -> str:
    """A UTC instant as wall-clock time in the zone ("10:30"); `fmt` is a CLDR pattern."""
    return format_time(moment, fmt, tzinfo=_zone(tz), locale=get_locale())


def local_date(moment: datetime, tz: str | ZoneInfo | None, fmt: str = "long") -> str:
    return format_date(moment.astimezone(_zone(tz)), fmt, locale=get_locale())


def _join(fmt: str, date: str, clock: str) -> str:
    """The date and the time the way the language joins them ("{1}, {0}" in CLDR)."""
    glue = str(get_datetime_format(fmt, locale=get_locale())).replace("'", "")
    return glue.replace("{1}", date).replace("{0}", clock)


def local_datetime(moment: datetime, tz: str | ZoneInfo | None, fmt: str = "medium") -> str:
    """A UTC instant as date (in the reader's language) and time in the zone: "Jan 26, 2023,
    10:30"; "long" and "full" name the zone as people read it ("10:30 CET")."""
    zone = _zone(tz)
    if fmt not in _NAMED:
        return format_datetime(moment, fmt, tzinfo=zone, locale=get_locale())
    clock = local_time(moment, zone)
    if fmt in _WITH_ZONE:
        clock = f"{clock} {zone_name(moment, zone)}"
    return _join(fmt, local_date(moment, zone, fmt), clock)


def local_period(
    start: datetime, end: datetime | None, tz: str | ZoneInfo | None, fmt: str = "full"
) -> str:
    """From start to end, the date said once when both fall on the same day:
    "Thursday, January 26, 2023, 10:30–19:00 CET" (nb: "torsdag 26. januar 2023, …")."""
    zone = _zone(tz)
    if end is None:
        return local_datetime(start, zone, fmt)
    if start.astimezone(zone).date() != end.astimezone(zone).date():
        return f"{local_datetime(start, zone, fmt)} – {local_datetime(end, zone, fmt)}"
    clock = f"{local_time(start, zone)}–{local_time(end, zone)}"
    if fmt in _WITH_ZONE:
        clock = f"{clock} {zone_name(start, zone)}"
    return _join(fmt if fmt in _NAMED else "medium", local_date(start, zone, fmt), clock)


def local_day(moment: datetime, tz: str | ZoneInfo | None) -> str:
    """The weekday and date without the year, as the language writes it ("Thursday, January
    26", "torsdag 26. januar"): the locale's full date pattern less its year."""
    pattern = get_date_format("full", locale=get_locale()).pattern
    without_year = re.sub(r"[,.\s]*\by+\b[.]?", "", pattern).strip(" ,")
    return format_date(moment.astimezone(_zone(tz)), without_year, locale=get_locale())


def register_filters(app) -> None:
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["local_period"] = local_period
    app.jinja_env.filters["zone_name"] = zone_name
    app.jinja_env.filters["local_day"] = local_day
