"""Networking meeting scheduler: the JSON instance in, a checked schedule out.

The contract is shared/formats/meeting-instance.md. `solve` is the CP-SAT
solver, `greedy` the baseline, `check_solution` an independent rule checker.
"""

from .check import check_solution, fixed_problems
from .greedy import greedy
from .instance import Instance, InstanceError, parse_instance
from .model import solve

__all__ = [
    "Instance",
    "InstanceError",
    "check_solution",
    "fixed_problems",
    "greedy",
    "parse_instance",
    "solve",
]
