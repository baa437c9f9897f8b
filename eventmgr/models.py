"""Every model, imported in one place so that Alembic and the CLI see the whole schema."""

from eventmgr.accounts.models import ApiToken, RoleAssignment, User
from eventmgr.audit.models import AuditEntry
from eventmgr.calendar.models import Agenda, StarredItem
from eventmgr.checkin.models import Checkin, Scan
from eventmgr.digital.models import (
    Certificate,
    CertificateNotice,
    DigitalSettings,
    EventFeedback,
    ItemRating,
    ModeratorLink,
    QaBoard,
    Question,
    QuestionVote,
    Viewer,
    WatchTime,
)
from eventmgr.events.models import Event, StaffInvitation
from eventmgr.jobs.models import Job
from eventmgr.mail.models import OutboxMessage
from eventmgr.messages.models import Message, MessageSettings, SpeakerBrief
from eventmgr.networking.models import (
    Block,
    Delegation,
    DelegationMember,
    Meeting,
    MeetingAttendee,
    MeetingBooking,
    MeetingRequest,
    MeetingSlot,
    MeetingTable,
    NetworkingHost,
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
    "Certificate",
    "CertificateNotice",
    "Checkin",
    "Delegation",
    "DelegationMember",
    "DigitalSettings",
    "Event",
    "EventFeedback",
    "ItemRating",
    "Job",
    "Meeting",
    "MeetingAttendee",
    "MeetingBooking",
    "MeetingRequest",
    "MeetingSlot",
    "MeetingTable",
    "Message",
    "MessageSettings",
    "ModeratorLink",
    "NetworkingHost",
    "NetworkingSettings",
    "OutboxMessage",
    "Person",
    "Profile",
    "ProgrammeItem",
    "ProgrammeVersion",
    "QaBoard",
    "Question",
    "QuestionVote",
    "Registration",
    "RegistrationAnswer",
    "RegistrationHistory",
    "RevokedBadgeCode",
    "RoleAssignment",
    "Room",
    "Scan",
    "SpeakerBrief",
    "Sponsor",
    "StaffInvitation",
    "StarredItem",
    "User",
    "Viewer",
    "WatchTime",
]
