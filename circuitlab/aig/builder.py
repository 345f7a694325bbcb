"""Incremental AIG construction with structural hashing and constant folding."""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from circuitlab.aig.aig import LIT_DTYPE, Aig, renumber
from circuitlab.errors import CircuitlabError

FALSE = 0
TRUE = 1


class AigBuilder:
    """Builds an :class:`Aig` node by node.

    Literals handed out by the builder use its own numbering (creation
    order); :meth:`build` renumbers them into AIGER order (inputs, latches,
    ANDs). ``and_`` orders its fan-ins, folds ``a∧0``, ``a∧1``, ``a∧a``,
    ``a∧¬a`` and returns an existing node for a repeated pair (structural
    hashing), as mockturtle's ``create_and`` does.
    """

    def __init__(self) -> None:
        self._kind: list[int] = [0]          # per builder var: 0 const, 1 input, 2 latch, 3 and
        self._fanins: list[tuple[int, int]] = [(0, 0)]
        self._strash: dict[tuple[int, int], int] = {}
        self._input_vars: list[int] = []
        self._input_names: list[str | None] = []
        self._latch_vars: list[int] = []
        self._latch_names: list[str | None] = []
        self._latch_next: list[int | None] = []
        self._latch_init: list[int] = []
        self._outputs: list[int] = []
        self._output_names: list[str | None] = []

    # --- sources ---------------------------------------------------------
    def add_input(self, name: str | None = None) -> int:
        var = self._new_var(1, (0, 0))
        self._input_vars.append(var)
        self._input_names.append(name)
        return 2 * var

    def add_inputs(self, count: int, prefix: str | None = None) -> list[int]:
        return [self.add_input(None if prefix is None else f"{prefix}[{k}]") for k in range(count)]

    def add_latch(self, name: str | None = None, init: int = 0) -> int:
        """A latch output literal; give its next state with :meth:`set_latch_next`."""
        var = self._new_var(2, (0, 0))
        self._latch_vars.append(var)
        self._latch_names.append(name)
        self._latch_next.append(None)
        self._latch_init.append(int(init))
        return 2 * var

    def set_latch_next(self, latch_lit: int, next_lit: int) -> None:
        try:
            index = self._latch_vars.index(latch_lit >> 1)
        except ValueError:
            raise CircuitlabError(f"literal {latch_lit} is not a latch output") from None
        self._latch_next[index] = next_lit

    def _new_var(self, kind: int, fanins: tuple[int, int]) -> int:
        self._kind.append(kind)
        self._fanins.append(fanins)
        return len(self._kind) - 1

    # --- gates -----------------------------------------------------------
    def and_(self, a: int, b: int) -> int:
        if a < b:
            a, b = b, a
        if b == FALSE or a == (b ^ 1):
            return FALSE
        if b == TRUE or a == b:
            return a
        key = (a, b)
        hit = self._strash.get(key)
        if hit is not None:
            return hit
        lit = 2 * self._new_var(3, key)
        self._strash[key] = lit
        return lit

    def or_(self, a: int, b: int) -> int:
        return self.and_(a ^ 1, b ^ 1) ^ 1

    def nand(self, a: int, b: int) -> int:
        return self.and_(a, b) ^ 1

    def xor(self, a: int, b: int) -> int:
        return self.or_(self.and_(a, b ^ 1), self.and_(a ^ 1, b))

    def xnor(self, a: int, b: int) -> int:
        return self.xor(a, b) ^ 1

    def mux(self, sel: int, then: int, other: int) -> int:
        return self.or_(self.and_(sel, then), self.and_(sel ^ 1, other))

    def and_many(self, lits: Iterable[int]) -> int:
        lits = list(lits)
        if not lits:
            return TRUE
        while len(lits) > 1:  # balanced tree keeps depth logarithmic
            lits = [self.and_(lits[k], lits[k + 1]) if k + 1 < len(lits) else lits[k]
                    for k in range(0, len(lits), 2)]
        return lits[0]

    def or_many(self, lits: Iterable[int]) -> int:
        return self.and_many(x ^ 1 for x in lits) ^ 1

    def maj(self, a: int, b: int, c: int) -> int:
        return self.or_(self.and_(a, b), self.and_(c, self.or_(a, b)))

    def add_output(self, lit: int, name: str | None = None) -> int:
        self._outputs.append(int(lit))
        self._output_names.append(name)
        return len(self._outputs) - 1

    def add_aig(self, aig: Aig, input_lits: Sequence[int]) -> list[int]:
        """Instantiate combinational ``aig`` on ``input_lits``; returns its output literals."""
        if not aig.is_combinational:
            raise CircuitlabError("add_aig takes a combinational Aig (use cut_latches())")
        if len(input_lits) != aig.num_inputs:
            raise CircuitlabError(f"{len(input_lits)} literals for {aig.num_inputs} inputs")
        lit_of = [FALSE] + [int(x) for x in input_lits]
        for f0, f1 in aig.ands.tolist():
            lit_of.append(self.and_(lit_of[f0 >> 1] ^ (f0 & 1), lit_of[f1 >> 1] ^ (f1 & 1)))
        return [lit_of[o >> 1] ^ (o & 1) for o in aig.outputs.tolist()]

    @property
    def num_ands(self) -> int:
        return len(self._strash)

    # --- freezing --------------------------------------------------------
    def build(self, comments: Sequence[str] = ()) -> Aig:
        if any(n is None for n in self._latch_next):
            raise CircuitlabError("a latch has no next-state function")
        kind = np.array(self._kind, dtype=np.int8)
        and_vars = np.flatnonzero(kind == 3)
        order = np.concatenate([[0], self._input_vars, self._latch_vars, and_vars]).astype(LIT_DTYPE)
        new_var = np.empty(len(kind), dtype=LIT_DTYPE)
        new_var[order] = np.arange(len(kind), dtype=LIT_DTYPE)

        def remap(lits) -> np.ndarray:
            return renumber(np.asarray(lits, dtype=LIT_DTYPE), new_var)

        fanins = np.array(self._fanins, dtype=LIT_DTYPE)[and_vars].reshape(-1, 2)
        ands = np.sort(remap(fanins), axis=1)[:, ::-1]
        latches = np.stack([remap(np.array(self._latch_next, dtype=LIT_DTYPE)),
                            np.array(self._latch_init, dtype=LIT_DTYPE)], axis=1) \
            if self._latch_vars else np.zeros((0, 2), dtype=LIT_DTYPE)

        def names(given: list[str | None], prefix: str) -> list[str]:
            return [n if n is not None else f"{prefix}{k}" for k, n in enumerate(given)]

        return Aig(len(self._input_vars), ands, remap(self._outputs), latches,
                   input_names=names(self._input_names, "i"),
                   output_names=names(self._output_names, "o"),
                   latch_names=names(self._latch_names, "l"), comments=comments)
