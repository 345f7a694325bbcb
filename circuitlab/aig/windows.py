"""Windows of an AIG: the :class:`Window` type, and windows drawn at random.

A *window* is a set of roots, a set of leaves (a cut of the roots) and the
cone between them; as a circuit, input ``i`` is ``leaves[i]`` and output
``j`` is ``roots[j]``. Its function, its circuit and its maximum
fan-out-free cone are derived from the circuit it was cut from.

:func:`find_windows` roots a window at a random AND node; its leaves are a
reconvergence-driven cut of the root (:func:`~circuitlab.aig.cuts.reconvergence_driven_cut`
with ABC's tie-break: of the leaves whose expansion adds the fewest new
leaves, the one of highest level), grown while the cut stays within
``max_inputs`` leaves. Every node expanded is inside the window, and every
window node lies in the root's cone. Further outputs are other window
nodes, preferably ones with a fan-out outside the window (their value is
needed elsewhere, so the window must keep it).

Windows are deduplicated by their truth tables (over the leaves, in
increasing variable order); windows whose output is constant or equal to a
leaf, or two outputs of equal function (or complement), do not occur.

Reference: Mishchenko, Chatterjee, Brayton, "DAG-aware AIG rewriting",
DAC 2006 (reconvergence-driven cuts, as in ABC's ``abcReconv.c``).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from circuitlab.aig.aig import LIT_DTYPE, Aig
from circuitlab.aig.cuts import AigStructure, CutParams, mffc, reconvergence_driven_cut
from circuitlab.aig.tables import and_tables, projections, table_mask
from circuitlab.errors import CircuitlabError

__all__ = ["Window", "extract_windows", "find_windows"]

MAX_WINDOW_INPUTS = 16


class Window:
    """Roots, leaves and cone of one window of a circuit, and what follows from them.

    The function, the circuit and the MFFC are computed on first use and kept.

    Args:
        structure: the circuit it is cut from.
        roots: root variables; output ``j`` is the (uncomplemented) node ``roots[j]``.
        leaves: leaf variables, increasing; input ``i`` is ``leaves[i]``.
        cone: the AND variables between leaves and roots, increasing.
    """

    __slots__ = ("structure", "roots", "leaves", "cone", "_mffc", "_values", "_tables", "_aig")

    def __init__(self, structure: AigStructure, roots: tuple[int, ...],
                 leaves: tuple[int, ...], cone: tuple[int, ...]):
        self.structure = structure
        self.roots = tuple(roots)
        self.leaves = tuple(leaves)
        self.cone = tuple(cone)
        self._mffc = self._values = self._tables = self._aig = None

    def __repr__(self) -> str:
        return (f"Window(roots={list(self.roots)}, leaves={list(self.leaves)}, "
                f"cone={len(self.cone)})")

    @property
    def mffc(self) -> frozenset[int]:
        """The cone variables that disappear with the roots (:func:`~circuitlab.aig.cuts.mffc`)."""
        if self._mffc is None:
            self._mffc = frozenset(mffc(self.structure, self.roots, self.leaves))
        return self._mffc

    @property
    def node_tables(self) -> dict[int, int]:
        """Truth table of every leaf and cone node over the leaves, as ``2^k``-bit ints
        (bit ``m`` = minterm ``m``, leaf ``i`` = bit ``i`` of ``m``)."""
        if self._values is None:
            s, cone = self.structure, self.cone
            value = {0: 0}
            value.update(zip(self.leaves, projections(len(self.leaves))))
            ands = zip(cone, map(s.fanin0.__getitem__, cone), map(s.fanin1.__getitem__, cone))
            self._values = and_tables(value, ands, table_mask(len(self.leaves)))
        return self._values

    @property
    def tables(self) -> tuple[int, ...]:
        """Truth table of each output over the leaves (as :attr:`node_tables`)."""
        if self._tables is None:
            value = self.node_tables
            self._tables = tuple(value[r] for r in self.roots)
        return self._tables

    @property
    def aig(self) -> Aig:
        """The window as a standalone circuit, fan-ins larger literal first."""
        if self._aig is None:
            s = self.structure
            k = len(self.leaves)
            new_var = {0: 0}
            new_var.update((v, i + 1) for i, v in enumerate(self.leaves))
            new_var.update((v, k + 1 + i) for i, v in enumerate(self.cone))
            ands = []
            for v in self.cone:
                a, b = s.fanin0[v], s.fanin1[v]
                x, y = 2 * new_var[a >> 1] | (a & 1), 2 * new_var[b >> 1] | (b & 1)
                ands.append((x, y) if x >= y else (y, x))
            outputs = [2 * new_var[r] for r in self.roots]
            self._aig = Aig(k, np.array(ands, dtype=LIT_DTYPE).reshape(-1, 2), outputs,
                            check=False)
        return self._aig


def find_windows(aig: Aig, count: int, seed: int | Sequence[int] = 0, *, max_inputs: int = 8,
                 max_outputs: int = 2, min_ands: int = 2, max_ands: int = 64,
                 max_tries: int | None = None) -> list[Window]:
    """Up to ``count`` distinct windows of ``aig`` (see the module docstring).

    Args:
        aig: the circuit; latches are cut first (:meth:`Aig.cut_latches`).
        count: windows wanted; fewer come back when ``max_tries`` random
            roots (default ``20 * count + 100``) do not give that many
            distinct ones.
        seed: roots are drawn with ``numpy.random.default_rng(seed)``; the
            same arguments give the same windows.
        max_inputs: most leaves (at most 16).
        max_outputs: most outputs (the root and up to ``max_outputs - 1`` others).
        min_ands: fewest AND nodes inside a window.
        max_ands: the cut stops growing when the window holds this many ANDs.

    Raises:
        CircuitlabError: an argument out of range.
    """
    _check(count, max_inputs, max_outputs, min_ands, max_ands)
    aig = aig.cut_latches()
    if count == 0 or aig.num_ands == 0:
        return []
    s = AigStructure(aig)
    rng = np.random.default_rng(seed)
    tries = 20 * count + 100 if max_tries is None else int(max_tries)
    roots = (rng.integers(0, aig.num_ands, size=tries) + s.first_and).tolist()
    picks = rng.random(tries).tolist()
    params = CutParams(max_leaves=max_inputs, max_cone=max_ands, tie_break="level")
    seen: set[tuple] = set()
    out: list[Window] = []
    for root, pick in zip(roots, picks):
        leaves, cone = reconvergence_driven_cut(s, root, params)
        if len(cone) < min_ands:
            continue
        window = _window(Window(s, (root,), leaves, cone), max_outputs, pick)
        if window is None:
            continue
        key = (len(window.leaves), window.tables)
        if key in seen:
            continue
        seen.add(key)
        out.append(window)
        if len(out) == count:
            break
    return out


def extract_windows(aig: Aig, count: int, seed: int | Sequence[int] = 0, *, max_inputs: int = 8,
                    max_outputs: int = 2, min_ands: int = 2, max_ands: int = 64) -> list[Aig]:
    """The circuits of :func:`find_windows`, same arguments."""
    return [w.aig for w in find_windows(aig, count, seed, max_inputs=max_inputs,
                                        max_outputs=max_outputs, min_ands=min_ands,
                                        max_ands=max_ands)]


def _check(count, max_inputs, max_outputs, min_ands, max_ands) -> None:
    for name, value, lo in (("count", count, 0), ("max_inputs", max_inputs, 2),
                            ("max_outputs", max_outputs, 1), ("min_ands", min_ands, 1),
                            ("max_ands", max_ands, 1)):
        if not isinstance(value, (int, np.integer)) or value < lo:
            raise CircuitlabError(f"{name} must be an integer >= {lo}, got {value!r}")
    if max_inputs > MAX_WINDOW_INPUTS:
        raise CircuitlabError(f"max_inputs must be at most {MAX_WINDOW_INPUTS} (windows are "
                              f"deduplicated by truth table), got {max_inputs}")
    if min_ands > max_ands:
        raise CircuitlabError(f"min_ands {min_ands} exceeds max_ands {max_ands}")


def _window(first: Window, max_outputs: int, pick: float) -> Window | None:
    """``first`` (rooted at its root alone) with up to ``max_outputs - 1`` more roots,
    or ``None`` when its root is trivial; ``pick`` in [0, 1) rotates the choice."""
    s, (root,), leaves, cone = first.structure, first.roots, first.leaves, first.cone
    table = first.node_tables
    mask = table_mask(len(leaves))
    inputs = [table[leaf] for leaf in leaves]
    trivial = {0, mask, *inputs, *(t ^ mask for t in inputs)}
    if table[root] in trivial:
        return None
    if max_outputs == 1:
        return first
    inside_refs: dict[int, int] = {}
    for v in cone:
        for f in (s.fanin0[v] >> 1, s.fanin1[v] >> 1):
            inside_refs[f] = inside_refs.get(f, 0) + 1
    roots = [root]
    taken = {table[root], table[root] ^ mask} | trivial
    others = [v for v in cone if v != root and table[v] not in taken]
    external = [v for v in others if s.refs[v] > inside_refs.get(v, 0)]
    pool = external or others
    start = int(pick * len(pool))  # a random rotation: deterministic given the seed
    for v in pool[start:] + pool[:start]:
        if len(roots) == max_outputs:
            break
        if table[v] not in taken:
            roots.append(v)
            taken.update((table[v], table[v] ^ mask))
    return Window(s, tuple(roots), leaves, cone)
