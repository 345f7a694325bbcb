"""SAT-based combinational equivalence with python-sat: strash, sweep, then one call per output.

Three stages, each cheaper than the next:

1. **Structural.** Both circuits are built into one :class:`AigBuilder` on
   shared inputs; identical structure hashes to the same literal, so an
   output pair with equal literals (their XOR folds to constant 0) needs no
   SAT call.
2. **SAT sweeping** (``sweep=True``). Random simulation of the shared miter
   groups its nodes into candidate classes (equal signatures up to
   complement); in topological order each new node is checked against its
   class representative and, when proven equal, replaced by it, so that
   structure above it hashes together. A check tries the shared solver
   with a small propagation budget, then a fresh solver on a local
   relaxation (the pair's nearest 100 nodes, the rest left free: UNSAT
   there is a proof), then the shared solver with the sweep budget; the
   local step keeps deep circuits (EPFL ``hyp``) from paying for searches
   that wander far from the pair. A counter-example from a failed check is
   simulated with 63 neighbours (one input flipped each) to split the
   classes further. This is the
   fraiging of ABC's ``cec``/``fraig``; without it a multiplier against its
   optimised copy is out of reach of a plain miter (Kuehlmann, Paruthi,
   Krohm, Ganai, "Robust Boolean reasoning for equivalence checking and
   functional property verification", IEEE TCAD 2002,
   https://doi.org/10.1109/TCAD.2002.804386; Mishchenko, Chatterjee,
   Brayton, Een, "Improvements to combinational equivalence checking",
   ICCAD 2006, https://doi.org/10.1145/1233501.1233679).
3. **Per output.** Every output pair whose literals still differ gets its
   own SAT query ``a_k XOR b_k`` (two calls with assumptions) with the
   full conflict budget, over the Tseitin clauses of its transitive fan-in
   cone only: clauses are loaded cone by cone into one incremental solver.

One incremental solver serves every call. A satisfying assignment is read
back as an input assignment; a call that runs out of its conflict budget
(``solver.conf_budget`` + ``solve_limited``) or time makes that output
undecided, never equivalent.

Solver: MiniSat 2.2 (``"m22"``) by default, the fastest of MiniSat,
Glucose 4.1 (``"g4"``) and CaDiCaL 1.5.3 (``"cd15"``) on these miters:
thousands of small incremental calls make CaDiCaL's per-call overhead
dominate, and Glucose's conflicts cost several times MiniSat's on the hard
``log2`` candidates (``experiments/README.md``; measure with
``python benchmarks/bench_equivalence.py --solvers m22,g4,cd15``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from circuitlab.aig.aig import Aig
from circuitlab.aig.builder import AigBuilder
from circuitlab.aig.ops import cleanup
from circuitlab.errors import CircuitlabError
from circuitlab.verify.prover import Prover, Sweeper
from circuitlab.verify.result import Verdict
from circuitlab.verify.sat_params import SatParams

__all__ = ["SatOutcome", "SatParams", "SatStats", "sat_equivalence"]


@dataclass(frozen=True)
class SatStats:
    """Counts of one :func:`sat_equivalence` run.

    Attributes:
        outputs: output pairs compared.
        structural: pairs with equal literals after strashing both circuits together.
        swept: further pairs that became equal through sweeping merges.
        proved: pairs proven by their own SAT query.
        sat_calls: SAT solver calls (two per pair checked, fewer on refutation).
        merges: internal nodes replaced by a proven-equal representative.
        refinements: counter-examples fed back into the simulation classes.
        budget_outs: checks that ran out of their conflict budget (or time).
        seconds: wall-clock time.
    """

    outputs: int = 0
    structural: int = 0
    swept: int = 0
    proved: int = 0
    sat_calls: int = 0
    merges: int = 0
    refinements: int = 0
    budget_outs: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class SatOutcome:
    """Verdict of :func:`sat_equivalence`.

    Attributes:
        verdict: EQUIVALENT, NOT_EQUIVALENT or UNDECIDED.
        counterexample: ``[I]`` uint8 input values (position order) for
            NOT_EQUIVALENT, else ``None``.
        failing_output: index of an output pair that differs under it.
        reason: one line.
        stats: :class:`SatStats`.
    """

    verdict: Verdict
    counterexample: np.ndarray | None
    failing_output: int | None
    reason: str
    stats: SatStats


def sat_equivalence(a: Aig, b: Aig, params: SatParams = SatParams()) -> SatOutcome:
    """Decide whether two combinational circuits compute the same outputs.

    Inputs and outputs are matched by position (see
    :func:`circuitlab.verify.check_equivalence` for names and latches).

    Raises:
        CircuitlabError: the circuits have latches or different interfaces.
    """
    start = time.monotonic()
    for what, aig in (("first", a), ("second", b)):
        if not aig.is_combinational:
            raise CircuitlabError(f"sat_equivalence takes combinational circuits; the {what} "
                                  f"has {aig.num_latches} latches (use cut_latches())")
    if (a.num_inputs, a.num_outputs) != (b.num_inputs, b.num_outputs):
        raise CircuitlabError(f"cannot compare {a.num_inputs}/{a.num_outputs} with "
                              f"{b.num_inputs}/{b.num_outputs} inputs/outputs")
    deadline = None if params.timeout is None else start + float(params.timeout)
    miter, open_pairs = _shared_miter(a, b)
    counts = {"outputs": a.num_outputs, "structural": a.num_outputs - len(open_pairs)}
    if not open_pairs:
        return _outcome(Verdict.EQUIVALENT, None, None, "all outputs are structurally equal "
                        "after strashing", counts, start)
    with Prover(miter.num_inputs, params.solver, deadline) as prover:
        red = Sweeper(miter, prover, params, counts).run()
        if red is None:
            return _outcome(Verdict.UNDECIDED, None, None,
                            f"time limit of {params.timeout:.3g} s reached while sweeping",
                            counts, start, prover)
        return _check_outputs(miter, open_pairs, red, prover, params, counts, start)


def _shared_miter(a: Aig, b: Aig) -> tuple[Aig, list[int]]:
    """Both circuits on shared inputs in one strashed graph.

    Returns the graph, whose outputs are ``a``'s then ``b``'s outputs of the
    pairs that did not hash together, and the indices of those pairs.
    """
    builder = AigBuilder()
    ins = [builder.add_input(n) for n in a.input_names]
    outs_a = builder.add_aig(a, ins)
    outs_b = builder.add_aig(b, ins)
    open_pairs = [k for k, (x, y) in enumerate(zip(outs_a, outs_b)) if x != y]
    for k in open_pairs:
        builder.add_output(outs_a[k])
    for k in open_pairs:
        builder.add_output(outs_b[k])
    return cleanup(builder.build()), open_pairs


def _check_outputs(miter: Aig, open_pairs: list[int], red: list[int], prover: "Prover",
                   params: SatParams, counts: dict, start: float) -> SatOutcome:
    n = len(open_pairs)
    outs = miter.outputs.tolist()
    undecided = []
    counts.update(swept=0, proved=0)
    for j, k in enumerate(open_pairs):
        oa, ob = outs[j], outs[n + j]
        la, lb = red[oa >> 1] ^ (oa & 1), red[ob >> 1] ^ (ob & 1)
        if la == lb:
            counts["swept"] += 1
            continue
        status, cex = prover.equal(la, lb, params.conflict_budget)
        if status is None:
            prover.budget_outs += 1
        if status is False:
            return _outcome(Verdict.NOT_EQUIVALENT, cex, k, f"SAT found a distinguishing input "
                            f"for output {k}", counts, start, prover)
        if status is True:
            counts["proved"] += 1
        else:
            undecided.append(k)
            if prover.timed_out():
                break
    if not undecided:
        return _outcome(Verdict.EQUIVALENT, None, None,
                        f"{counts['structural']} outputs structurally equal, "
                        f"{counts['swept']} by sweeping, {counts['proved']} by SAT",
                        counts, start, prover)
    if prover.timed_out():
        why = f"time limit of {params.timeout:.3g} s reached"
    else:
        why = f"conflict budget of {params.conflict_budget} per call ran out"
    shown = ", ".join(str(k) for k in undecided[:5]) + (", ..." if len(undecided) > 5 else "")
    if undecided[-1] != open_pairs[-1]:
        shown += " (later outputs not tried)"
    return _outcome(Verdict.UNDECIDED, None, None,
                    f"{why} on output(s) {shown}", counts, start, prover)


def _outcome(verdict, cex, failing, reason, counts, start, prover=None) -> SatOutcome:
    if prover is not None:
        counts.update(sat_calls=prover.calls, budget_outs=prover.budget_outs)
    stats = SatStats(seconds=time.monotonic() - start, **counts)
    return SatOutcome(verdict, cex, failing, reason, stats)
