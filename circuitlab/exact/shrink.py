"""Shrinking a small circuit by SAT: fewer ANDs for the same outputs.

:func:`shrink` asks the exact-synthesis encoding
(:class:`~circuitlab.exact.encoding.Encoding`) for a circuit of one gate
fewer than the given one, then one fewer again, until a call is
unsatisfiable or spends its conflict budget. Each satisfiable call is a
circuit, so the search is anytime: whatever it is stopped by, it returns the
smallest circuit found. Conflict budgets (not seconds) make the result the
same on every machine.

On 7 or more inputs (:attr:`ShrinkParams.cegar_inputs`) a call starts from
a formula over a few minterms and adds one minterm the circuit found gets
wrong until a circuit is right on all of them (counterexample-guided, see
:class:`~circuitlab.exact.encoding.Encoding`). Such a formula ends with some
15 to 30 of the 127 or 255 minterms, so a conflict costs about a quarter
of the time and the budget goes further.

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
from circuitlab.errors import CircuitlabError, require_at_least
from circuitlab.exact.encoding import Encoding
from circuitlab.exact.synthesis import ExactParams, Problem, realise
from circuitlab.sim.simulate import table_bits, truth_tables

__all__ = ["SHRINK_MAX_INPUTS", "ShrinkParams", "ShrinkStats", "assemble", "shrink",
           "solve_cegar", "solve_gates"]

SHRINK_MAX_INPUTS = 8


@dataclass(frozen=True)
class ShrinkParams:
    """Options of :func:`shrink`.

    Attributes:
        conflicts_per_call: conflict budget of each SAT call (one per gate
            count tried); 100,000 take about two seconds on 8 inputs.
        max_gates: largest gate count asked for; larger circuits are first
            tried at this size (the encoding grows with the square of it).
        solver: a python-sat solver name.
        cegar_inputs: from this many support inputs on, a call adds
            minterms as counterexamples come up (the budget counts the
            conflicts of all its rounds) instead of encoding all of them.
        seed: picks the first minterms and the counterexamples.
    """

    conflicts_per_call: int = 100_000
    max_gates: int = 12
    solver: str = "glucose4"
    cegar_inputs: int = 7
    seed: int = 0

    def __post_init__(self) -> None:
        # ExactParams validates the solver name and the counts
        ExactParams(max_gates=self.max_gates, conflicts_per_call=self.conflicts_per_call,
                    solver=self.solver)
        if self.solver.lower() in ("lingeling", "lgl"):
            raise CircuitlabError("shrink needs conflict budgets, which python-sat's "
                                  "lingeling does not take; choose another solver")
        require_at_least(self.cegar_inputs, 0, "cegar_inputs")
        require_at_least(self.seed, 0, "seed")


@dataclass(frozen=True)
class ShrinkStats:
    """What :func:`shrink` did.

    Attributes:
        ands_before: AND gates of the given circuit.
        ands_after: AND gates of the returned one.
        sat_calls: SAT calls made.
        settled: no budget cut the search short: the last call was
            unsatisfiable, or the circuit reached a lower bound (the
            number of distinct gate outputs, or a support size).
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
    found, calls, settled = None, 0, True
    r = min(before - 1, params.max_gates)
    while r >= max(problem.lower, 1) and len(problem.targets):
        result = solve_gates(problem, r, params)
        calls += 1
        if not result:
            settled = result is False
            break
        found, r = result, r - 1
    best = aig
    if found is not None or (not len(problem.targets) and before > 0):
        best = assemble(aig, problem, found)
        if not np.array_equal(table_bits(truth_tables(best), aig.num_inputs), rows):
            raise CircuitlabError("internal error: shrink built a circuit of other outputs; "
                                  "please report it")
    stats = ShrinkStats(before, best.num_ands, calls, settled, time.perf_counter() - start)
    return best, stats


_FIRST_MINTERMS = 8


def solve_gates(problem: Problem, gates: int,
                params: ShrinkParams) -> tuple[Encoding, list[int]] | bool | None:
    """A model of ``gates`` gates; ``False`` if there is none, ``None`` when out of budget."""
    n = len(problem.support)
    rng = np.random.default_rng([params.seed, gates])
    if n >= params.cegar_inputs:
        first = rng.choice(np.arange(1, 1 << n), min(_FIRST_MINTERMS, (1 << n) - 1),
                           replace=False)
        enc = Encoding(n, problem.targets, gates, symmetry=True, minterms=first.tolist())
    else:
        enc = Encoding(n, problem.targets, gates, symmetry=True)
    return solve_cegar(enc, problem.targets, rng, params.solver, params.conflicts_per_call)


def solve_cegar(enc: Encoding, targets: np.ndarray, rng: np.random.Generator, solver: str,
                conflicts: int, care: np.ndarray | None = None
                ) -> tuple[Encoding, list[int]] | bool | None:
    """Solve ``enc`` within ``conflicts`` in all, adding one minterm its model gets wrong
    (among the ``care`` ones) after each model, until a model is right on all of them.

    Returns ``(enc, model)``, ``False`` when a call is unsatisfiable, ``None``
    when the budget is spent. A formula over every minterm leaves none wrong.

    Shapes:
        targets: ``[O, 2^n]`` 0/1; care: ``[2^n]`` bool (``None``: every minterm).
    """
    sat = Solver(name=solver, bootstrap_with=enc.clauses)
    left = conflicts
    try:
        while left > 0:
            sat.conf_budget(left)
            spent = sat.accum_stats().get("conflicts", 0)
            result = sat.solve_limited()
            left -= sat.accum_stats().get("conflicts", 0) - spent
            if not result:
                return result
            model = sat.get_model()
            differs = (enc.evaluate(model) != targets).any(axis=0)
            wrong = np.flatnonzero(differs if care is None else differs & care)
            if not len(wrong):
                return enc, model
            sat.append_formula(enc.add_minterm(int(rng.choice(wrong))))
        return None
    finally:
        sat.delete()


def assemble(aig: Aig, problem: Problem, found) -> Aig:
    """``aig``'s inputs and output names around ``found`` (a :func:`solve_gates` model;
    ``None`` when no output needs a gate)."""
    builder = AigBuilder()
    inputs = builder.add_inputs(aig.num_inputs)
    lits = [inputs[i] for i in problem.support]
    gate_lits = realise(builder, lits, *found) if found is not None else []
    out = problem.build(builder, lits, gate_lits)
    return out.with_names(aig.input_names, aig.output_names)
