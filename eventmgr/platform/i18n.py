"""Languages (English, Norwegian Bokmål) and dates shown in the event's time zone."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time, get_date_format
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


def local_datetime(moment: datetime, tz: str | ZoneInfo | None, fmt: str = "medium") -> str:
    """A UTC instant as date and time in the zone, in the user's language."""
    return format_datetime(moment, fmt, tzinfo=_zone(tz), locale=get_locale())


def local_date(moment: datetime, tz: str | ZoneInfo | None, fmt: str = "long") -> str:
    return format_date(moment.astimezone(_zone(tz)), fmt, locale=get_locale())


def local_time(moment: datetime, tz: str | ZoneInfo | None, fmt: str = "short") -> str:
    return format_time(moment, fmt, tzinfo=_zone(tz), locale=get_locale())


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
    app.jinja_env.filters["local_day"] = local_day
