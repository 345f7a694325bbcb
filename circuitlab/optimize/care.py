"""Care sets of windows: which leaf patterns the rest of the circuit can produce.

A leaf pattern that no input assignment produces is a satisfiability don't
care of the window: the window may compute anything on it. Simulation
finds patterns that occur; a pattern it never saw is only a *candidate*
don't care. With at most :data:`~circuitlab.sim.simulate.MAX_EXHAUSTIVE_INPUTS`
inputs the simulation is exhaustive and the unseen patterns are proven
unreachable; beyond, :meth:`CareOracle.unreachable` proves a pattern
unreachable with a budgeted SAT call before a replacement may use it.
"""

from __future__ import annotations

import numpy as np
from pysat.solvers import Solver

from circuitlab.aig import Aig
from circuitlab.sim.simulate import (
    MAX_EXHAUSTIVE_INPUTS, exhaustive_patterns, random_patterns, simulate_nodes,
)
from circuitlab.sim.tables import words_for

__all__ = ["CareOracle"]

_SIM_BYTES = 128 * 2**20


class CareOracle:
    """Leaf patterns of windows of one combinational circuit.

    Args:
        aig: the circuit (latches cut).
        max_words: most 64-pattern words of random simulation.
        seed: seed of the random patterns.
        conflicts: conflict budget of each SAT call of :meth:`unreachable`.

    Attributes:
        exhaustive: every input pattern was simulated, so an unseen leaf
            pattern is unreachable.
    """

    def __init__(self, aig: Aig, max_words: int = 256, seed: int = 0, conflicts: int = 1000):
        self.aig = aig
        n = aig.num_inputs
        self.exhaustive = (n <= MAX_EXHAUSTIVE_INPUTS
                           and words_for(n) * 8 * aig.num_vars <= 4 * _SIM_BYTES)
        if self.exhaustive:
            patterns = exhaustive_patterns(n) if n else np.zeros((0, 1), dtype=np.uint64)
        else:
            words = int(np.clip(_SIM_BYTES // (8 * aig.num_vars), 4, max_words))
            patterns = random_patterns(n, words, seed)
        self.values = simulate_nodes(aig, patterns)
        # below 6 inputs a word repeats the 2^n patterns; the repeats change no set of patterns
        self.conflicts = conflicts
        self._solver: Solver | None = None
        self._loaded = bytearray(aig.num_vars)

    def seen(self, leaves) -> int:
        """The leaf patterns simulation produced, as a mask of ``2^len(leaves)`` bits."""
        k = len(leaves)
        bits = np.unpackbits(self.values[list(leaves)].view(np.uint8), axis=1,
                             bitorder="little")
        index = np.zeros(bits.shape[1], dtype=np.int64)
        for i in range(k):
            index |= bits[i].astype(np.int64) << i
        hit = np.bincount(index, minlength=1 << k) > 0
        return int.from_bytes(np.packbits(hit, bitorder="little").tobytes(), "little")

    def unreachable(self, leaves, pattern: int) -> bool:
        """Whether no input assignment gives ``leaves`` the values of ``pattern``
        (leaf ``i`` = bit ``i``), proven by SAT; ``False`` also when the budget
        runs out."""
        if self.exhaustive:
            return not (self.seen(leaves) >> pattern) & 1
        solver = self._ensure_solver()
        self._load(leaves)
        solver.conf_budget(self.conflicts)
        assumptions = [(v + 1) if (pattern >> i) & 1 else -(v + 1)
                       for i, v in enumerate(leaves)]
        return solver.solve_limited(assumptions=assumptions) is False

    def _ensure_solver(self) -> Solver:
        if self._solver is None:
            self._solver = Solver(name="m22", bootstrap_with=[[-1]])
        return self._solver

    def _load(self, roots) -> None:
        """Add the Tseitin clauses of the fan-in cones of ``roots`` not loaded yet."""
        first = self.aig.first_and_var
        ands = self.aig.ands
        loaded = self._loaded
        stack = [v for v in roots if not loaded[v]]
        clauses = []
        while stack:
            v = stack.pop()
            if loaded[v]:
                continue
            loaded[v] = 1
            if v < first:
                continue
            a, b = int(ands[v - first, 0]), int(ands[v - first, 1])
            x, y = _sat_lit(a), _sat_lit(b)
            z = v + 1
            clauses += [[-z, x], [-z, y], [z, -x, -y]]
            for w in (a >> 1, b >> 1):
                if not loaded[w]:
                    stack.append(w)
        self._solver.append_formula(clauses)

    def close(self) -> None:
        if self._solver is not None:
            self._solver.delete()
            self._solver = None


def _sat_lit(lit: int) -> int:
    return -((lit >> 1) + 1) if lit & 1 else (lit >> 1) + 1
