"""CNF encoding of "``r`` AND gates compute these functions".

The single-selection-variable encoding of Kojevnikov, Kulikov and
Yaroslavtsev, "Finding efficient circuits using SAT-solvers" (SAT 2009,
https://doi.org/10.1007/978-3-642-02777-2_5), restricted to normal AND-type
gates, with symmetry breaks from Haaswijk et al., "SAT-based exact
synthesis: encodings, topology families, and parallelism" (TCAD 2020,
https://doi.org/10.1109/TCAD.2019.2897703).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

PAIRS = ((0, 1), (1, 0), (1, 1))  # fan-in values (a, b) whose gate value is free


class Encoding:
    """The CNF of "``r`` normal AND gates on ``n`` inputs realise ``targets``".

    Nodes ``0..n-1`` are inputs and ``n..n+r-1`` gates (topological order).
    A *normal* gate is 0 on minterm 0: one of ``a & b``, ``a & ~b``,
    ``~a & b``, ``a | b`` of two earlier nodes ``a < b``, which is an AND
    with fan-in and output polarities. With one target the last gate
    computes it; with several, selection variables pick a gate per target.
    ``targets`` are distinct normal rows, none constant or a literal, so
    the caller complements outputs that are 1 on minterm 0.

    With ``minterms`` the formula constrains the gates on those minterms
    only, and :meth:`add_minterm` adds more: a counterexample-guided loop
    solves the small formula, simulates the circuit found on all minterms
    (:meth:`evaluate`) and adds one where it is wrong. The
    break that gates compute distinct functions speaks of whole functions,
    so such a formula leaves it out.

    Variables: ``sel[i][(j, k)]`` gate ``i`` reads nodes ``j < k``;
    ``fn[i][(a, b)]`` its value when they are ``a, b``; ``sim[i][t]`` its
    value on minterm ``t >= 1`` (for the minterms encoded so far);
    ``out[h][i]`` target ``h`` is gate ``i``.

    Args:
        num_inputs: ``n``.
        targets: the functions to realise.
        gates: ``r``.
        symmetry: add the symmetry breaks (each keeps some minimum circuit).
        first: fix the first gate to this two-input function; the
            co-lexicographic break then starts at the second gate, so that
            the cases of all first gates together cover every circuit.
        minterms: encode only these minterms (each ``>= 1``); ``None``:
            all of them.

    Shapes:
        targets: ``[O, 2^n]`` uint8 with column 0 all zero; first: ``[2^n]``.
    """

    def __init__(self, num_inputs: int, targets: np.ndarray, gates: int, symmetry: bool,
                 first: np.ndarray | None = None, minterms: Sequence[int] | None = None):
        if minterms is not None and first is not None:
            raise ValueError("a first gate is fixed on all minterms; pass minterms=None")
        self.n, self.r = num_inputs, gates
        self.targets = targets
        self.num_vars = 0
        self.clauses: list[list[int]] = []
        nodes = num_inputs + gates
        self.sel = {i: {(j, k): self._new() for k in range(i) for j in range(k)}
                    for i in range(num_inputs, nodes)}
        self.fn = {i: {ab: self._new() for ab in PAIRS} for i in range(num_inputs, nodes)}
        self.sim: dict[int, dict[int, int]] = {i: {} for i in range(num_inputs, nodes)}
        single = len(targets) == 1
        self.out = [{nodes - 1: None} if single else
                    {i: self._new() for i in range(num_inputs, nodes)} for _ in targets]
        for i in range(num_inputs, nodes):
            self._gate(i)
        if not single:
            for choice in self.out:
                self._exactly_one(list(choice.values()))
        full = minterms is None
        for t in range(1, 1 << num_inputs) if full else minterms:
            self.add_minterm(t)
        self.first = first
        if first is not None:
            self._fix_first(first)
        if symmetry:
            self._all_used()
            self._colex()
            self._no_reapplication()
            if full:
                self._distinct()

    def _new(self) -> int:
        self.num_vars += 1
        return self.num_vars

    def _value(self, node: int, t: int) -> int | bool:
        """Literal "node is 1 on minterm t", or a bool where fixed."""
        if node < self.n:
            return bool((t >> node) & 1)
        return self.sim[node][t] if t else False

    def _add(self, lits: Sequence[int | bool]) -> None:
        """Add a clause; ``True`` satisfies it, ``False`` drops out."""
        if any(lit is True for lit in lits):
            return
        self.clauses.append([lit for lit in lits if lit is not False])

    def _exactly_one(self, lits: list[int]) -> None:
        self.clauses.append(list(lits))
        self.clauses.extend([-a, -b] for x, a in enumerate(lits) for b in lits[x + 1:])

    def _gate(self, i: int) -> None:
        f = self.fn[i]
        self._exactly_one(list(self.sel[i].values()))
        # (f01, f10, f11) has odd parity exactly for the four AND-type normal gates.
        for a in (0, 1):
            for b in (0, 1):
                c = 1 - (a ^ b)
                self._add([f[(0, 1)] * (1 if a else -1), f[(1, 0)] * (1 if b else -1),
                           f[(1, 1)] * (1 if c else -1)])

    def add_minterm(self, t: int) -> list[list[int]]:
        """Constrain every gate and target on minterm ``t``; returns the new clauses."""
        if not 1 <= t < 1 << self.n or t in self.sim[self.n]:
            raise ValueError(f"minterm {t} is out of range or already encoded")
        start = len(self.clauses)
        for i in self.sim:
            self.sim[i][t] = self._new()
        for i, sel in self.sel.items():
            f, xi = self.fn[i], self.sim[i][t]
            for (j, k), s in sel.items():
                for a in (0, 1):
                    for b in (0, 1):
                        differs = [_neq(self._value(j, t), a), _neq(self._value(k, t), b)]
                        if (a, b) == (0, 0):
                            self._add([-s, *differs, -xi])
                        else:
                            self._add([-s, *differs, -xi, f[(a, b)]])
                            self._add([-s, *differs, xi, -f[(a, b)]])
        for row, choice in zip(self.targets, self.out):
            for i, o in choice.items():
                guard = [] if o is None else [-o]
                self._add([*guard, self.sim[i][t] if row[t] else -self.sim[i][t]])
        return self.clauses[start:]

    def _fix_first(self, row: np.ndarray) -> None:
        """The first gate computes ``row``, a normal AND-type function of two inputs."""
        x = self.sim[self.n]
        self.clauses.extend([x[t] if row[t] else -x[t]] for t in range(1, 1 << self.n))
        minterms = np.arange(1 << self.n)
        pair = tuple(i for i in range(self.n) if (row != row[minterms ^ (1 << i)]).any())
        self.clauses.append([self.sel[self.n][pair]])

    def _all_used(self) -> None:
        """Every gate feeds a later gate or an output."""
        for i in self.sel:
            users = [s for later in range(i + 1, self.n + self.r)
                     for (j, k), s in self.sel[later].items() if i in (j, k)]
            for choice in self.out:
                if i in choice:
                    if choice[i] is None:
                        users = None
                        break
                    users.append(choice[i])
            if users is not None:
                self.clauses.append(users)

    def _colex(self) -> None:
        """Gate ``i+1`` not fed by gate ``i`` has fan-ins ``(k, j)`` no smaller than gate ``i``'s."""
        for i in range(self.n + (self.first is not None), self.n + self.r - 1):
            for (j, k), s in self.sel[i].items():
                for (j2, k2), s2 in self.sel[i + 1].items():
                    if i not in (j2, k2) and (k2, j2) < (k, j):
                        self.clauses.append([-s, -s2])

    def _no_reapplication(self) -> None:
        """No gate is fed by a gate ``g`` and one of ``g``'s own fan-ins.

        Such a gate computes an AND-type function, a literal or a constant
        of ``g``'s fan-ins, so it can take those fan-ins instead; each such
        move shrinks its cone, and the circuit keeps its size.
        """
        for h in self.sel:
            for g in range(self.n, h):
                for (a, b), sg in self.sel[g].items():
                    for operand in (a, b):
                        self.clauses.append([-sg, -self.sel[h][(operand, g)]])

    def _distinct(self) -> None:
        """Gates compute distinct functions, none constant or a literal.

        A gate computing a constant, a literal or another node's function
        can be merged away; with one target only the last gate computes it.
        """
        minterms = range(1, 1 << self.n)
        gates = list(self.sel)
        for pos, i in enumerate(gates):
            x = self.sim[i]
            self.clauses.append([x[t] for t in minterms])
            for j in range(self.n):
                self.clauses.append([-x[t] if (t >> j) & 1 else x[t] for t in minterms])
            if len(self.targets) == 1 and pos < len(gates) - 1:
                row = self.targets[0]
                self.clauses.append([-x[t] if row[t] else x[t] for t in minterms])
            for i2 in gates[:pos]:
                y = self.sim[i2]
                diff = []
                for t in minterms:
                    d = self._new()
                    self.clauses += [[-d, x[t], y[t]], [-d, -x[t], -y[t]]]
                    diff.append(d)
                self.clauses.append(diff)

    def evaluate(self, model: list[int]) -> np.ndarray:
        """What the circuit of ``model`` computes for each target, on all minterms.

        Shapes:
            returns ``[O, 2^n]`` uint8, comparable with ``targets``.
        """
        gates, outs = self.decode(model)
        minterms = np.arange(1 << self.n)
        values = [((minterms >> q) & 1).astype(bool) for q in range(self.n)]
        for i in sorted(gates):
            j, k, (f01, f10, f11) = gates[i]
            a, b = values[j], values[k]
            values.append((~a & b & bool(f01)) | (a & ~b & bool(f10)) | (a & b & bool(f11)))
        return np.array([values[i] for i in outs], dtype=np.uint8).reshape(len(outs), -1)

    def decode(self, model: list[int]) -> tuple[dict[int, tuple[int, int, tuple[int, ...]]],
                                                 list[int]]:
        """Gate fan-ins and ``(f01, f10, f11)``, and the gate of each target."""
        true = {lit for lit in model if lit > 0}
        gates = {}
        for i, sel in self.sel.items():
            j, k = next(pair for pair, s in sel.items() if s in true)
            gates[i] = (j, k, tuple(int(self.fn[i][ab] in true) for ab in PAIRS))
        outs = [next(i for i, o in choice.items() if o is None or o in true)
                for choice in self.out]
        return gates, outs


def _neq(value: int | bool, bit: int) -> int | bool:
    """Literal "value differs from bit"."""
    if isinstance(value, bool):
        return value != bool(bit)
    return -value if bit else value
