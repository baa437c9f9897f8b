"""Every model, imported in one place so that Alembic and the CLI see the whole schema."""

from eventmgr.accounts.models import ApiToken, RoleAssignment, User
from eventmgr.events.models import Event
from eventmgr.mail.models import OutboxMessage
from eventmgr.registration.models import Registration, RegistrationHistory

__all__ = [
    "ApiToken",
    "Event",
    "OutboxMessage",
    "Registration",
    "RegistrationHistory",
    "RoleAssignment",
    "User",
]
