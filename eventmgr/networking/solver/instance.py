"""Meeting-scheduling instances: typed dataclasses and strict validation.

The JSON contract lives in shared/formats/meeting-instance.md. Everything the
solver needs is checked here once, so the model code can trust its input and
every refusal names the entry that caused it.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

DEFAULT_SEATS = 4
SECTIONS = ("slots", "tables", "participants", "requests")


class InstanceError(ValueError):
    """Raised for input the format refuses; the message names the offending entry."""


@dataclass(frozen=True)
class Slot:
    """A meeting slot; slots are kept in time order by their list position."""

    id: str
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True)
class Table:
    """A table or, when `online`, a video room; `available` holds slot indices."""

    id: str
    seats: int
    available: frozenset[int]
    online: bool = False


@dataclass(frozen=True)
class Participant:
    """A person; `max_meetings` is already clipped to the number of slots."""

    id: str
    name: str
    available: frozenset[int]
    max_meetings: int
    online: bool = False


@dataclass(frozen=True)
class Request:
    """A candidate meeting; `participants` holds distinct participant indices.

    `online` is true when one of its people attends online: rule 3 then puts it
    in a video room, and otherwise at a physical table.
    """

    id: str
    participants: tuple[int, ...]
    weight: int
    online: bool = False

    @property
    def size(self) -> int:
        """Seats the meeting needs."""
        return len(self.participants)

    def fits(self, table: Table) -> bool:
        """Rules 2 and 3 for the table alone: enough seats, and the right kind of room."""
        return table.online == self.online and table.seats >= self.size


@dataclass(frozen=True)
class Fixed:
    """A meeting that must stay where it is; `table` None lets the solver choose."""

    request: int
    slot: int
    table: int | None


@dataclass
class Instance:
    """A validated instance, with ids replaced by list indices."""

    slots: list[Slot]
    tables: list[Table]
    participants: list[Participant]
    requests: list[Request]
    fixed: list[Fixed] = field(default_factory=list)

    def tables_in_slot(self, slot: int, online: bool) -> list[int]:
        """Indices of the video rooms (`online`) or physical tables usable in `slot`."""
        return [
            t
            for t, table in enumerate(self.tables)
            if table.online == online and slot in table.available
        ]

    def free_tables(self, slot: int, online: bool) -> list[int]:
        """Video rooms or physical tables usable in `slot` that no fixed meeting pins there."""
        taken = {f.table for f in self.fixed if f.slot == slot and f.table is not None}
        return [t for t in self.tables_in_slot(slot, online) if t not in taken]

    def requests_of(self) -> list[list[int]]:
        """For each participant, the indices of the requests naming them."""
        out: list[list[int]] = [[] for _ in self.participants]
        for r, req in enumerate(self.requests):
            for p in req.participants:
                out[p].append(r)
        return out

    def fixed_by_request(self) -> dict[int, Fixed]:
        """The fixed placement of each fixed request, by request index."""
        return {f.request: f for f in self.fixed}

    @cached_property
    def candidates(self) -> list[list[int]]:
        """Cached `candidate_slots`: greedy, model and bound all need it."""
        return candidate_slots(self)


def _where(section: str, index: int, entry: Any) -> str:
    """Name an entry the way error messages do: `requests[3] (id "r4")`."""
    if isinstance(entry, dict) and isinstance(entry.get("id"), str):
        return f'{section}[{index}] (id "{entry["id"]}")'
    return f"{section}[{index}]"


def _is_int(value: Any) -> bool:
    """True for JSON integers; bools and floats are refused on purpose."""
    return isinstance(value, int) and not isinstance(value, bool)


def _load(data: dict | str | bytes) -> dict:
    """Decode JSON text when needed and insist on a top-level object."""
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InstanceError(f"invalid JSON: not UTF-8 ({exc})") from exc
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise InstanceError(f"invalid JSON: {exc}") from exc
        except RecursionError as exc:
            raise InstanceError("invalid JSON: nested too deeply") from exc
    if not isinstance(data, dict):
        raise InstanceError("instance: expected a JSON object")
    return data


def _section(data: dict, name: str, required: bool = True) -> list:
    """Fetch a top-level list, refusing anything that is not a list of objects."""
    if name not in data or data[name] is None:
        if required:
            raise InstanceError(f'instance: missing "{name}"')
        return []
    entries = data[name]
    if not isinstance(entries, list):
        raise InstanceError(f'instance: "{name}" must be a list')
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise InstanceError(f"{name}[{i}]: expected an object")
    return entries


def _index_ids(name: str, entries: list[dict]) -> dict[str, int]:
    """Map ids to positions, refusing missing, non-string and repeated ids."""
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        ident = entry.get("id")
        if not isinstance(ident, str) or not ident:
            raise InstanceError(f'{name}[{i}]: "id" must be a non-empty string')
        if ident in seen:
            raise InstanceError(
                f'{_where(name, i, entry)}: duplicate id "{ident}" (also {name}[{seen[ident]}])'
            )
        seen[ident] = i
    return seen


def _slot_set(where: str, value: Any, slot_ids: dict[str, int]) -> frozenset[int]:
    """Resolve an `available` list; absent means every slot."""
    if value is None:
        return frozenset(slot_ids.values())
    if not isinstance(value, list):
        raise InstanceError(f'{where}: "available" must be a list of slot ids')
    out = set()
    for ident in value:
        if not isinstance(ident, str) or ident not in slot_ids:
            raise InstanceError(f"{where}: unknown slot {json.dumps(ident)}")
        out.add(slot_ids[ident])
    return frozenset(out)


def _optional_str(where: str, entry: dict, key: str) -> str | None:
    """Read an optional string field such as a slot's start time."""
    value = entry.get(key)
    if value is not None and not isinstance(value, str):
        raise InstanceError(f'{where}: "{key}" must be a string')
    return value


def _parse_slots(entries: list[dict]) -> list[Slot]:
    """Build slots; only their ids matter to the solver."""
    slots = []
    for i, entry in enumerate(entries):
        where = _where("slots", i, entry)
        start, end = _optional_str(where, entry, "start"), _optional_str(where, entry, "end")
        slots.append(Slot(entry["id"], start, end))
    return slots


def _online(where: str, entry: dict) -> bool:
    """Read `online`: absent means false; anything but a JSON boolean is refused."""
    value = entry.get("online", False)
    if not isinstance(value, bool):
        raise InstanceError(f'{where}: "online" must be true or false, got {value!r}')
    return value


def _parse_tables(entries: list[dict], slot_ids: dict[str, int]) -> list[Table]:
    """Build tables; seats default to 4 and must be a positive integer."""
    tables = []
    for i, entry in enumerate(entries):
        where = _where("tables", i, entry)
        seats = entry.get("seats", DEFAULT_SEATS)
        if not _is_int(seats) or seats < 1:
            raise InstanceError(f'{where}: "seats" must be a positive integer, got {seats!r}')
        available = _slot_set(where, entry.get("available"), slot_ids)
        tables.append(Table(entry["id"], seats, available, _online(where, entry)))
    return tables


def _parse_participants(entries: list[dict], slot_ids: dict[str, int]) -> list[Participant]:
    """Build participants; a missing cap means no cap beyond the number of slots."""
    people = []
    for i, entry in enumerate(entries):
        where = _where("participants", i, entry)
        name = _optional_str(where, entry, "name") or ""
        cap = entry.get("max_meetings")
        if cap is None:
            cap = len(slot_ids)
        elif not _is_int(cap) or cap < 0:
            raise InstanceError(
                f'{where}: "max_meetings" must be a non-negative integer, got {cap!r}'
            )
        available = _slot_set(where, entry.get("available"), slot_ids)
        cap = min(cap, len(slot_ids))
        people.append(Participant(entry["id"], name, available, cap, _online(where, entry)))
    return people


def _request_people(where: str, value: Any, person_ids: dict[str, int]) -> tuple[int, ...]:
    """Resolve a request's people, dropping repeats and needing two distinct ones."""
    if not isinstance(value, list):
        raise InstanceError(f'{where}: "participants" must be a list of participant ids')
    people: list[int] = []
    for ident in value:
        if not isinstance(ident, str) or ident not in person_ids:
            raise InstanceError(f"{where}: unknown participant {json.dumps(ident)}")
        if person_ids[ident] not in people:
            people.append(person_ids[ident])
    if len(people) < 2:
        raise InstanceError(f"{where}: needs at least two distinct participants")
    return tuple(people)


def _parse_requests(
    entries: list[dict], person_ids: dict[str, int], people: list[Participant]
) -> list[Request]:
    """Build requests; the weight must be a positive JSON integer."""
    requests = []
    for i, entry in enumerate(entries):
        where = _where("requests", i, entry)
        members = _request_people(where, entry.get("participants"), person_ids)
        weight = entry.get("weight")
        if not _is_int(weight) or weight < 1:
            raise InstanceError(f'{where}: "weight" must be a positive integer, got {weight!r}')
        online = any(people[p].online for p in members)
        requests.append(Request(entry["id"], members, weight, online))
    return requests


def _lookup(where: str, entry: dict, key: str, ids: dict[str, int], what: str) -> int:
    """Resolve one id field of a fixed meeting."""
    ident = entry.get(key)
    if not isinstance(ident, str) or ident not in ids:
        raise InstanceError(f"{where}: unknown {what} {json.dumps(ident)}")
    return ids[ident]


def _parse_fixed(entries: list[dict], ids: dict[str, dict[str, int]]) -> list[Fixed]:
    """Build fixed meetings; a request may be fixed only once."""
    fixed: list[Fixed] = []
    first: dict[int, int] = {}
    for i, entry in enumerate(entries):
        where = f"fixed[{i}]"
        if isinstance(entry.get("request"), str):
            where += f' (request "{entry["request"]}")'
        request = _lookup(where, entry, "request", ids["requests"], "request")
        if request in first:
            raise InstanceError(f"{where}: request already fixed by fixed[{first[request]}]")
        first[request] = i
        slot = _lookup(where, entry, "slot", ids["slots"], "slot")
        table = None
        if entry.get("table") is not None:
            table = _lookup(where, entry, "table", ids["tables"], "table")
        fixed.append(Fixed(request, slot, table))
    return fixed


def parse_instance(data: dict | str | bytes) -> Instance:
    """Validate an instance (a dict or JSON text) and return it typed and indexed."""
    raw = _load(data)
    sections = {name: _section(raw, name) for name in SECTIONS}
    ids = {name: _index_ids(name, entries) for name, entries in sections.items()}
    slot_ids = ids["slots"]
    slots = _parse_slots(sections["slots"])
    tables = _parse_tables(sections["tables"], slot_ids)
    people = _parse_participants(sections["participants"], slot_ids)
    return Instance(
        slots=slots,
        tables=tables,
        participants=people,
        requests=_parse_requests(sections["requests"], ids["participants"], people),
        fixed=_parse_fixed(_section(raw, "fixed", required=False), ids),
    )


def ensure_instance(instance: Instance | dict | str | bytes) -> Instance:
    """Accept either a parsed instance or anything `parse_instance` takes."""
    if isinstance(instance, Instance):
        return instance
    return parse_instance(instance)


def _fixed_usage(inst: Instance) -> tuple[dict[int, set[int]], Counter[int]]:
    """Slots each person already spends in fixed meetings, and how many."""
    busy: dict[int, set[int]] = defaultdict(set)
    load: Counter[int] = Counter()
    for fix in inst.fixed:
        for p in inst.requests[fix.request].participants:
            busy[p].add(fix.slot)
            load[p] += 1
    return busy, load


def candidate_slots(inst: Instance) -> list[list[int]]:
    """For each request, the slots it could still take given the fixed meetings.

    A slot survives only if every participant is available and not already in a
    fixed meeting there, nobody's cap is used up by fixed meetings, and some free
    table of the request's kind (rule 3: a video room exactly when someone attends
    online) is big enough. Fixed requests keep exactly their own slot.
    """
    busy, load = _fixed_usage(inst)
    biggest = {
        (s, online): max((inst.tables[t].seats for t in inst.free_tables(s, online)), default=0)
        for s in range(len(inst.slots))
        for online in (False, True)
    }
    fixed = inst.fixed_by_request()
    out: list[list[int]] = []
    for r, req in enumerate(inst.requests):
        if r in fixed:
            out.append([fixed[r].slot])
            continue
        people = [inst.participants[p] for p in req.participants]
        if any(load[p] >= inst.participants[p].max_meetings for p in req.participants):
            out.append([])
            continue
        common = frozenset.intersection(*(person.available for person in people))
        blocked = set().union(*(busy[p] for p in req.participants))
        out.append([s for s in sorted(common - blocked) if biggest[s, req.online] >= req.size])
    return out


def trivial_bound(inst: Instance) -> int:
    """An upper bound on the objective: the weight of every placeable request."""
    options = inst.candidates
    return sum(req.weight for req, slots in zip(inst.requests, options, strict=True) if slots)


def solution_dict(
    inst: Instance,
    status: str,
    placed: dict[int, tuple[int, int]],
    bound: int,
    seconds: float,
) -> dict:
    """Render placements {request: (slot, table)} as the format's solution object."""
    order = sorted(placed.items(), key=lambda item: (item[1][0], item[1][1], item[0]))
    objective = sum(inst.requests[r].weight for r in placed)
    return {
        "status": status,
        "objective": objective,
        "bound": max(bound, objective),
        "meetings": [
            {"request": inst.requests[r].id, "slot": inst.slots[s].id, "table": inst.tables[t].id}
            for r, (s, t) in order
        ],
        "unscheduled": [req.id for r, req in enumerate(inst.requests) if r not in placed],
        "solve_seconds": round(seconds, 3),
    }
