"""The SAT machinery behind :mod:`circuitlab.verify.sat`: an incremental
Tseitin-encoded prover over a reduced AIG, and the simulation-guided sweeper
that proves and merges equivalent internal nodes (see that module's docstring
for the method and its references).
"""

from __future__ import annotations

import threading
import time
from collections import deque

import numpy as np
from pysat.solvers import Solver

from circuitlab.aig.aig import Aig
from circuitlab.sim.simulate import random_patterns, simulate_nodes
from circuitlab.verify.sat_params import NO_PROPAGATION_BUDGET, SatParams

__all__ = ["Prover", "Sweeper"]

_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_MAX_REFINEMENTS_PER_NODE = 8
_QUICK_PROPAGATIONS = 3_000   # first, cheap attempt on a candidate pair
_LOCAL_NODES = 100            # nodes of the local relaxation of a candidate pair


class Prover:
    """A reduced AIG (strashed, constant-folded) and one incremental solver
    holding the Tseitin clauses of the nodes loaded so far.

    Reduced variable ``r`` is solver variable ``r + 1``; variable 0 is
    constant false and ``1..I`` are the inputs, as in the miter.
    """

    def __init__(self, num_inputs: int, solver: str, deadline: float | None):
        self.num_inputs = num_inputs
        self.fan0: list[int] = [0] * (1 + num_inputs)
        self.fan1: list[int] = [0] * (1 + num_inputs)
        self.loaded = bytearray(b"\x01" * (1 + num_inputs))
        self.strash: dict[tuple[int, int], int] = {}
        self.last_key: tuple[int, int] | None = None   # set when and_ made a new node
        self.calls = 0
        self.budget_outs = 0
        self.deadline = deadline
        self.name = solver
        self.solver = Solver(name=solver)
        self.solver.add_clause([-1])
        self._lock = threading.Lock()
        self._timer = None
        if deadline is not None:
            self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._interrupt)
            self._timer.daemon = True
            self._timer.start()

    def _interrupt(self) -> None:
        with self._lock:
            if self.solver is not None and self.name not in NO_PROPAGATION_BUDGET:
                self.solver.interrupt()

    def __enter__(self) -> "Prover":
        return self

    def __exit__(self, *exc) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            self.solver.delete()
            self.solver = None

    def timed_out(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    def and_(self, x: int, y: int) -> int:
        """AND of two reduced literals, folded and strashed; sets ``last_key``
        to the new node's key when one was made, else ``None``."""
        self.last_key = None
        if x < y:
            x, y = y, x
        if y == 0 or x == y ^ 1:
            return 0
        if y == 1 or x == y:
            return x
        key = (x, y)
        hit = self.strash.get(key)
        if hit is not None:
            return hit
        lit = 2 * len(self.fan0)
        self.fan0.append(x)
        self.fan1.append(y)
        self.loaded.append(0)
        self.strash[key] = lit
        self.last_key = key
        return lit

    def _load(self, roots: tuple[int, ...]) -> None:
        """Add the clauses of every not yet loaded node in the cones of ``roots``."""
        loaded, fan0, fan1 = self.loaded, self.fan0, self.fan1
        stack = [r for r in roots if not loaded[r]]
        new = []
        while stack:
            v = stack.pop()
            if loaded[v]:
                continue
            loaded[v] = 1
            new.append(v)
            for f in (fan0[v] >> 1, fan1[v] >> 1):
                if not loaded[f]:
                    stack.append(f)
        if not new:
            return
        nodes = np.array(new, dtype=np.int64)
        f0 = np.array([fan0[v] for v in new], dtype=np.int64)
        f1 = np.array([fan1[v] for v in new], dtype=np.int64)
        x = nodes + 1
        d0 = np.where(f0 & 1, -((f0 >> 1) + 1), (f0 >> 1) + 1)
        d1 = np.where(f1 & 1, -((f1 >> 1) + 1), (f1 >> 1) + 1)
        # x -> d0, x -> d1, d0 & d1 -> x
        self.solver.append_formula(np.concatenate([np.stack([-x, d0], 1),
                                                   np.stack([-x, d1], 1)]).tolist())
        self.solver.append_formula(np.stack([x, -d0, -d1], 1).tolist())

    def equal(self, x: int, y: int, budget: int | None,
              propagations: int | None = None) -> tuple[bool | None, np.ndarray | None]:
        """Whether reduced literals ``x`` and ``y`` are equal: ``(True, None)``
        proven, ``(False, inputs)`` refuted by ``inputs`` (``[I]`` uint8),
        ``(None, None)`` out of budget (conflicts or ``propagations``) or time."""
        self._load((x >> 1, y >> 1))
        dx = -((x >> 1) + 1) if x & 1 else (x >> 1) + 1
        dy = -((y >> 1) + 1) if y & 1 else (y >> 1) + 1
        solver = self.solver
        for assumptions in ([dx, -dy], [-dx, dy]):
            _set_budgets(solver, budget, propagations)
            self.calls += 1
            status = solver.solve_limited(assumptions=assumptions, expect_interrupt=True)
            if status is None:
                return None, None
            if status:
                return False, self._model_inputs()
        return True, None

    def equal_candidate(self, x: int, y: int, budget: int) -> tuple[bool | None,
                                                                    np.ndarray | None]:
        """:meth:`equal` for an internal candidate pair, cheapest attempt first.

        1. The shared solver with a small propagation budget: enough when the
           proof follows from merged fan-ins, and it stops a search that
           wanders through variables far from the pair.
        2. A fresh solver on the pair's nearest ``_LOCAL_NODES`` nodes, the
           nodes below them left free: a relaxation, so UNSAT there is a
           proof; SAT there may be spurious and proves nothing.
        3. The shared solver with the conflict budget.
        """
        if self.name not in NO_PROPAGATION_BUDGET:
            status, cex = self.equal(x, y, budget, propagations=_QUICK_PROPAGATIONS)
            if status is not None:
                return status, cex
        if self._local_unsat(x, y, budget):
            return True, None
        status, cex = self.equal(x, y, budget)
        if status is None:
            self.budget_outs += 1
        return status, cex

    def _local_unsat(self, x: int, y: int, budget: int) -> bool:
        """Whether ``x == y`` is proven on the local relaxation (see :meth:`equal_candidate`)."""
        fan0, fan1, last_input = self.fan0, self.fan1, self.num_inputs
        number = {0: 1}   # reduced var -> local solver var; constant false is 1

        def local(lit: int) -> int:
            v = number.setdefault(lit >> 1, len(number) + 1)
            return -v if lit & 1 else v

        clauses = [[-1]]
        queue = deque((x >> 1, y >> 1))
        seen = set(queue)
        while queue and len(clauses) < 3 * _LOCAL_NODES:
            v = queue.popleft()
            if v <= last_input:
                continue
            f0, f1 = fan0[v], fan1[v]
            node, d0, d1 = local(2 * v), local(f0), local(f1)
            clauses += ([-node, d0], [-node, d1], [node, -d0, -d1])
            for f in (f0 >> 1, f1 >> 1):
                if f not in seen:
                    seen.add(f)
                    queue.append(f)
        dx, dy = local(x), local(y)
        with Solver(name=self.name, bootstrap_with=clauses) as solver:
            for assumptions in ([dx, -dy], [-dx, dy]):
                _set_budgets(solver, budget, None)
                self.calls += 1
                if solver.solve_limited(assumptions=assumptions) is not False:
                    return False
        return True

    def _model_inputs(self) -> np.ndarray:
        model = self.solver.get_model()[1:1 + self.num_inputs]
        values = np.zeros(self.num_inputs, dtype=np.uint8)
        values[:len(model)] = np.asarray(model, dtype=np.int64) > 0
        return values


def _set_budgets(solver: Solver, conflicts: int | None, propagations: int | None) -> None:
    """Limits of the next ``solve_limited`` call (``None``: no limit).

    python-sat's ``conf_budget(-1)`` and ``prop_budget(-1)`` both switch
    *every* limit off, so clear first, then set what is wanted.
    """
    solver.conf_budget(-1)
    if propagations is not None:
        solver.prop_budget(int(propagations))
    if conflicts is not None:
        solver.conf_budget(int(conflicts))


class Sweeper:
    """Stage 2: maps every miter variable to a reduced literal, merging nodes
    proven equal to their simulation class representative."""

    def __init__(self, miter: Aig, prover: Prover, params: SatParams, counts: dict):
        self.miter = miter
        self.prover = prover
        self.params = params
        self.counts = counts
        self.budget = (params.sweep_budget if params.conflict_budget is None
                       else min(params.sweep_budget, params.conflict_budget))
        self.rng = np.random.default_rng(params.seed)
        counts.update(merges=0, refinements=0)

    def run(self) -> list[int] | None:
        """Reduced literal of every miter variable; ``None`` past the deadline."""
        m, prover = self.miter, self.prover
        first = m.first_and_var
        red = [2 * v for v in range(first)]
        if self.params.sweep:
            self._simulate()
        a0 = m.ands[:, 0].tolist()
        a1 = m.ands[:, 1].tolist()
        for k in range(m.num_ands):
            if k & 1023 == 0 and prover.timed_out():
                return None
            f0, f1 = a0[k], a1[k]
            lit = prover.and_(red[f0 >> 1] ^ (f0 & 1), red[f1 >> 1] ^ (f1 & 1))
            if self.params.sweep and prover.last_key is not None:
                lit = self._merge(first + k, lit, prover.last_key)
            red.append(lit)
        return red

    # --- simulation classes ----------------------------------------------
    def _simulate(self) -> None:
        m = self.miter
        values = simulate_nodes(m, random_patterns(m.num_inputs, self.params.sim_words,
                                                   self.params.seed))
        self.phase = (values[:, 0] & np.uint64(1)).astype(bool)
        self.flip = self.phase.astype(np.uint64) * _ALL
        values ^= self.flip[:, None]
        self.hash = np.zeros(m.num_vars, dtype=np.uint64)
        for w in range(values.shape[1]):
            self._mix(values[:, w])
        self.keys = self.hash.tolist()
        self.ph = self.phase.astype(np.int64).tolist()
        self.classes: dict[int, tuple[int, int]] = {}
        for v in range(m.first_and_var):  # constant and inputs represent their classes
            self.classes.setdefault(self.keys[v], (v, 2 * v ^ self.ph[v]))

    def _mix(self, column: np.ndarray) -> None:
        h = self.hash ^ column
        h *= _MIX
        h ^= h >> np.uint64(29)
        self.hash = h

    def _refine(self, cex: np.ndarray) -> None:
        """Add a word holding ``cex`` and 63 neighbours (one input flipped each)."""
        m = self.miter
        pattern = np.where(cex.astype(bool), _ALL, np.uint64(0))
        if m.num_inputs:
            for bit, i in enumerate(self.rng.integers(0, m.num_inputs, 63).tolist(), start=1):
                pattern[i] ^= np.uint64(1 << bit)
        column = simulate_nodes(m, pattern[:, None])[:, 0] ^ self.flip
        self._mix(column)
        self.keys = keys = self.hash.tolist()
        classes: dict[int, tuple[int, int]] = {}
        for rep in self.classes.values():
            classes.setdefault(keys[rep[0]], rep)
        self.classes = classes
        self.counts["refinements"] += 1

    def _merge(self, var: int, lit: int, key: tuple[int, int]) -> int:
        """``lit`` (the new reduced node of miter ``var``) or a proven-equal representative."""
        for _ in range(_MAX_REFINEMENTS_PER_NODE):
            rep = self.classes.get(self.keys[var])
            if rep is None:
                self.classes[self.keys[var]] = (var, lit ^ self.ph[var])
                return lit
            target = rep[1] ^ self.ph[var]
            status, cex = self.prover.equal_candidate(lit, target, self.budget)
            if status is True:
                self.prover.strash[key] = target
                self.counts["merges"] += 1
                return target
            if status is None:
                return lit
            self._refine(cex)
        return lit
