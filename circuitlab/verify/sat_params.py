"""Options of the SAT equivalence check, and the python-sat solvers it can drive.

A module of its own below both readers: :mod:`circuitlab.verify.sat` (the
check) and :mod:`circuitlab.verify.prover` (its machinery, which the check
imports).
"""

from __future__ import annotations

from dataclasses import dataclass

from pysat.solvers import SolverNames

from circuitlab.errors import CircuitlabError

__all__ = ["NO_PROPAGATION_BUDGET", "SUPPORTED_SOLVERS", "SatParams"]

# Solvers with assumptions and conflict budgets; CaDiCaL has neither propagation
# budgets nor interrupts (a time limit then acts between calls only).
_CADICAL = ("cadical103", "cadical153", "cadical195", "cadical300")
SUPPORTED_SOLVERS = frozenset(
    alias for family in ("minisat22", "minisatgh", "minisatep", "glucose3", "glucose4",
                         "glucose42", "maplesat", "maplecm", "maplechrono", "mergesat3", *_CADICAL)
    for alias in getattr(SolverNames, family, ()))
NO_PROPAGATION_BUDGET = frozenset(alias for family in _CADICAL
                                  for alias in getattr(SolverNames, family, ()))


@dataclass(frozen=True)
class SatParams:
    """How :func:`sat_equivalence` searches.

    Attributes:
        solver: a python-sat solver name (``"m22"``, ``"g4"``, ``"cd15"``, ...) of
            the MiniSat, Glucose, Maple, MergeSat or CaDiCaL families (CaDiCaL
            cannot be interrupted: ``timeout`` then acts between calls).
        conflict_budget: conflicts allowed per SAT call on an output pair;
            ``None`` for no limit.
        sweep: prove internal equivalences first (stage 2).
        sweep_budget: conflicts per SAT call on an internal candidate pair
            (never above ``conflict_budget``); a candidate that exceeds it is
            simply not merged.
        sim_words: 64-pattern words of random simulation forming the classes.
        seed: random seed of the simulation.
        timeout: seconds for the whole check, ``None`` for no limit.
    """

    solver: str = "m22"
    conflict_budget: int | None = 100_000
    sweep: bool = True
    sweep_budget: int = 100
    sim_words: int = 32
    seed: int = 0
    timeout: float | None = None

    def __post_init__(self):
        if self.solver not in SUPPORTED_SOLVERS:
            raise CircuitlabError(f"unknown or unsuitable SAT solver {self.solver!r} (needs "
                                  f"assumptions and conflict budgets); choose one of "
                                  f"{', '.join(sorted(SUPPORTED_SOLVERS))}")
        if self.conflict_budget is not None and int(self.conflict_budget) < 1:
            raise CircuitlabError("conflict_budget must be a positive integer or None")
        if int(self.sweep_budget) < 1:
            raise CircuitlabError("sweep_budget must be a positive integer")
        if int(self.sim_words) < 1:
            raise CircuitlabError("sim_words must be at least 1")
        if self.timeout is not None and not float(self.timeout) > 0:
            raise CircuitlabError("timeout must be a positive number of seconds or None")
