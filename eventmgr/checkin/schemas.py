"""Request and answer shapes of the door, shared by the API and the scanner page's JSON."""

from __future__ import annotations

from datetime import UTC

from marshmallow import RAISE, Schema, fields, validate

from eventmgr.checkin import services
from eventmgr.checkin.models import ACCEPTED, REASONS, REFUSED

_short = validate.Length(max=services.MAX_FIELD)


class ScanIn(Schema):
    """One scan. Any text is decided (garbage is `unknown`); a body of the wrong shape is 422."""

    class Meta:
        unknown = RAISE

    code = fields.String(required=True, validate=validate.Length(max=4096))
    nonce = fields.String(allow_none=True, validate=_short, metadata={"description": "Client id"})
    scanned_at = fields.AwareDateTime(allow_none=True, default_timezone=UTC)
    door = fields.String(allow_none=True, validate=_short)
    device = fields.String(allow_none=True, validate=_short)


class QueuedScan(ScanIn):
    nonce = fields.String(required=True, validate=validate.Length(min=1, max=services.MAX_FIELD))
    scanned_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    local_status = fields.String(
        allow_none=True,
        validate=validate.OneOf([ACCEPTED, REFUSED]),
        metadata={"description": "What the offline page showed."},
    )


class BatchIn(Schema):
    class Meta:
        unknown = RAISE

    scans = fields.List(
        fields.Nested(QueuedScan), required=True, validate=validate.Length(max=2000)
    )


class ManualIn(Schema):
    class Meta:
        unknown = RAISE

    registration_id = fields.Integer(required=True, strict=True)
    nonce = fields.String(allow_none=True, validate=_short)
    door = fields.String(allow_none=True, validate=_short)
    device = fields.String(allow_none=True, validate=_short)


class SearchArgs(Schema):
    q = fields.String(load_default="", validate=validate.Length(max=200))


class CheckinPerson(Schema):
    id = fields.Integer()
    name = fields.String()
    organisation = fields.String()
    role = fields.String()
    mode = fields.String()
    status = fields.String()


class FirstCheckin(Schema):
    at = fields.String(metadata={"format": "date-time"})
    door = fields.String()


class AnswerOut(Schema):
    status = fields.String(metadata={"enum": [ACCEPTED, REFUSED]})
    reason = fields.String(allow_none=True, metadata={"enum": list(REASONS)})
    registration = fields.Nested(CheckinPerson, allow_none=True)
    first_checkin = fields.Nested(FirstCheckin, allow_none=True)


def _limits(schema: type[Schema]) -> dict[str, tuple[bool, int]]:
    """Each plain string field of the schema: (may be null, longest length)."""
    limits = {}
    for name, field in schema._declared_fields.items():
        if type(field) is fields.String:
            longest = min(v.max for v in field.validators if isinstance(v, validate.Length))
            limits[name] = (field.allow_none, longest)
    return limits


_PLAIN = _limits(ScanIn)


def plain_scan(payload: dict) -> dict | None:
    """The body a scanner sends most (strings only, no time), checked against ScanIn's own
    field rules without marshmallow's machinery, which costs more than the rest of a scan's
    Python; None for anything else, which then goes through the schema (and its messages)."""
    if "code" not in payload:
        return None
    for name, value in payload.items():
        limit = _PLAIN.get(name)
        if limit is None:
            return None
        if value is None:
            if not limit[0]:
                return None
        elif type(value) is not str or len(value) > limit[1]:
            return None
    return payload


def scan_kwargs(data: dict) -> dict:
    return {
        "door": data.get("door") or "",
        "device": data.get("device") or "",
        "nonce": data.get("nonce"),
        "scanned_at": data.get("scanned_at"),
    }


class BatchResultItem(AnswerOut):
    nonce = fields.String()


class GotInTwice(Schema):
    registration = fields.Nested(CheckinPerson, allow_none=True)
    first_checkin = fields.Nested(FirstCheckin, allow_none=True)
    second = fields.Nested(FirstCheckin)


class BatchOut(Schema):
    results = fields.List(fields.Nested(BatchResultItem))
    accepted = fields.Integer()
    duplicates = fields.Integer()
    refused = fields.Integer()
    repeated = fields.Integer()
    got_in_twice = fields.List(fields.Nested(GotInTwice))


class SnapshotCode(Schema):
    name = fields.String()
    organisation = fields.String()
    role = fields.String()
    state = fields.String()
    checked_in = fields.Nested(FirstCheckin, allow_none=True)


class SnapshotOut(Schema):
    generated_at = fields.String(metadata={"format": "date-time"})
    codes = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(SnapshotCode),
        metadata={"description": "SHA-256 hex of each badge code"},
    )
    revoked = fields.List(fields.String(), metadata={"description": "SHA-256 hex"})


class SearchItem(CheckinPerson):
    state = fields.String()
    first_checkin = fields.Nested(FirstCheckin, allow_none=True)


class SearchOut(Schema):
    items = fields.List(fields.Nested(SearchItem))


class DoorFigures(Schema):
    door = fields.String()
    scans = fields.Integer()
    accepted = fields.Integer()
    checked_in = fields.Integer()


class Arrivals(Schema):
    start = fields.String(metadata={"format": "date-time"})
    count = fields.Integer()


class StatsOut(Schema):
    checked_in = fields.Integer()
    expected = fields.Integer()
    refused = fields.Dict(keys=fields.String(), values=fields.Integer())
    scans = fields.Integer()
    doors = fields.List(fields.Nested(DoorFigures))
    arrivals = fields.List(fields.Nested(Arrivals))
    got_in_twice = fields.Integer()
