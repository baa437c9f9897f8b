"""Greedy baseline: heaviest request first, first free slot, smallest free table.

The table is of the request's kind (rule 3): a video room when one of its
people attends online, a physical table otherwise.

It is the yardstick the CP-SAT model must never fall below, the hint that
gives CP-SAT a solution from the first second, and the fallback if CP-SAT
finds nothing in time.
"""

from __future__ import annotations

import time
from collections import Counter

from .check import fixed_problems
from .instance import Instance, ensure_instance, solution_dict, trivial_bound


def seat_meetings(inst: Instance, sizes: dict[int, int], tables: list[int]) -> dict[int, int]:
    """Give each meeting {request: size} its own table, largest meeting first.

    All meetings and tables are of one kind (video rooms or physical tables).
    Each takes the smallest free table that fits; with per-seat-class counts
    respected (the model's Hall constraints) this never fails.
    """
    free = sorted(tables, key=lambda t: (inst.tables[t].seats, t))
    out: dict[int, int] = {}
    for r in sorted(sizes, key=lambda r: (-sizes[r], r)):
        table = next((t for t in free if inst.tables[t].seats >= sizes[r]), None)
        if table is None:
            raise RuntimeError(f'no table left for request "{inst.requests[r].id}"')
        free.remove(table)
        out[r] = table
    return out


class _Board:
    """Who and what is taken so far, to place meetings one by one."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.people: set[tuple[int, int]] = set()
        self.load: Counter[int] = Counter()
        self.placed: dict[int, tuple[int, int]] = {}
        # free video rooms or physical tables per slot, smallest first; emptied as meetings sit
        self.free = {
            (s, online): sorted(inst.tables_in_slot(s, online), key=lambda t: inst.tables[t].seats)
            for s in range(len(inst.slots))
            for online in (False, True)
        }

    def place(self, r: int, s: int, t: int) -> None:
        """Record request r at table t in slot s."""
        for p in self.inst.requests[r].participants:
            self.people.add((p, s))
            self.load[p] += 1
        self.free[s, self.inst.tables[t].online].remove(t)
        self.placed[r] = (s, t)

    def people_free(self, r: int, s: int) -> bool:
        """Are all of r's people free in s and under their cap?"""
        inst = self.inst
        return all(
            (p, s) not in self.people and self.load[p] < inst.participants[p].max_meetings
            for p in inst.requests[r].participants
        )

    def first_table(self, r: int, s: int) -> int | None:
        """The smallest free table of r's kind in s that seats request r."""
        req = self.inst.requests[r]
        return next((t for t in self.free[s, req.online] if req.fits(self.inst.tables[t])), None)


def _place_fixed(board: _Board) -> None:
    """Put fixed meetings first: pinned tables, then the rest largest first."""
    inst = board.inst
    for fix in inst.fixed:
        if fix.table is not None:
            board.place(fix.request, fix.slot, fix.table)
    for s in range(len(inst.slots)):
        for online in (False, True):
            sizes = {
                f.request: inst.requests[f.request].size
                for f in inst.fixed
                if f.slot == s and f.table is None and inst.requests[f.request].online == online
            }
            for r, t in seat_meetings(inst, sizes, inst.free_tables(s, online)).items():
                board.place(r, s, t)


def by_weight(inst: Instance) -> list[int]:
    """Request indices, heaviest first: the baseline's order."""
    return sorted(range(len(inst.requests)), key=lambda r: (-inst.requests[r].weight, r))


def greedy_placements(inst: Instance, order: list[int] | None = None) -> dict[int, tuple[int, int]]:
    """Greedy placements {request: (slot, table)} in `order` (default heaviest first).

    The fixed meetings must be feasible; they are placed before anything else.
    """
    board = _Board(inst)
    _place_fixed(board)
    slots = inst.candidates
    for r in by_weight(inst) if order is None else order:
        if r in board.placed:
            continue
        for s in slots[r]:
            table = board.first_table(r, s) if board.people_free(r, s) else None
            if table is not None:
                board.place(r, s, table)
                break
    return board.placed


def infeasible_solution(inst: Instance, seconds: float) -> dict:
    """The solution object for fixed meetings that break a rule."""
    return solution_dict(inst, "infeasible", {}, 0, seconds)


def greedy(instance: Instance | dict | str | bytes) -> dict:
    """Baseline schedule in the solution format, status "feasible" (or "infeasible")."""
    started = time.perf_counter()
    inst = ensure_instance(instance)
    if fixed_problems(inst):
        return infeasible_solution(inst, time.perf_counter() - started)
    placed = greedy_placements(inst)
    return solution_dict(
        inst, "feasible", placed, trivial_bound(inst), time.perf_counter() - started
    )
