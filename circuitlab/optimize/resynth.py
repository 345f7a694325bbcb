"""Resynthesis of one window function with don't cares: the exact table and a SAT search.

A window function is given as truth-table ints over ``n`` leaves (bit ``m``
= value on leaf pattern ``m``) and a care mask of the same width (bit set:
the pattern must keep its value; clear: a don't care). Every generator
returns a circuit of ``n`` inputs and one output per table that agrees
with the tables on every care pattern (checked before returning), or
``None``.

- :func:`exact_resynth` (up to 8 inputs, several outputs): the SAT encoding
  of :mod:`circuitlab.exact.encoding` constrained on the care patterns
  only, asked for ``max_gates`` gates, then one fewer, until a call is
  unsatisfiable or spends its conflict budget.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from circuitlab.aig import FALSE, Aig, AigBuilder
from circuitlab.aig.tables import output_tables, projections, table_mask
from circuitlab.exact import Encoding, Problem, realise, solve_cegar

__all__ = ["ExactTask", "agrees", "exact_resynth", "trivial_resynth"]

_CEGAR_INPUTS = 7
_FIRST_MINTERMS = 8


def agrees(aig: Aig, tables: list[int], care: int) -> bool:
    """Whether the outputs of ``aig`` equal ``tables`` on every care pattern."""
    return all((x ^ y) & care == 0 for x, y in zip(output_tables(aig), tables))


def trivial_resynth(tables: list[int], n: int, care: int) -> Aig | None:
    """A circuit of no AND when every output is, on the care patterns, a constant or a literal."""
    mask = table_mask(n)
    candidates = [(FALSE, 0), (FALSE ^ 1, mask)]
    for i, p in enumerate(projections(n)):
        candidates += [(2 * (i + 1), p), (2 * (i + 1) + 1, p ^ mask)]
    outs = []
    for t in tables:
        hit = next((lit for lit, table in candidates if (t ^ table) & care == 0), None)
        if hit is None:
            return None
        outs.append(hit)
    return Aig(n, np.zeros((0, 2), dtype=np.int64), outs)


# --- SAT search with don't cares -----------------------------------------------------------
@dataclass(frozen=True)
class ExactTask:
    """One window function for :func:`exact_resynth` (picklable, for worker processes).

    Attributes:
        tables: per output, its table over the ``n`` leaves.
        n: leaves.
        care: care mask.
        max_gates: the largest circuit worth having.
        conflicts: conflict budget per SAT call.
        seed: picks the first minterms and counterexamples.
    """

    tables: tuple[int, ...]
    n: int
    care: int
    max_gates: int
    conflicts: int
    seed: int = 0


def exact_resynth(task: ExactTask) -> Aig | None:
    """The smallest circuit the budget finds with at most ``task.max_gates`` ANDs, or ``None``.

    Sizes are tried from ``max_gates`` down while calls succeed. The
    symmetry breaks (every gate used, distinct functions) can make a size
    above the minimum unsatisfiable: when the first call is proven
    unsatisfiable, sizes are tried upwards from 1 instead.
    """
    trivial = trivial_resynth(list(task.tables), task.n, task.care)
    if trivial is not None:
        return trivial
    if task.max_gates < 1:
        return None
    rows = np.array([[(t >> m) & 1 for m in range(1 << task.n)] for t in task.tables],
                    dtype=np.uint8)
    best = None
    found = _sat_circuit(rows, task.n, task.care, task.max_gates, task.conflicts, task.seed)
    if found is False:
        for gates in range(1, task.max_gates):
            found = _sat_circuit(rows, task.n, task.care, gates, task.conflicts, task.seed)
            if found is not False:
                break
        # the first size that is not unsatisfiable is the smallest
        return found if found and agrees(found, list(task.tables), task.care) else None
    while found:
        best = found
        if found.num_ands <= 1:
            break
        found = _sat_circuit(rows, task.n, task.care, found.num_ands - 1, task.conflicts,
                             task.seed)
    if best is not None and not agrees(best, list(task.tables), task.care):
        return None
    return best


def _sat_circuit(rows: np.ndarray, n: int, care: int, gates: int, conflicts: int,
                 seed: int) -> Aig | bool | None:
    """A circuit of at most ``gates`` ANDs agreeing with ``rows`` on the care patterns;
    ``False`` when the call is proven unsatisfiable, ``None`` when out of budget
    (or when the outputs need no gate: :func:`trivial_resynth` covers those).

    Shapes:
        rows: ``[O, 2^n]`` 0/1.
    """
    problem = Problem.of(rows)
    k = len(problem.support)
    if not len(problem.targets):
        return None
    # a support pattern is cared for when any full pattern mapping to it is
    full_of = np.zeros(1 << k, dtype=np.int64)
    for q, i in enumerate(problem.support):
        full_of |= ((np.arange(1 << k) >> q) & 1) << i
    others = [i for i in range(n) if i not in problem.support]
    care_bits = np.array([(care >> m) & 1 for m in range(1 << n)], dtype=bool)
    care_sup = np.zeros(1 << k, dtype=bool)
    for extra in range(1 << len(others)):
        offset = sum(((extra >> j) & 1) << i for j, i in enumerate(others))
        care_sup |= care_bits[full_of | offset]
    pool = np.flatnonzero(care_sup[1:]) + 1
    if not len(pool):
        return None
    full = len(pool) == (1 << k) - 1
    rng = np.random.default_rng([seed, gates])
    if k >= _CEGAR_INPUTS:
        first = rng.choice(pool, min(_FIRST_MINTERMS, len(pool)), replace=False).tolist()
        enc = Encoding(k, problem.targets, gates, symmetry=True, minterms=first)
    else:
        enc = Encoding(k, problem.targets, gates, symmetry=True,
                       minterms=None if full else pool.tolist())
    found = solve_cegar(enc, problem.targets, rng, "glucose4", conflicts, care_sup)
    if not found:
        return found
    enc, model = found
    builder = AigBuilder()
    inputs = builder.add_inputs(n)
    lits = [inputs[i] for i in problem.support]
    gate_lits = realise(builder, lits, enc, model)
    return problem.build(builder, lits, gate_lits)
