"""Other domains add entries to a person's agenda feed without the calendar importing them.

Networking registers a provider that yields a registration's meetings; the agenda feed asks
every provider. Registering happens at import time of the providing module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from eventmgr.calendar.ics import CalendarEntry

if TYPE_CHECKING:
    from eventmgr.registration.models import Registration

AgendaProvider = Callable[["Registration"], Iterable[CalendarEntry]]
_providers: list[AgendaProvider] = []


def agenda_provider(provider: AgendaProvider) -> AgendaProvider:
    """Decorator: add `provider`'s entries to every personal agenda."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def extra_agenda_entries(registration: Registration) -> list[CalendarEntry]:
    return [entry for provider in _providers for entry in provider(registration)]
