"""Every model, imported in one place so that Alembic and the CLI see the whole schema."""

from eventmgr.accounts.models import ApiToken, RoleAssignment, User
from eventmgr.audit.models import AuditEntry
from eventmgr.calendar.models import Agenda, StarredItem
from eventmgr.checkin.models import Checkin, Scan
from eventmgr.events.models import Event, StaffInvitation
from eventmgr.jobs.models import Job
from eventmgr.mail.models import OutboxMessage
from eventmgr.networking.models import (
    Block,
    Delegation,
    DelegationMember,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    MeetingTable,
    NetworkingSettings,
    Profile,
)
from eventmgr.programme.models import Person, ProgrammeItem, ProgrammeVersion, Room
from eventmgr.registration.models import (
    Registration,
    RegistrationAnswer,
    RegistrationHistory,
    RevokedBadgeCode,
)
from eventmgr.sponsors.models import Sponsor

__all__ = [
    "Agenda",
    "ApiToken",
    "AuditEntry",
    "Block",
    "Checkin",
    "Delegation",
    "DelegationMember",
    "Event",
    "Job",
    "Meeting",
    "MeetingRequest",
    "MeetingSlot",
    "MeetingTable",
    "NetworkingSettings",
    "OutboxMessage",
    "Person",
    "Profile",
    "ProgrammeItem",
    "ProgrammeVersion",
    "Registration",
    "RegistrationAnswer",
    "RegistrationHistory",
    "RevokedBadgeCode",
    "RoleAssignment",
    "Room",
    "Scan",
    "Sponsor",
    "StaffInvitation",
    "StarredItem",
    "User",
]
