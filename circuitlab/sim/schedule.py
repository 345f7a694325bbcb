"""Level schedule: the AND nodes grouped by logic level, for vectorised simulation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from circuitlab.aig.aig import Aig
from circuitlab.aig.ops import levels


@dataclass(frozen=True)
class Level:
    """One level's AND nodes and their fan-ins.

    Attributes:
        nodes: variables computed at this level, ``[n]`` int64.
        fanin0, fanin1: fan-in variables, ``[n]`` int64.
        neg0, neg1: all-ones uint64 where the fan-in edge is complemented, ``[n, 1]``.
        contiguous: ``nodes`` is a run ``nodes[0] .. nodes[-1]`` (assign by slice).
        fanins: ``[2n]`` both fan-in columns, for one gather.
        negs: ``[2n, 1]`` their complement masks; None when no edge is complemented.
    """

    nodes: np.ndarray
    fanin0: np.ndarray
    fanin1: np.ndarray
    neg0: np.ndarray
    neg1: np.ndarray
    contiguous: bool
    fanins: np.ndarray
    negs: np.ndarray | None


def schedule(aig: Aig) -> tuple[Level, ...]:
    """The AND nodes of ``aig`` grouped by level (cached on the circuit)."""
    return aig.derived("schedule", _schedule)


def _schedule(aig: Aig) -> tuple[Level, ...]:
    first = aig.first_and_var
    lv = levels(aig)[first:]
    order = np.argsort(lv, kind="stable")
    bounds = np.flatnonzero(np.diff(lv[order])) + 1
    out = []
    all_ones = np.uint64(0xFFFFFFFFFFFFFFFF)
    for group in np.split(order, bounds) if len(order) else []:
        f = aig.ands[group]
        nodes = group + first
        out.append(Level(
            nodes=nodes,
            fanin0=f[:, 0] >> 1, fanin1=f[:, 1] >> 1,
            neg0=((f[:, 0] & 1).astype(np.uint64) * all_ones)[:, None],
            neg1=((f[:, 1] & 1).astype(np.uint64) * all_ones)[:, None],
            contiguous=bool(nodes[-1] - nodes[0] + 1 == len(nodes)),
            fanins=np.concatenate([f[:, 0] >> 1, f[:, 1] >> 1]),
            negs=(((f.T.ravel() & 1).astype(np.uint64) * all_ones)[:, None]
                  if (f & 1).any() else None)))
    return tuple(out)
