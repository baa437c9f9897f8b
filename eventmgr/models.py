"""Every model, imported in one place so that Alembic and the CLI see the whole schema."""

from eventmgr.accounts.models import ApiToken, RoleAssignment, User
from eventmgr.audit.models import AuditEntry
from eventmgr.calendar.models import Agenda, StarredItem
from eventmgr.events.models import Event
from eventmgr.jobs.models import Job
from eventmgr.mail.models import OutboxMessage
from eventmgr.programme.models import Person, ProgrammeItem, ProgrammeVersion, Room
from eventmgr.registration.models import Registration, RegistrationHistory

__all__ = [
    "Agenda",
    "ApiToken",
    "AuditEntry",
    "Event",
    "Job",
    "OutboxMessage",
    "Person",
    "ProgrammeItem",
    "ProgrammeVersion",
    "Registration",
    "RegistrationHistory",
    "RoleAssignment",
    "Room",
    "StarredItem",
    "User",
]
