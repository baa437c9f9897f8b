"""Local search on slot assignments: never lose weight, gain weight or fairness.

Moves put an unscheduled request into a slot, evicting at most one meeting
that is not fixed: the one sharing a person with it, or, in a slot whose
tables are all taken, the cheapest meeting whose table it can use. A move is
taken when it raises the total weight, or keeps it and raises fairness (more
people with a meeting first, then a smaller sum of c(c-1)/2 over people with
c meetings). Every accepted move strictly raises (weight, fairness)
lexicographically, so the search ends.

Run on the greedy schedule it gives CP-SAT a better hint; run on CP-SAT's
schedule it is the fairness step: it cannot touch an optimal weight, it only
trades meetings of equal weight. In tests CP-SAT given fairness as a second
objective found almost nothing in seconds, while these swaps are cheap.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections import Counter, defaultdict

from .greedy import by_weight
from .instance import Instance

COVER = 10**6  # one more person with a meeting outweighs any load penalty


def _score(count: int) -> int:
    """Fairness of one person with `count` meetings (concave: evens loads out)."""
    return (COVER if count else 0) - count * (count - 1) // 2


Pool = tuple[int, bool]  # (slot, online): meetings that compete for the same tables


class _State:
    """A slot assignment with the indexes moves need.

    Tables are counted per pool: a meeting with someone online only competes
    for the slot's video rooms, an all-on-site one only for its physical tables.
    """

    def __init__(self, inst: Instance, slots: dict[int, int]) -> None:
        self.inst = inst
        self.slots: dict[int, int] = {}
        self.fixed = {f.request for f in inst.fixed}
        self.pinned = {f.request for f in inst.fixed if f.table is not None}
        self.who: dict[tuple[int, int], int] = {}
        self.load: Counter[int] = Counter()
        self.members: dict[Pool, set[int]] = defaultdict(set)  # evictable meetings
        self.sizes: dict[Pool, Counter[int]] = defaultdict(Counter)  # unpinned meetings only
        self.seats = {  # ascending, to count the tables with at least k seats by bisection
            (s, online): sorted(inst.tables[t].seats for t in inst.free_tables(s, online))
            for s in range(len(inst.slots))
            for online in (False, True)
        }
        for r, s in slots.items():
            self._add(r, s)

    def _pool(self, r: int, s: int) -> Pool:
        """The tables request r competes for in slot s."""
        return s, self.inst.requests[r].online

    def _add(self, r: int, s: int) -> None:
        """Book request r in slot s."""
        req = self.inst.requests[r]
        for p in req.participants:
            self.who[p, s] = r
            self.load[p] += 1
        if r not in self.pinned:
            self.sizes[self._pool(r, s)][req.size] += 1
        if r not in self.fixed:
            self.members[self._pool(r, s)].add(r)
        self.slots[r] = s

    def _remove(self, r: int) -> None:
        """Unbook request r (never a fixed one)."""
        req, s = self.inst.requests[r], self.slots.pop(r)
        for p in req.participants:
            del self.who[p, s]
            self.load[p] -= 1
        self.sizes[self._pool(r, s)][req.size] -= 1
        self.members[self._pool(r, s)].discard(r)

    def _fits(self, pool: Pool, out_size: int | None, add_size: int) -> bool:
        """Would the pool's unpinned meetings fit its tables after this swap of sizes?

        `out_size` is the size of a meeting leaving the pool (None: none leaves).
        For nested "at least k seats" demands it is enough that, for each size k
        present, the meetings needing k or more do not outnumber such tables.
        """
        sizes = self.sizes[pool].copy()
        if out_size is not None:
            sizes[out_size] -= 1
        sizes[add_size] += 1
        seats, needing = self.seats[pool], 0
        for k in sorted(sizes, reverse=True):
            needing += sizes[k]
            if needing > len(seats) - bisect_left(seats, k):
                return False
        return True

    def _fairness_gain(self, out: int | None, add: int) -> int:
        """Change in total fairness if `out` leaves and `add` joins."""
        delta: Counter[int] = Counter(self.inst.requests[add].participants)
        if out is not None:
            delta.subtract(self.inst.requests[out].participants)
        return sum(_score(self.load[p] + d) - _score(self.load[p]) for p, d in delta.items() if d)

    def _person_blocker(self, r: int, s: int) -> tuple[bool, int | None]:
        """The single evictable meeting sharing a person with r in s, if r can go there."""
        reqs = self.inst.requests
        blockers = {self.who[p, s] for p in reqs[r].participants if (p, s) in self.who}
        if len(blockers) > 1 or blockers & self.fixed:
            return False, None
        return True, next(iter(blockers), None)

    def _table_blocker(self, r: int, s: int) -> int | None:
        """The cheapest meeting in a full pool whose table r could take instead.

        Lightest first, then the swap that is fairest, then the lowest index.
        """
        reqs, pool = self.inst.requests, self._pool(r, s)
        frees: dict[int, bool] = {}  # by size of the meeting that would leave

        def usable(e: int) -> bool:
            size = reqs[e].size
            if size not in frees:
                frees[size] = self._fits(pool, size, reqs[r].size)
            return frees[size]

        weight = reqs[r].weight
        options = [e for e in self.members[pool] if reqs[e].weight <= weight and usable(e)]
        if not options:
            return None
        lightest = min(reqs[e].weight for e in options)
        return min(
            (e for e in options if reqs[e].weight == lightest),
            key=lambda e: (-self._fairness_gain(e, r), e),
        )

    def _under_caps(self, r: int, out: int | None) -> bool:
        """Can r's people take one more meeting each, counting `out` leaving?"""
        reqs = self.inst.requests
        leaving = set(reqs[out].participants) if out is not None else set()
        return all(
            p in leaving or self.load[p] < self.inst.participants[p].max_meetings
            for p in reqs[r].participants
        )

    def _worth_it(self, r: int, out: int | None) -> bool:
        """Does swapping `out` for r raise (weight, fairness)?"""
        reqs = self.inst.requests
        gain = reqs[r].weight - (reqs[out].weight if out is not None else 0)
        return gain > 0 or (gain == 0 and self._fairness_gain(out, r) > 0)

    def try_move(self, r: int, s: int) -> bool:
        """Put unscheduled r into s if that raises (weight, fairness); report success.

        Caps are checked before any table is looked for: a meeting evicted for
        its table shares nobody with r, so it cannot make room under a cap.
        """
        reqs = self.inst.requests
        possible, out = self._person_blocker(r, s)
        if not possible or not self._under_caps(r, out):
            return False
        pool = self._pool(r, s)
        leaving = reqs[out].size if out is not None and self._pool(out, s) == pool else None
        if not self._fits(pool, leaving, reqs[r].size):
            if out is not None:
                return False
            out = self._table_blocker(r, s)
            if out is None:
                return False
        if not self._worth_it(r, out):
            return False
        if out is not None:
            self._remove(out)
        self._add(r, s)
        return True


def polish(
    inst: Instance, slots: dict[int, int], deadline: float | None = None, rounds: int = 5
) -> dict[int, int]:
    """Improve {request: slot} by single insert-or-swap moves until none helps or time ends."""
    state = _State(inst, slots)
    order = by_weight(inst)
    for _ in range(rounds):
        moved = False
        for r in order:
            if deadline is not None and time.perf_counter() > deadline:
                return state.slots
            if r in state.slots:
                continue
            moved |= any(state.try_move(r, s) for s in inst.candidates[r])
        if not moved:
            break
    return state.slots
