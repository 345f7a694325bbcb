"""Shrinking a small circuit by SAT: fewer ANDs for the same outputs.

:func:`shrink` asks the exact-synthesis encoding
(:class:`~circuitlab.exact.encoding.Encoding`) for a circuit of one gate
fewer than the given one, then one fewer again, until a call is
unsatisfiable or spends its conflict budget. Each satisfiable call is a
circuit, so the search is anytime: whatever it is stopped by, it returns the
smallest circuit found. Conflict budgets (not seconds) make the result the
same on every machine.

Unlike :func:`~circuitlab.exact.synthesis.exact_aig` it starts from a known
circuit and proves nothing: an unsatisfiable call under the symmetry breaks
does not exclude smaller circuits, and the hardest calls, just below the
optimum, are the ones a budget cuts short.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from pysat.solvers import Solver

from circuitlab.aig import Aig, AigBuilder
from circuitlab.errors import CircuitlabError
from circuitlab.exact.encoding import Encoding
from circuitlab.exact.synthesis import ExactParams, Problem, _realise
from circuitlab.sim.simulate import table_bits, truth_tables

__all__ = ["SHRINK_MAX_INPUTS", "ShrinkParams", "ShrinkStats", "shrink"]

SHRINK_MAX_INPUTS = 8


@dataclass(frozen=True)
class ShrinkParams:
    """Options of :func:`shrink`.

    Attributes:
        conflicts_per_call: conflict budget of each SAT call (one per gate
            count tried); about a second per 30,000 on 8 inputs.
        max_gates: largest gate count asked for; larger circuits are first
            tried at this size (the encoding grows with the square of it).
        solver: a python-sat solver name.
    """

    conflicts_per_call: int = 30_000
    max_gates: int = 12
    solver: str = "glucose4"

    def __post_init__(self) -> None:
        # ExactParams validates the solver name and the counts
        ExactParams(max_gates=self.max_gates, conflicts_per_call=self.conflicts_per_call,
                    solver=self.solver)


@dataclass(frozen=True)
class ShrinkStats:
    """What :func:`shrink` did.

    Attributes:
        ands_before: AND gates of the given circuit.
        ands_after: AND gates of the returned one.
        sat_calls: SAT calls made.
        settled: the last call was unsatisfiable (not cut by its budget).
        seconds: wall time.
    """

    ands_before: int
    ands_after: int
    sat_calls: int
    settled: bool
    seconds: float


def shrink(aig: Aig, params: ShrinkParams = ShrinkParams()) -> tuple[Aig, ShrinkStats]:
    """A circuit computing ``aig``'s outputs with as few ANDs as the budget finds.

    Returns ``aig`` itself when nothing smaller is found. A smaller result
    keeps ``aig``'s input and output names and is checked against ``aig``
    on every input pattern.

    Raises:
        CircuitlabError: ``aig`` has latches or more than
            :data:`SHRINK_MAX_INPUTS` inputs.
    """
    start = time.perf_counter()
    if not aig.is_combinational:
        raise CircuitlabError("shrink takes combinational circuits; this one has "
                              f"{aig.num_latches} latches")
    if aig.num_inputs > SHRINK_MAX_INPUTS:
        raise CircuitlabError(f"shrink takes at most {SHRINK_MAX_INPUTS} inputs, "
                              f"got {aig.num_inputs}")
    rows = table_bits(truth_tables(aig), aig.num_inputs)
    problem = Problem.of(rows)
    before = aig.num_ands
    found, calls, settled = None, 0, False
    r = min(before - 1, params.max_gates)
    while r >= max(problem.lower, 1) and len(problem.targets):
        result = _solve(problem, r, params)
        calls += 1
        if not result:
            settled = result is False
            break
        found, r = result, r - 1
    best = aig
    if found is not None or (not len(problem.targets) and before > 0):
        best = _assemble(aig, problem, found)
        if not np.array_equal(table_bits(truth_tables(best), aig.num_inputs), rows):
            raise CircuitlabError("internal error: shrink built a circuit of other outputs; "
                                  "please report it")
    stats = ShrinkStats(before, best.num_ands, calls, settled, time.perf_counter() - start)
    return best, stats


def _solve(problem: Problem, gates: int,
           params: ShrinkParams) -> tuple[Encoding, list[int]] | bool | None:
    """A model of ``gates`` gates; ``False`` if there is none, ``None`` when out of budget."""
    enc = Encoding(len(problem.support), problem.targets, gates, symmetry=True)
    solver = Solver(name=params.solver, bootstrap_with=enc.clauses)
    try:
        solver.conf_budget(params.conflicts_per_call)
        result = solver.solve_limited()
        return (enc, solver.get_model()) if result else result
    finally:
        solver.delete()


def _assemble(aig: Aig, problem: Problem, found) -> Aig:
    builder = AigBuilder()
    inputs = builder.add_inputs(aig.num_inputs)
    lits = [inputs[i] for i in problem.support]
    gate_lits = _realise(builder, lits, *found) if found is not None else []
    out = problem.build(builder, lits, gate_lits)
    return out.with_names(aig.input_names, aig.output_names)
