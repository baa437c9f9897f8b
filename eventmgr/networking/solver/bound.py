"""The capacity relaxation: a proven upper bound, and which meetings to aim for.

Forget *when* meetings happen and keep only how many each person and each
pool of rooms can hold: every person meets at most `max_meetings` times and
at most once in each slot they could use; the meetings needing k or more
seats, in video rooms or at physical tables, do not outnumber the table-slots
with k or more seats of that kind. Any schedule keeps these limits, so the
best weight under them bounds every schedule.

Its LP is small (one column per request, whatever the number of slots) and
solves in about a second at 30,000 requests. When slots are plentiful, as at
a three-day partnering event, it is almost exact, and its choice of meetings
is what the greedy schedule should place first. When slots are scarce, the
CP-SAT slot model proves the tighter bound.

The bound is not read off the LP solver's floating-point objective: it is the
Lagrangian value of the LP's dual prices, rounded to integers and summed in
exact integer arithmetic. That value bounds the optimum for any non-negative
prices, so the bound holds even if the LP solve was inexact or stopped early.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from .instance import Instance

SCALE = 2**20  # dual prices are rounded to multiples of 1/SCALE before summing exactly
LP_SECONDS = 30.0  # a safety net: 30,000 requests take about 1.5 s


@dataclass(frozen=True)
class Relaxation:
    """A proven bound on the objective, and the LP's value for each request (0..1)."""

    bound: int
    value: list[float]

    def priority(self, inst: Instance) -> list[int]:
        """Requests in the order a greedy schedule should try them.

        The LP's choice first, those with the fewest possible slots first, as they
        are the hardest to place later; then the rest, heaviest first.
        """
        chosen = [r for r, v in enumerate(self.value) if v > 0.5]
        chosen.sort(key=lambda r: (len(inst.candidates[r]), -inst.requests[r].weight, r))
        rest = [r for r, v in enumerate(self.value) if v <= 0.5]
        rest.sort(key=lambda r: (-inst.requests[r].weight, r))
        return chosen + rest


@dataclass
class _Rows:
    """The relaxation's constraints: each a capacity and the requests it limits."""

    capacity: list[int]
    members: list[list[int]]

    def add(self, capacity: int, members: list[int]) -> None:
        """Keep a limit only if it can bind."""
        if len(members) > capacity:
            self.capacity.append(capacity)
            self.members.append(members)


def _person_rows(inst: Instance, rows: _Rows, placeable: list[int]) -> None:
    """Each person: at most max_meetings, and at most one meeting per usable slot."""
    requests_of: dict[int, list[int]] = defaultdict(list)
    slots_of: dict[int, set[int]] = defaultdict(set)
    for r in placeable:
        for p in inst.requests[r].participants:
            requests_of[p].append(r)
            slots_of[p].update(inst.candidates[r])
    for p, members in requests_of.items():
        rows.add(min(inst.participants[p].max_meetings, len(slots_of[p])), members)


def _room_rows(inst: Instance, rows: _Rows, placeable: list[int]) -> None:
    """Each kind of room and seat class k: meetings needing >= k seats <= such table-slots."""
    for online in (False, True):
        pool = [r for r in placeable if inst.requests[r].online == online]
        seats = [
            inst.tables[t].seats
            for s in range(len(inst.slots))
            for t in inst.tables_in_slot(s, online)
        ]
        for k in sorted({inst.requests[r].size for r in pool}):
            members = [r for r in pool if inst.requests[r].size >= k]
            rows.add(sum(1 for n in seats if n >= k), members)


def _solve_lp(
    inst: Instance, rows: _Rows, placeable: list[int], fixed: set[int]
) -> tuple[list[float], dict[int, float]]:
    """GLOP on the relaxation: (dual price per row, LP value per request)."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    lp.SetTimeLimit(int(LP_SECONDS * 1000))
    y = {r: lp.NumVar(1.0 if r in fixed else 0.0, 1.0, "") for r in placeable}
    constraints = [
        lp.Add(lp.Sum([y[r] for r in members]) <= capacity)
        for capacity, members in zip(rows.capacity, rows.members, strict=True)
    ]
    lp.Maximize(lp.Sum([inst.requests[r].weight * var for r, var in y.items()]))
    if lp.Solve() not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return [0.0] * len(constraints), {}
    return [c.dual_value() for c in constraints], {r: var.solution_value() for r, var in y.items()}


def _lagrangian(
    inst: Instance, rows: _Rows, prices: list[float], placeable: list[int], fixed: set[int]
) -> int:
    """The relaxation's Lagrangian value at these prices, times SCALE, in exact integers.

    For prices lambda >= 0 it is sum(lambda * capacity) plus, per request, the best
    of taking it or not at its reduced weight (a fixed request must be taken).
    """
    scaled = [max(0, round(price * SCALE)) for price in prices]
    reduced = {r: inst.requests[r].weight * SCALE for r in placeable}
    for price, members in zip(scaled, rows.members, strict=True):
        if price:
            for r in members:
                reduced[r] -= price
    total = sum(price * cap for price, cap in zip(scaled, rows.capacity, strict=True))
    return total + sum(w if (w > 0 or r in fixed) else 0 for r, w in reduced.items())


def relax(inst: Instance) -> Relaxation:
    """Solve the capacity relaxation: its proven bound and the LP's pick of requests."""
    placeable = [r for r, slots in enumerate(inst.candidates) if slots]
    fixed = {f.request for f in inst.fixed}
    rows = _Rows([], [])
    _person_rows(inst, rows, placeable)
    _room_rows(inst, rows, placeable)
    prices, values = _solve_lp(inst, rows, placeable, fixed)
    unit = math.gcd(*(inst.requests[r].weight for r in placeable)) or 1
    bound = _lagrangian(inst, rows, prices, placeable, fixed) // SCALE // unit * unit
    value = [values.get(r, 0.0) for r in range(len(inst.requests))]
    return Relaxation(bound, value)
