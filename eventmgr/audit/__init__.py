"""The audit log: who did what to which record, for organiser, door and administrator actions."""

from eventmgr.audit.services import record, redact

__all__ = ["record", "redact"]
