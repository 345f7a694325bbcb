"""Equivalence checking: exhaustive and random simulation, SAT, ABC, aigverse.

A check answers EQUIVALENT, NOT_EQUIVALENT (with a counter-example replayed
on both circuits) or UNDECIDED; it never turns a budget that ran out into
either answer.
"""

from circuitlab.verify.equivalence import (
    ENGINES, MATCHES, CounterexampleError, CheckParams, align, check_equivalence,
)
from circuitlab.verify.result import EquivalenceResult, Verdict
from circuitlab.verify.sat import SatOutcome, SatParams, SatStats, sat_equivalence

__all__ = ["ENGINES", "MATCHES", "CounterexampleError", "CheckParams",
           "EquivalenceResult", "SatOutcome", "SatParams", "SatStats", "Verdict", "align",
           "check_equivalence", "sat_equivalence"]
