"""Gains of window replacements (MFFC less new nodes, reuse by strashing), a
conflict-free choice, and the substitution itself."""

from __future__ import annotations

import numpy as np

from circuitlab.aig import Aig, AigBuilder
from circuitlab.aig.cuts import AigStructure, cone_nodes
from circuitlab.aig.windows import Window
from circuitlab.optimize.window_apply import (
    Candidate, apply_candidates, evaluate_gain, select_candidates,
)
from circuitlab.verify import Verdict, check_equivalence


def _redundant():
    """f = (a & b) | (a & b & c), which is a & b; g = a & b also an output.

    Vars: a1 b2 c3, n4 = a&b, n5 = n4&c, n6 = ~n4 & ~n5 (f = ~n6).
    """
    b = AigBuilder()
    a, x, c = b.add_inputs(3)
    ab = b.and_(a, x)
    b.add_output(b.or_(ab, b.and_(ab, c)))
    b.add_output(ab)
    return b.build()


def _window(s, roots, leaves):
    return Window(s, roots, leaves, sorted(cone_nodes(s, roots, leaves)))


def _replacement(num_inputs, ands, outputs):
    return Aig(num_inputs, np.array(ands, dtype=np.int64).reshape(-1, 2), outputs)


def test_gain_counts_the_mffc_less_new_nodes_and_reuses_existing_ones():
    aig = _redundant()
    s = AigStructure(aig)
    w = _window(s, [6], [1, 2, 3])
    assert w.mffc == {5, 6}                          # n4 is also an output
    # the replacement a & b exists already (n4): nothing new, two nodes go
    reuse = Candidate(w, _replacement(3, [(2, 4)], [8]), "exact")
    assert evaluate_gain(s, reuse) == 2 and reuse.reused == {4}
    # a & ~b is new: one node for two
    fresh = Candidate(w, _replacement(3, [(2, 5)], [8]), "exact")
    assert evaluate_gain(s, fresh) == 1 and fresh.reused == set()
    # rebuilding the window as it is gains nothing: its own nodes count as new
    same = Candidate(w, _replacement(3, [(2, 4), (8, 6), (9, 11)], [13]), "exact")
    assert evaluate_gain(s, same) == 0


def test_substitution_gives_the_estimated_circuit():
    aig = _redundant()
    s = AigStructure(aig)
    w = _window(s, [6], [1, 2, 3])
    cand = Candidate(w, _replacement(3, [(2, 4)], [9]), "exact")   # ~(a & b), as ~f is n6
    evaluate_gain(s, cand)
    new = apply_candidates(s, [cand])
    assert new.num_ands == aig.num_ands - cand.gain == 1
    assert check_equivalence(aig, new).verdict is Verdict.EQUIVALENT


def test_choice_skips_candidates_that_touch_what_another_removes():
    aig = _redundant()
    s = AigStructure(aig)
    big = Candidate(_window(s, [6], [1, 2, 3]), _replacement(3, [], [0]), "table", gain=2)
    small = Candidate(_window(s, [5], [3, 4]), _replacement(2, [], [0]), "table", gain=1)
    useless = Candidate(_window(s, [4], [1, 2]), _replacement(2, [], [0]), "table", gain=0)
    assert select_candidates([small, useless, big]) == [big]
