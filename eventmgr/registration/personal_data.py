"""Other domains add their part to a person's data download without registration importing them.

Calendar (starred items), networking (profile, requests, meetings, blocks, delegation) and
check-in (check-in, scans) each register a provider under its own section key at import time;
`Registration.personal_data()` asks every provider. create_app imports the providing modules
(eventmgr/__init__.py `_register_hooks`), so every process has all sections.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eventmgr.registration.models import Registration

SectionProvider = Callable[["Registration"], Any]
_providers: dict[str, SectionProvider] = {}


def personal_data_section(key: str) -> Callable[[SectionProvider], SectionProvider]:
    """Decorator: the provider's JSON-ready value goes under `key` in every download."""

    def register(provider: SectionProvider) -> SectionProvider:
        _providers[key] = provider  # one domain owns a key; importing again replaces it
        return provider

    return register


def sections(registration: Registration) -> dict[str, Any]:
    """Every registered section for the registration, by key."""
    return {key: provider(registration) for key, provider in sorted(_providers.items())}
