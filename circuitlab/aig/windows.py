"""Windows: small multi-output sub-circuits cut out of a large AIG.

A window is rooted at a random AND node; its inputs (leaves) are a
reconvergence-driven cut of the root, grown as ABC's ``Abc_NodeFindCut``
does: starting from the root's fan-ins, repeatedly expand the leaf whose
expansion adds the fewest new leaves (ties: the leaf of highest level),
while the cut stays within ``max_inputs`` leaves. Every node expanded is
inside the window, and every window node lies in the root's cone. Further
outputs are other window nodes, preferably ones with a fan-out outside the
window (their value is needed elsewhere, so the window must keep it).

Windows are deduplicated by their truth tables (over the leaves, in
increasing variable order); windows whose output is constant or equal to a
leaf, or two outputs of equal function (or complement), do not occur.

Reference: Mishchenko, Chatterjee, Brayton, "DAG-aware AIG rewriting",
DAC 2006 (reconvergence-driven cuts, as in ABC's ``abcReconv.c``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from circuitlab.aig.aig import LIT_DTYPE, Aig
from circuitlab.aig.ops import fanout_counts, levels
from circuitlab.errors import CircuitlabError
from circuitlab.sim.tables import projections, table_mask

__all__ = ["Window", "extract_windows", "find_windows"]

MAX_WINDOW_INPUTS = 16


@dataclass(frozen=True)
class Window:
    """A window and where it came from.

    Attributes:
        aig: the window as a standalone circuit: input ``k`` is ``leaves[k]``,
            output ``j`` is the (uncomplemented) node ``roots[j]``.
        leaves: variables of the original circuit feeding the window, increasing.
        roots: variables of the original circuit computed by the outputs;
            ``roots[0]`` is the root.
        tables: truth table of each output over the leaves, as ``2^k``-bit
            integers (bit ``m`` = minterm ``m``, leaf ``i`` = bit ``i`` of ``m``).
    """

    aig: Aig
    leaves: tuple[int, ...]
    roots: tuple[int, ...]
    tables: tuple[int, ...]


class _Graph:
    """The fan-in lists, levels and fan-out counts of a circuit, as Python lists."""

    def __init__(self, aig: Aig):
        self.first = aig.first_and_var
        self.num_vars = aig.num_vars
        self.fanin0 = [0] * self.first + (aig.ands[:, 0] >> 1).tolist()
        self.fanin1 = [0] * self.first + (aig.ands[:, 1] >> 1).tolist()
        self.neg0 = [0] * self.first + (aig.ands[:, 0] & 1).tolist()
        self.neg1 = [0] * self.first + (aig.ands[:, 1] & 1).tolist()
        self.level = levels(aig).tolist()
        self.fanouts = fanout_counts(aig).tolist()


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
    g = _Graph(aig)
    rng = np.random.default_rng(seed)
    tries = 20 * count + 100 if max_tries is None else int(max_tries)
    roots = (rng.integers(0, aig.num_ands, size=tries) + g.first).tolist()
    picks = rng.random(tries).tolist()
    tables_by_size = [projections(k) for k in range(max_inputs + 1)]
    seen: set[tuple] = set()
    out: list[Window] = []
    for root, pick in zip(roots, picks):
        leaves, inner = _cut(g, root, max_inputs, max_ands)
        if len(inner) < min_ands:
            continue
        window = _window(g, root, leaves, inner, max_outputs, pick, tables_by_size[len(leaves)])
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


def _cut(g: _Graph, root: int, max_inputs: int, max_ands: int) -> tuple[list[int], list[int]]:
    """Reconvergence-driven cut of ``root``: (leaves, expanded nodes)."""
    fanin0, fanin1, level, first = g.fanin0, g.fanin1, g.level, g.first
    visited = {0, root}
    leaves: list[int] = []
    for f in (fanin0[root], fanin1[root]):
        if f not in visited:
            visited.add(f)
            leaves.append(f)
    inner = [root]
    while len(inner) < max_ands:
        best, best_cost = -1, 3
        for leaf in leaves:
            if leaf < first:
                continue  # an input: cannot be expanded
            cost = (fanin0[leaf] not in visited) + (fanin1[leaf] not in visited) - 1
            if cost < best_cost or (cost == best_cost and level[leaf] > level[best]):
                best, best_cost = leaf, cost
                if cost < 0:
                    break
        if best < 0 or len(leaves) + best_cost > max_inputs:
            break
        leaves.remove(best)
        inner.append(best)
        for f in (fanin0[best], fanin1[best]):
            if f not in visited:
                visited.add(f)
                leaves.append(f)
    return leaves, inner


def _window(g: _Graph, root: int, leaves: list[int], inner: list[int], max_outputs: int,
            pick: float, input_tables: list[int]) -> Window | None:
    leaves = sorted(leaves)
    inner = sorted(inner)
    k = len(leaves)
    mask = table_mask(k)
    table = {0: 0}
    table.update(zip(leaves, input_tables))
    fanin0, fanin1, neg0, neg1 = g.fanin0, g.fanin1, g.neg0, g.neg1
    inside_refs: dict[int, int] = {}
    for v in inner:
        a, b = fanin0[v], fanin1[v]
        table[v] = (table[a] ^ (mask if neg0[v] else 0)) & (table[b] ^ (mask if neg1[v] else 0))
        inside_refs[a] = inside_refs.get(a, 0) + 1
        inside_refs[b] = inside_refs.get(b, 0) + 1
    trivial = {0, mask, *input_tables, *(t ^ mask for t in input_tables)}
    if table[root] in trivial:
        return None
    roots = [root]
    taken = {table[root], table[root] ^ mask} | trivial
    if max_outputs > 1:
        others = [v for v in inner if v != root and table[v] not in taken]
        external = [v for v in others if g.fanouts[v] > inside_refs.get(v, 0)]
        pool = external or others
        start = int(pick * len(pool))  # a random rotation: deterministic given the seed
        for v in pool[start:] + pool[:start]:
            if len(roots) == max_outputs:
                break
            if table[v] not in taken:
                roots.append(v)
                taken.update((table[v], table[v] ^ mask))
    new_var = {0: 0}
    new_var.update((v, i + 1) for i, v in enumerate(leaves))
    new_var.update((v, k + 1 + i) for i, v in enumerate(inner))
    ands = [(2 * new_var[fanin0[v]] + neg0[v], 2 * new_var[fanin1[v]] + neg1[v]) for v in inner]
    ands = [(x, y) if x >= y else (y, x) for x, y in ands]
    outputs = [2 * new_var[v] for v in roots]
    aig = Aig(k, np.array(ands, dtype=LIT_DTYPE).reshape(-1, 2), outputs, check=False)
    return Window(aig=aig, leaves=tuple(leaves), roots=tuple(roots),
                  tables=tuple(table[v] for v in roots))
