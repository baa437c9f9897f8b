"""Independent checks of solutions and of the fixed meetings.

`check_solution` re-derives every rule of the format from the raw solution
dict, so tests and operators can trust a schedule without trusting the solver.
`fixed_problems` decides up front whether the fixed meetings alone are
possible, which is exactly when the instance is feasible (an empty schedule
plus the fixed meetings is always a candidate).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from .instance import Instance, ensure_instance

STATUSES = ("optimal", "feasible", "infeasible")


def sizes_fit(sizes: list[int], seats: list[int]) -> bool:
    """Can meetings of these sizes sit at distinct tables with these seats?

    Pairing the largest meeting with the largest table is optimal for nested
    "needs at least k seats" demands, so a sorted comparison decides it.
    """
    if len(sizes) > len(seats):
        return False
    have = sorted(seats, reverse=True)[: len(sizes)]
    need = sorted(sizes, reverse=True)
    return all(n <= h for n, h in zip(need, have, strict=True))


def _fixed_people(inst: Instance) -> list[str]:
    """Rules 1 and 4 for the fixed meetings alone."""
    problems = []
    busy: dict[tuple[int, int], int] = {}
    load: Counter[int] = Counter()
    for i, fix in enumerate(inst.fixed):
        req = inst.requests[fix.request]
        slot = inst.slots[fix.slot].id
        for p in req.participants:
            person = inst.participants[p]
            if fix.slot not in person.available:
                problems.append(f'fixed[{i}]: participant "{person.id}" not available in "{slot}"')
            if (p, fix.slot) in busy:
                problems.append(
                    f'fixed[{i}]: participant "{person.id}" already meets in "{slot}" '
                    f"(fixed[{busy[p, fix.slot]}])"
                )
            busy[p, fix.slot] = i
            load[p] += 1
    for p, count in sorted(load.items()):
        person = inst.participants[p]
        if count > person.max_meetings:
            problems.append(
                f'fixed: participant "{person.id}" has {count} fixed meetings, '
                f"max_meetings is {person.max_meetings}"
            )
    return problems


def _room_kind(inst: Instance, r: int, t: int) -> list[str]:
    """Rule 3 for request r at table t, derived from the people, not from `Request.online`."""
    table = inst.tables[t]
    people = (inst.participants[p] for p in inst.requests[r].participants)
    remote = [person.id for person in people if person.online]
    if remote and not table.online:
        return [f'participant "{remote[0]}" attends online but "{table.id}" is a physical table']
    if table.online and not remote:
        return [f'everyone attends on site but "{table.id}" is a video room']
    return []


def _fixed_tables(inst: Instance) -> list[str]:
    """Rules 2 and 3 for the fixed meetings alone, including tables still to choose."""
    problems = []
    pinned: dict[tuple[int, int], int] = {}
    unpinned: dict[tuple[int, bool], list[int]] = defaultdict(list)
    for i, fix in enumerate(inst.fixed):
        req = inst.requests[fix.request]
        slot = inst.slots[fix.slot].id
        if fix.table is None:
            unpinned[fix.slot, req.online].append(req.size)
            continue
        table = inst.tables[fix.table]
        if fix.slot not in table.available:
            problems.append(f'fixed[{i}]: table "{table.id}" not available in "{slot}"')
        if req.size > table.seats:
            problems.append(f'fixed[{i}]: {req.size} people do not fit table "{table.id}"')
        problems += [f"fixed[{i}]: {p}" for p in _room_kind(inst, fix.request, fix.table)]
        if (fix.table, fix.slot) in pinned:
            problems.append(
                f'fixed[{i}]: table "{table.id}" already used in "{slot}" '
                f"(fixed[{pinned[fix.table, fix.slot]}])"
            )
        pinned[fix.table, fix.slot] = i
    for (s, online), sizes in sorted(unpinned.items()):
        seats = [inst.tables[t].seats for t in inst.free_tables(s, online)]
        if not sizes_fit(sizes, seats):
            kind = "video rooms" if online else "tables"
            problems.append(f'fixed: not enough free {kind} in "{inst.slots[s].id}"')
    return problems


def fixed_problems(instance: Instance | dict | str | bytes) -> list[str]:
    """Every rule the fixed meetings break on their own (empty = feasible)."""
    inst = ensure_instance(instance)
    return _fixed_people(inst) + _fixed_tables(inst)


class _Ids:
    """Id-to-index lookups used while reading a raw solution."""

    def __init__(self, inst: Instance) -> None:
        self.request = {r.id: i for i, r in enumerate(inst.requests)}
        self.slot = {s.id: i for i, s in enumerate(inst.slots)}
        self.table = {t.id: i for i, t in enumerate(inst.tables)}


def _read_meetings(inst: Instance, meetings: Any, errors: list[str]) -> list[tuple[int, int, int]]:
    """Resolve meeting rows to (request, slot, table) indices, reporting bad rows."""
    if not isinstance(meetings, list):
        errors.append('"meetings" must be a list')
        return []
    ids = _Ids(inst)
    rows = []
    seen: dict[int, int] = {}
    for i, row in enumerate(meetings):
        if not isinstance(row, dict):
            errors.append(f"meetings[{i}]: expected an object")
            continue
        keys = (row.get("request"), row.get("slot"), row.get("table"))
        lookups = (ids.request, ids.slot, ids.table)
        where = f'meetings[{i}] (request "{keys[0]}")'
        pairs = list(zip(keys, lookups, strict=True))
        missing = [k for k, table in pairs if not isinstance(k, str) or k not in table]
        if missing:
            errors.append(f"{where}: unknown {', '.join(map(str, missing))}")
            continue
        r, s, t = (table[k] for k, table in pairs)
        if r in seen:
            errors.append(f"{where}: request scheduled twice (also meetings[{seen[r]}])")
            continue
        seen[r] = i
        rows.append((r, s, t))
    return rows


def _check_people(inst: Instance, rows: list[tuple[int, int, int]]) -> list[str]:
    """Rules 1 and 4: one meeting per person and slot, availability, caps."""
    errors = []
    busy: set[tuple[int, int]] = set()
    load: Counter[int] = Counter()
    for r, s, _ in rows:
        for p in inst.requests[r].participants:
            person, slot = inst.participants[p], inst.slots[s].id
            where = f'request "{inst.requests[r].id}"'
            if s not in person.available:
                errors.append(f'{where}: participant "{person.id}" not available in "{slot}"')
            if (p, s) in busy:
                errors.append(f'{where}: participant "{person.id}" double-booked in "{slot}"')
            busy.add((p, s))
            load[p] += 1
    for p, count in sorted(load.items()):
        person = inst.participants[p]
        if count > person.max_meetings:
            errors.append(
                f'participant "{person.id}": {count} meetings, max_meetings {person.max_meetings}'
            )
    return errors


def _check_tables(inst: Instance, rows: list[tuple[int, int, int]]) -> list[str]:
    """Rules 2 and 3: one meeting per table and slot, availability, seats, kind of room."""
    errors = []
    used: set[tuple[int, int]] = set()
    for r, s, t in rows:
        table, slot, req = inst.tables[t], inst.slots[s].id, inst.requests[r]
        where = f'request "{req.id}"'
        if s not in table.available:
            errors.append(f'{where}: table "{table.id}" not available in "{slot}"')
        if req.size > table.seats:
            errors.append(f'{where}: {req.size} people exceed {table.seats} seats of "{table.id}"')
        if (t, s) in used:
            errors.append(f'{where}: table "{table.id}" double-booked in "{slot}"')
        used.add((t, s))
        errors += [f"{where}: {problem}" for problem in _room_kind(inst, r, t)]
    return errors


def _check_fixed(inst: Instance, rows: list[tuple[int, int, int]]) -> list[str]:
    """Rule 5: every fixed meeting appears as given."""
    placed = {r: (s, t) for r, s, t in rows}
    errors = []
    for i, fix in enumerate(inst.fixed):
        got = placed.get(fix.request)
        rid = inst.requests[fix.request].id
        if got is None:
            errors.append(f'fixed[{i}]: request "{rid}" not scheduled')
        elif got[0] != fix.slot or (fix.table is not None and got[1] != fix.table):
            errors.append(f'fixed[{i}]: request "{rid}" moved')
    return errors


def _check_totals(inst: Instance, sol: dict, rows: list[tuple[int, int, int]]) -> list[str]:
    """Objective, bound, status and the unscheduled list agree with the meetings."""
    errors = []
    weight = sum(inst.requests[r].weight for r, _, _ in rows)
    objective, bound = sol.get("objective"), sol.get("bound")
    if objective != weight:
        errors.append(f"objective {objective!r} is not the scheduled weight {weight}")
    if not isinstance(bound, int) or isinstance(bound, bool) or bound < weight:
        errors.append(f"bound {bound!r} is below the scheduled weight {weight}")
    elif sol.get("status") == "optimal" and bound != weight:
        errors.append(f"status optimal but bound {bound} differs from objective {weight}")
    placed = {inst.requests[r].id for r, _, _ in rows}
    expected = [r.id for r in inst.requests if r.id not in placed]
    unscheduled = sol.get("unscheduled")
    if not isinstance(unscheduled, list) or sorted(map(str, unscheduled)) != sorted(expected):
        errors.append("unscheduled does not list exactly the requests not placed")
    seconds = sol.get("solve_seconds")
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
        errors.append(f"solve_seconds {seconds!r} is not a non-negative number")
    return errors


def check_solution(instance: Instance | dict | str | bytes, solution: dict) -> list[str]:
    """Every rule of the format that `solution` breaks for `instance` (empty = valid).

    Optimality itself cannot be re-proved here; only its consistency with the bound.
    An `infeasible` solution must have no meetings, and then rule 5 is not checked.
    """
    inst = ensure_instance(instance)
    if not isinstance(solution, dict):
        return ["solution must be a JSON object"]
    errors: list[str] = []
    status = solution.get("status")
    if status not in STATUSES:
        errors.append(f"status {status!r} is not one of {', '.join(STATUSES)}")
    rows = _read_meetings(inst, solution.get("meetings"), errors)
    if status == "infeasible" and rows:
        errors.append("status infeasible but meetings were scheduled")
    errors += _check_people(inst, rows) + _check_tables(inst, rows)
    if status != "infeasible":
        errors += _check_fixed(inst, rows)
    return errors + _check_totals(inst, solution, rows)
