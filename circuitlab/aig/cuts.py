"""Reconvergence-driven cuts, cones and fan-out-free cones of an AIG.

A *cut* of a root is a set of leaves such that every path from the root
down to an input crosses a leaf; its *cone* is the AND nodes reached from
the root without crossing a leaf. The *maximum fan-out-free cone* (MFFC)
of roots over leaves is what disappears when the roots are re-expressed
over the leaves: the roots and every cone node whose fan-outs all lie in
the MFFC.

Reconvergence-driven cuts follow Mishchenko, Chatterjee and Brayton,
"DAG-aware AIG rewriting" (DAC 2006, https://doi.org/10.1145/1146909.1146930)
and ABC's ``Abc_NodeFindCut`` (``abcReconv.c``): starting from the root's
fan-ins, the leaf whose expansion adds the fewest new leaves is replaced by
its fan-ins, as long as the cut stays within ``max_leaves``.

Everything here works on :class:`AigStructure`, plain Python lists built
once per circuit, since cuts are grown one node at a time.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple

from circuitlab.aig.aig import Aig
from circuitlab.aig.ops import fanout_counts, levels
from circuitlab.errors import require_at_least, require_choice

__all__ = ["TIE_BREAKS", "AigStructure", "Cut", "CutParams", "CutStats", "cone_nodes", "mffc",
           "reconvergence_driven_cut"]

TIE_BREAKS = ("index", "level")


class AigStructure:
    """Fan-ins, reference counts, levels and a strash table of a combinational ``Aig``.

    Attributes:
        aig: the circuit (latches cut: latch outputs are inputs).
        first_and: the first AND variable.
        fanin0, fanin1: per variable, its fan-in literals (``-1`` for a
            constant or an input).
        refs: per variable, references by ANDs and outputs.
    """

    def __init__(self, aig: Aig):
        comb = aig.cut_latches()
        self.aig = comb
        self.first_and = comb.first_and_var
        pad = [-1] * self.first_and
        self.fanin0: list[int] = pad + comb.ands[:, 0].tolist()
        self.fanin1: list[int] = pad + comb.ands[:, 1].tolist()
        self.refs: list[int] = fanout_counts(comb).tolist()

    @functools.cached_property
    def strash(self) -> dict[tuple[int, int], int]:
        """``(larger fan-in literal, smaller) -> variable`` of every AND."""
        first = self.first_and
        return {(a, b) if a > b else (b, a): first + k
                for k, (a, b) in enumerate(zip(self.fanin0[first:], self.fanin1[first:]))}

    @functools.cached_property
    def level(self) -> list[int]:
        """Per variable, its logic level (:func:`circuitlab.aig.levels`)."""
        return levels(self.aig).tolist()

    def is_and(self, var: int) -> bool:
        return var >= self.first_and


@dataclass(frozen=True)
class CutParams:
    """Options of :func:`reconvergence_driven_cut`.

    Attributes:
        max_leaves: most leaves of the cut.
        max_cone: the cut stops growing when its cone holds this many ANDs
            (``None``: no limit).
        tie_break: which of the leaves adding the fewest new leaves is
            expanded. ``"index"``: the highest variable. ``"level"``: ABC's
            rule, the highest level, the earliest added among equals, and
            the first leaf whose expansion adds no new leaf is taken at once.
    """

    max_leaves: int = 8
    max_cone: int | None = None
    tie_break: str = "index"

    def __post_init__(self) -> None:
        require_at_least(self.max_leaves, 1, "max_leaves")
        if self.max_cone is not None:
            require_at_least(self.max_cone, 1, "max_cone")
        require_choice(self.tie_break, TIE_BREAKS, "tie_break")


@dataclass
class CutStats:
    """What calls of :func:`reconvergence_driven_cut` found, added up over the calls.

    Attributes:
        cuts: cuts computed.
        leaves: leaves of all of them.
        cone: cone nodes of all of them.
        cone_limited: cuts that stopped at ``max_cone`` rather than ``max_leaves``.
    """

    cuts: int = 0
    leaves: int = 0
    cone: int = 0
    cone_limited: int = 0


class Cut(NamedTuple):
    """A cut: its leaves and the AND variables of its cone (the root included), increasing."""

    leaves: tuple[int, ...]
    cone: tuple[int, ...]


def reconvergence_driven_cut(s: AigStructure, root: int, params: CutParams = CutParams(),
                             stats: CutStats | None = None) -> Cut:
    """A reconvergence-driven cut of ``root`` (see the module docstring).

    A leaf is expanded while the cut then keeps at most ``params.max_leaves``
    leaves and the cone is below ``params.max_cone``; the constant is
    never a leaf. A root that is not an AND is its own leaf, with an empty
    cone.

    Args:
        s: the circuit.
        root: a variable of it.
        params: :class:`CutParams`.
        stats: when given, this cut is added to it.
    """
    if not s.is_and(root):
        cut = Cut((root,), ())
        limited = False
    else:
        cut, limited = _grow(s, root, params)
    if stats is not None:
        stats.cuts += 1
        stats.leaves += len(cut.leaves)
        stats.cone += len(cut.cone)
        stats.cone_limited += limited
    return cut


def _grow(s: AigStructure, root: int, params: CutParams) -> tuple[Cut, bool]:
    f0, f1, first = s.fanin0, s.fanin1, s.first_and
    rank = s.level if params.tie_break == "level" else None
    max_leaves = params.max_leaves
    max_cone = params.max_cone or s.aig.num_vars
    visited = {0, root}           # the constant, the cone and every leaf ever added
    leaves: list[int] = []        # in the order added: the "level" rule's tie-break
    for f in (f0[root] >> 1, f1[root] >> 1):
        if f not in visited:
            visited.add(f)
            leaves.append(f)
    cone = [root]
    while len(cone) < max_cone:
        best, best_cost = -1, 3
        for leaf in leaves:
            if leaf < first:
                continue  # an input: cannot be expanded
            cost = (f0[leaf] >> 1 not in visited) + (f1[leaf] >> 1 not in visited) - 1
            if cost < best_cost or (cost == best_cost and (
                    leaf > best if rank is None else rank[leaf] > rank[best])):
                best, best_cost = leaf, cost
                if cost < 0 and rank is not None:
                    break
        if best < 0 or len(leaves) + best_cost > max_leaves:
            return Cut(tuple(sorted(leaves)), tuple(sorted(cone))), False
        leaves.remove(best)
        cone.append(best)
        for f in (f0[best] >> 1, f1[best] >> 1):
            if f not in visited:
                visited.add(f)
                leaves.append(f)
    return Cut(tuple(sorted(leaves)), tuple(sorted(cone))), True


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
