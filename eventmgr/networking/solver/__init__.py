"""Networking meeting scheduler: the JSON instance in, a checked schedule out.

The contract is shared/formats/meeting-instance.md. `solve` is the CP-SAT
solver, `greedy` the baseline, `check_solution` an independent rule checker.
"""

from .check import check_solution, fixed_problems
from .greedy import greedy
from .instance import Instance, InstanceError, parse_instance

__all__ = [
    "Instance",
    "InstanceError",
    "check_solution",
    "fixed_problems",
    "greedy",
    "parse_instance",
    "solve",
]


def __getattr__(name: str):
    """`solve` on first use: OR-Tools costs every web worker ~1 s to import, for one page."""
    if name == "solve":
        from .model import solve

        return solve
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
