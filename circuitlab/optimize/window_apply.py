"""The gain of a window replacement, a conflict-free choice of replacements, and their substitution.

The gain of replacing a window's roots by a circuit over its leaves is the
number of MFFC nodes that disappear less the AND nodes the replacement
needs that do not exist already (structural hashing against the current
circuit; an existing node inside the MFFC counts as new, since it would
otherwise disappear), as in DAG-aware rewriting (Mishchenko, Chatterjee,
Brayton, DAC 2006, https://doi.org/10.1145/1146909.1146930).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from circuitlab.aig import Aig, AigBuilder, cleanup
from circuitlab.aig.cuts import AigStructure
from circuitlab.aig.windows import Window

__all__ = ["Candidate", "apply_candidates", "evaluate_gain", "select_candidates"]


@dataclass
class Candidate:
    """A replacement of a window's roots.

    Attributes:
        window: the window replaced.
        aig: the replacement; input ``i`` is ``window.leaves[i]``, output
            ``j`` replaces ``window.roots[j]``.
        generator: which generator made it (``"table"``, ``"exact"``, ...).
        gain: AND nodes the substitution removes (from :func:`evaluate_gain`).
        reused: existing nodes outside the MFFC that the replacement uses.
    """

    window: Window
    aig: Aig
    generator: str
    gain: int = 0
    reused: frozenset = field(default_factory=frozenset)


def evaluate_gain(s: AigStructure, cand: Candidate) -> int:
    """Set and return ``cand.gain`` (and ``cand.reused``) against the circuit of ``s``."""
    window = cand.window
    fresh = 2 * s.aig.num_vars
    lit_of = [0] + [2 * leaf for leaf in window.leaves]
    new = 0
    reused = set()
    strash, mffc = s.strash, window.mffc
    for a, b in cand.aig.ands.tolist():
        x = lit_of[a >> 1] ^ (a & 1)
        y = lit_of[b >> 1] ^ (b & 1)
        if x < y:
            x, y = y, x
        if y == 0 or x == y ^ 1:
            lit_of.append(0)
            continue
        if y == 1 or x == y:
            lit_of.append(x)
            continue
        hit = strash.get((x, y)) if x < fresh else None
        if hit is not None and hit not in mffc:
            reused.add(hit)
            lit_of.append(2 * hit)
        else:
            new += 1
            lit_of.append(fresh)
            fresh += 2
    cand.reused = frozenset(reused)
    cand.gain = len(mffc) - new
    return cand.gain


def select_candidates(cands: list[Candidate]) -> list[Candidate]:
    """Positive-gain candidates, best first, whose substitutions do not interfere.

    A candidate is taken when nothing it reads (cone, leaves, reused nodes)
    disappears with a candidate taken before, and nothing that disappears
    with it is read by one taken before; then the gains add up.
    """
    dead: set[int] = set()
    used: set[int] = set()
    taken = []
    for cand in sorted(cands, key=lambda c: (-c.gain, c.window.roots)):
        if cand.gain <= 0:
            break
        w = cand.window
        reads = set(w.cone) | set(w.leaves) | cand.reused
        if not reads.isdisjoint(dead) or not w.mffc.isdisjoint(used):
            continue
        taken.append(cand)
        dead |= w.mffc
        used |= reads
    return taken


def apply_candidates(s: AigStructure, cands: list[Candidate]) -> Aig:
    """The circuit of ``s`` with every candidate's roots replaced, cleaned of dead nodes.

    Every leaf of a candidate must precede each of its roots (true of a
    root's own cut; :mod:`circuitlab.optimize.windowed` keeps two-root
    windows to that), so the replacement is built when its first root is met.
    """
    comb = s.aig
    root_of: dict[int, tuple[int, int]] = {}
    for k, cand in enumerate(cands):
        for j, r in enumerate(cand.window.roots):
            root_of[r] = (k, j)
    built: dict[int, list[int]] = {}
    b = AigBuilder()
    lit_of = [0] + [b.add_input(name) for name in comb.input_names]
    f0, f1 = s.fanin0, s.fanin1
    for v in range(s.first_and, comb.num_vars):
        hit = root_of.get(v)
        if hit is None:
            a, c = f0[v], f1[v]
            lit_of.append(b.and_(lit_of[a >> 1] ^ (a & 1), lit_of[c >> 1] ^ (c & 1)))
            continue
        k, j = hit
        if k not in built:
            leaves = [lit_of[leaf] for leaf in cands[k].window.leaves]
            built[k] = b.add_aig(cands[k].aig, leaves)
        lit_of.append(built[k][j])
    for o, name in zip(comb.outputs.tolist(), comb.output_names):
        b.add_output(lit_of[o >> 1] ^ (o & 1), name)
    return cleanup(b.build(comments=comb.comments))
