"""Windows of an AIG: reconvergence-driven cuts, cones, fan-out-free cones.

A *window* is a set of root nodes, a set of leaves (a cut: every path from
a root down to an input crosses a leaf) and the *cone* between them: the
AND nodes reached from the roots without crossing a leaf. Its *maximum
fan-out-free cone* (MFFC) is the part of the cone that disappears when the
roots are re-expressed over the leaves: the roots themselves and every cone
node whose fan-outs all lie in the MFFC.

Reconvergence-driven cuts follow Mishchenko, Chatterjee and Brayton, "DAG-aware
AIG rewriting" (DAC 2006, https://doi.org/10.1145/1146909.1146930) and ABC's
``Abc_NodeFindCut``: starting from the root's fan-ins, the leaf whose
expansion adds the fewest new leaves is replaced by its fan-ins, as long as
the cut stays within ``max_leaves``.

Everything here works on :class:`AigStructure`, plain Python lists built
once per circuit, since windows are grown one node at a time.
"""

from __future__ import annotations

import functools

import numpy as np

from circuitlab.aig.aig import Aig
from circuitlab.aig.ops import fanout_counts

__all__ = ["AigStructure", "Window", "cone_nodes", "leaf_table", "mffc", "reconvergent_cut",
           "structural_support", "window_aig", "window_tables"]


class AigStructure:
    """Fan-ins, reference counts and a strash table of a combinational ``Aig``.

    Attributes:
        aig: the circuit (latches cut: latch outputs are inputs).
        first_and: the first AND variable.
        fanin0, fanin1: per variable, its fan-in literals (``-1`` for a
            constant or an input).
        refs: per variable, references by ANDs and outputs.
        strash: ``(larger fan-in literal, smaller) -> variable`` of every AND.
    """

    def __init__(self, aig: Aig):
        comb = aig.cut_latches()
        self.aig = comb
        self.first_and = comb.first_and_var
        pad = [-1] * self.first_and
        self.fanin0: list[int] = pad + comb.ands[:, 0].tolist()
        self.fanin1: list[int] = pad + comb.ands[:, 1].tolist()
        self.refs: list[int] = fanout_counts(comb).tolist()
        self.strash: dict[tuple[int, int], int] = {
            (a, b) if a > b else (b, a): self.first_and + k
            for k, (a, b) in enumerate(zip(self.fanin0[self.first_and:],
                                           self.fanin1[self.first_and:]))}

    def is_and(self, var: int) -> bool:
        return var >= self.first_and


class Window:
    """Roots, leaves, cone and MFFC of one window.

    Attributes:
        roots: root variables, in increasing order.
        leaves: leaf variables, in increasing order (window input ``i`` is
            ``leaves[i]``).
        cone: the AND variables between leaves and roots, increasing.
        mffc: the cone variables that disappear with the roots.
    """

    __slots__ = ("roots", "leaves", "cone", "mffc")

    def __init__(self, roots, leaves, cone, mffc):
        self.roots = tuple(sorted(roots))
        self.leaves = tuple(sorted(leaves))
        self.cone = tuple(sorted(cone))
        self.mffc = frozenset(mffc)

    def __repr__(self) -> str:
        return (f"Window(roots={list(self.roots)}, leaves={list(self.leaves)}, "
                f"cone={len(self.cone)}, mffc={len(self.mffc)})")


def reconvergent_cut(s: AigStructure, root: int, max_leaves: int) -> tuple[list[int], set[int]]:
    """A reconvergence-driven cut of ``root`` with at most ``max_leaves`` leaves.

    Returns:
        ``(leaves, cone)``: the leaf variables and the AND variables of the
        cone (the root included). A root that is not an AND is its own leaf.
    """
    if not s.is_and(root):
        return [root], set()
    f0, f1 = s.fanin0, s.fanin1
    first = s.first_and
    cone = {root}
    leaves = {f0[root] >> 1, f1[root] >> 1}
    leaves.discard(0)
    while True:
        best, best_cost, best_key = -1, 99, -1
        for leaf in leaves:
            if leaf < first:
                continue
            a, b = f0[leaf] >> 1, f1[leaf] >> 1
            cost = (a not in leaves and a not in cone and a != 0) \
                + (b not in leaves and b not in cone and b != 0) - 1
            # fewest new leaves first, then the highest node
            if cost < best_cost or (cost == best_cost and leaf > best_key):
                best, best_cost, best_key = leaf, cost, leaf
        if best < 0 or len(leaves) + best_cost > max_leaves:
            return sorted(leaves), cone
        leaves.discard(best)
        cone.add(best)
        for v in (f0[best] >> 1, f1[best] >> 1):
            if v and v not in cone:
                leaves.add(v)


def cone_nodes(s: AigStructure, roots, leaves) -> set[int]:
    """AND variables reached from ``roots`` without crossing ``leaves`` (roots included)."""
    stop = set(leaves)
    cone: set[int] = set()
    stack = [r for r in roots if s.is_and(r) and r not in stop]
    while stack:
        v = stack.pop()
        if v in cone:
            continue
        cone.add(v)
        for w in (s.fanin0[v] >> 1, s.fanin1[v] >> 1):
            if s.is_and(w) and w not in stop and w not in cone:
                stack.append(w)
    return cone


def mffc(s: AigStructure, roots, leaves) -> set[int]:
    """The nodes that disappear when ``roots`` are re-expressed over ``leaves``.

    The roots (those that are ANDs) and every AND node below them, short of
    the leaves, whose references all come from nodes that disappear.
    ``s.refs`` is restored before returning.
    """
    stop = set(leaves)
    gone = {r for r in roots if s.is_and(r) and r not in stop}
    touched: list[int] = []
    stack = list(gone)
    refs = s.refs
    while stack:
        v = stack.pop()
        for w in (s.fanin0[v] >> 1, s.fanin1[v] >> 1):
            if not s.is_and(w) or w in stop or w in gone:
                continue
            refs[w] -= 1
            touched.append(w)
            if refs[w] == 0:
                gone.add(w)
                stack.append(w)
    for w in touched:
        refs[w] += 1
    return gone


def window_tables(s: AigStructure, roots, leaves, cone) -> list[int]:
    """Truth tables of ``roots`` over ``leaves`` as ints of ``2^len(leaves)`` bits.

    Bit ``m`` is the value on leaf pattern ``m`` (leaf ``i`` = bit ``i`` of ``m``).
    """
    n = len(leaves)
    mask = (1 << (1 << n)) - 1
    value = {0: 0}
    for i, leaf in enumerate(leaves):
        value[leaf] = leaf_table(i, n)
    f0, f1 = s.fanin0, s.fanin1
    for v in sorted(cone):
        a, b = f0[v], f1[v]
        x = value[a >> 1] ^ (mask if a & 1 else 0)
        y = value[b >> 1] ^ (mask if b & 1 else 0)
        value[v] = x & y
    return [value[r] for r in roots]


@functools.lru_cache(maxsize=None)
def _projections(n: int) -> tuple[int, ...]:
    from circuitlab.sim.tables import projections
    return tuple(projections(n))


def leaf_table(i: int, n: int) -> int:
    """The table of leaf ``i`` itself over ``n`` leaves (bit ``m`` = bit ``i`` of ``m``)."""
    return _projections(n)[i]


def window_aig(s: AigStructure, roots, leaves, cone) -> Aig:
    """The window as a circuit: input ``i`` is ``leaves[i]``, output ``j`` is ``roots[j]``."""
    var_of = {0: 0}
    for i, leaf in enumerate(leaves):
        var_of[leaf] = i + 1
    ands = []
    for v in sorted(cone):
        var_of[v] = len(leaves) + 1 + len(ands)
        a, b = s.fanin0[v], s.fanin1[v]
        ands.append((2 * var_of[a >> 1] | (a & 1), 2 * var_of[b >> 1] | (b & 1)))
    outs = [2 * var_of[r] for r in roots]
    return Aig(len(leaves), np.array(ands, dtype=np.int64).reshape(-1, 2), outs)


def structural_support(aig: Aig) -> list[set[int]]:
    """Per output of a combinational ``aig``, the inputs (0-based) its cone reaches."""
    sup: list[set[int]] = [set()] + [{i} for i in range(aig.num_inputs)]
    for a, b in aig.ands.tolist():
        sup.append(sup[a >> 1] | sup[b >> 1])
    return [sup[o >> 1] for o in aig.outputs.tolist()]
