"""CP-SAT model: choose a slot for each request, then seat the meetings.

The model only decides x[r, s] (request r meets in slot s). Tables are
handled by per-slot seat-class counts: the meetings needing at least k seats
may not outnumber the free tables with at least k seats. For such nested
demands that Hall-type condition is also sufficient, so tables are assigned
afterwards, largest meeting first, without search. That keeps the model small
enough for CP-SAT to prove optimality at conference scale.

The objective is lexicographic. CP-SAT maximises the total weight (this is
what `status` and `bound` are about); then `polish` trades meetings of equal
weight for fairness (more people with a meeting, fewer people with many), so
fairness can never cost weight. The same local search first improves the
greedy schedule that CP-SAT gets as its hint.

Before any of that, the capacity relaxation (bound.py) gives a proven bound
and the meetings worth placing first. When the hint reaches that bound it is
optimal and CP-SAT is skipped; when the slot model would be too big to build
and search in the time (a three-day partnering event has over a million
request-slot pairs), the hint is the answer and the relaxation its bound.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .bound import Relaxation, relax
from .check import fixed_problems
from .greedy import greedy_placements, infeasible_solution, seat_meetings
from .instance import Instance, ensure_instance, solution_dict, trivial_bound
from .polish import polish

HINT_SHARE = 0.1  # at most this share of the time limit polishes the hint
MIN_SOLVE_SECONDS = 0.05
# Above this many request-slot pairs the slot model is not built. The 2,000-person,
# 8-slot benchmark has 64,000 (peak 0.6 GB); a 5,000-person three-day event 1.16
# million: building took 17 s, and 120 s of CP-SAT (2 cores, no hint) found nothing
# better than the empty schedule while the process grew to 7.6 GB (2026-12-04).
MAX_SLOT_VARIABLES = 300_000


@dataclass
class SlotModel:
    """The CP-SAT model with its decision variables and weight expression."""

    inst: Instance
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    weight: cp_model.LinearExprT = 0  # total weight divided by `unit`
    unit: int = 1  # gcd of the weights; dividing by it lets bounds round to real values

    def by_person(self) -> dict[int, list[cp_model.IntVar]]:
        """All variables that put each participant in a meeting."""
        out: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for (r, _), var in self.x.items():
            for p in self.inst.requests[r].participants:
                out[p].append(var)
        return out


def _add_people(sm: SlotModel) -> None:
    """One meeting per person and slot; at most max_meetings per person."""
    per_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for (r, s), var in sm.x.items():
        for p in sm.inst.requests[r].participants:
            per_slot[p, s].append(var)
    for group in per_slot.values():
        if len(group) > 1:
            sm.model.add_at_most_one(group)
    for p, group in sm.by_person().items():
        cap = sm.inst.participants[p].max_meetings
        if len(group) > cap:
            sm.model.add(sum(group) <= cap)


def _add_tables(sm: SlotModel) -> None:
    """Per slot, kind of room and seat class k: meetings needing >= k seats <= such tables.

    Rule 3 splits every slot into two independent pools, video rooms for
    meetings with someone online and physical tables for the rest, so the
    counts are per pool and no variable is needed for the choice of room.
    """
    inst = sm.inst
    pinned = {(f.request, f.slot) for f in inst.fixed if f.table is not None}
    per_pool: dict[tuple[int, bool], list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    for (r, s), var in sm.x.items():
        if (r, s) not in pinned:
            per_pool[s, inst.requests[r].online].append((inst.requests[r].size, var))
    for (s, online), group in per_pool.items():
        seats = [inst.tables[t].seats for t in inst.free_tables(s, online)]
        for k in sorted({size for size, _ in group}):
            needing = [var for size, var in group if size >= k]
            room = sum(1 for n in seats if n >= k)
            if len(needing) > room:
                sm.model.add(sum(needing) <= room)


def build_model(inst: Instance) -> SlotModel:
    """Variables only where a meeting could happen, plus every rule as constraints."""
    sm = SlotModel(inst)
    fixed = inst.fixed_by_request()
    for r, options in enumerate(inst.candidates):
        choices = [sm.model.new_bool_var(f"x_{r}_{s}") for s in options]
        sm.x.update(zip(((r, s) for s in options), choices, strict=True))
        if len(choices) > 1:
            sm.model.add_at_most_one(choices)
        if r in fixed:
            sm.model.add(choices[0] == 1)
    _add_people(sm)
    _add_tables(sm)
    weights = [inst.requests[r].weight for r, _ in sm.x]
    sm.unit = math.gcd(*weights) or 1
    sm.weight = cp_model.LinearExpr.weighted_sum(
        list(sm.x.values()), [w // sm.unit for w in weights]
    )
    return sm


def _hint(sm: SlotModel, slots: dict[int, int]) -> None:
    """Hint a complete solution {request: slot} so CP-SAT starts from a valid schedule."""
    chosen = set(slots.items())
    for key, var in sm.x.items():
        sm.model.add_hint(var, key in chosen)


def _solver(seconds: float, workers: int) -> cp_model.CpSolver:
    """A CP-SAT solver with a fixed seed so reruns behave alike.

    The full-problem worker is `max_lp`: its LP (all constraints, with cuts)
    reaches the optimal bound here within a couple of seconds, where the default
    LP worker often fails to close the gap at all on 2 cores. Presolve is off:
    the model is already pruned, and presolve cost more time than it saved
    (measured at 300 people / 1,500 requests: about 2 s instead of 3-8 s).
    """
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, MIN_SOLVE_SECONDS)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = 0
    solver.parameters.subsolvers.append("max_lp")
    solver.parameters.cp_model_presolve = False
    return solver


def _slots_chosen(sm: SlotModel, solver: cp_model.CpSolver) -> dict[int, int]:
    """The slot of every request the solver scheduled."""
    return {r: s for (r, s), var in sm.x.items() if solver.boolean_value(var)}


def seat_all(inst: Instance, slots: dict[int, int]) -> dict[int, tuple[int, int]]:
    """Turn {request: slot} into {request: (slot, table)}, keeping pinned tables.

    Each pool (slot, online) is seated on its own: video rooms or physical tables.
    """
    pinned = {f.request: f.table for f in inst.fixed if f.table is not None}
    placed = {r: (s, pinned[r]) for r, s in slots.items() if r in pinned}
    pools: dict[tuple[int, bool], dict[int, int]] = defaultdict(dict)
    for r, s in slots.items():
        if r not in pinned:
            pools[s, inst.requests[r].online][r] = inst.requests[r].size
    for (s, online), sizes in sorted(pools.items()):
        for r, t in seat_meetings(inst, sizes, inst.free_tables(s, online)).items():
            placed[r] = (s, t)
    return placed


def _weight(inst: Instance, slots: dict[int, int]) -> int:
    """Objective value of a {request: slot} assignment."""
    return sum(inst.requests[r].weight for r in slots)


class _Clock:
    """Time left of the caller's budget, keeping a little back for seating and output."""

    def __init__(self, limit: float) -> None:
        self.started = time.perf_counter()
        self.limit = limit
        self.reserve = min(1.0, 0.03 * limit)

    def elapsed(self) -> float:
        """Seconds since the solve started."""
        return time.perf_counter() - self.started

    def left(self) -> float:
        """Seconds CP-SAT may still use."""
        return self.limit - self.reserve - self.elapsed()

    def deadline(self, share: float = 1.0) -> float:
        """perf_counter() value when `share` of the budget is used up."""
        return self.started + share * (self.limit - self.reserve)


def _proven_bound(sm: SlotModel, solver: cp_model.CpSolver, status: int, known: int) -> int:
    """CP-SAT's proven bound on the weight, never looser than the one `known` already.

    Only a search that got somewhere has one: stopped before its first solution
    (status UNKNOWN), CP-SAT reports a bound of 0, which proves nothing.
    """
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return known
    if not math.isfinite(solver.best_objective_bound):
        return known
    return min(known, math.floor(solver.best_objective_bound + 1e-6) * sm.unit)


def _hint_slots(inst: Instance, relaxation: Relaxation, clock: _Clock) -> dict[int, int]:
    """Greedy schedule in the relaxation's order, improved by local search."""
    placed = greedy_placements(inst, relaxation.priority(inst))
    slots = {r: s for r, (s, _) in placed.items()}
    return polish(inst, slots, deadline=clock.deadline(HINT_SHARE))


def slot_variables(inst: Instance) -> int:
    """Request-slot pairs the slot model would need: its size."""
    return sum(len(slots) for slots in inst.candidates)


def _run_cp_sat(
    inst: Instance, hint: dict[int, int], bound: int, clock: _Clock, workers: int
) -> tuple[str, dict[int, int], int]:
    """Maximise weight below the known `bound`; returns (status, {request: slot}, bound).

    Capping the objective at the relaxation's bound costs nothing and lets CP-SAT
    stop as soon as it finds a schedule that reaches it.
    """
    sm = build_model(inst)
    sm.model.add(sm.weight <= bound // sm.unit)
    sm.model.maximize(sm.weight)
    _hint(sm, hint)
    solver = _solver(clock.left(), workers)
    status = solver.solve(sm.model)
    if status == cp_model.INFEASIBLE:
        return "infeasible", {}, 0
    bound = _proven_bound(sm, solver, status, bound)
    if status == cp_model.OPTIMAL:
        return "optimal", _slots_chosen(sm, solver), bound
    found = _slots_chosen(sm, solver) if status == cp_model.FEASIBLE else {}
    if _weight(inst, found) < _weight(inst, hint):
        found = hint
    return "feasible", found, bound


def _improve(
    inst: Instance, hint: dict[int, int], bound: int, clock: _Clock, workers: int
) -> tuple[str, dict[int, int], int]:
    """CP-SAT from the hint, unless the hint is already optimal or the model too big."""
    if _weight(inst, hint) >= bound:
        return "optimal", hint, bound
    if slot_variables(inst) > MAX_SLOT_VARIABLES:
        return "feasible", hint, bound
    return _run_cp_sat(inst, hint, bound, clock, workers)


def solve(
    instance: Instance | dict | str | bytes, time_limit: float = 10.0, workers: int = 2
) -> dict:
    """Best schedule found within `time_limit` seconds, in the solution format."""
    clock = _Clock(time_limit)
    inst = ensure_instance(instance)
    if fixed_problems(inst):
        return infeasible_solution(inst, clock.elapsed())
    relaxation = relax(inst)
    bound = min(relaxation.bound, trivial_bound(inst))
    hint = _hint_slots(inst, relaxation, clock)
    status, slots, bound = _improve(inst, hint, bound, clock, workers)
    if status == "infeasible":
        return infeasible_solution(inst, clock.elapsed())
    slots = polish(inst, slots, deadline=clock.deadline())
    if _weight(inst, slots) == bound:
        status = "optimal"  # local search closed the gap CP-SAT left open
    placed = seat_all(inst, slots)
    return solution_dict(inst, status, placed, bound, clock.elapsed())
