"""Reconvergence-driven cuts, cones and MFFCs, and the windows built on them."""

from __future__ import annotations

import numpy as np
import pytest

from circuitlab.aig import Aig, AigBuilder
from circuitlab.aig.cuts import (
    AigStructure, CutParams, CutStats, cone_nodes, mffc, reconvergence_driven_cut,
)
from circuitlab.aig.windows import Window
from circuitlab.errors import CircuitlabError
from circuitlab.sim.simulate import table_bits, truth_tables
from oracle import truth_table


def _shared():
    """n1 = a&b feeds n2 = n1&c and n3 = n1&~c; outputs n2, n3 (vars: a1 b2 c3 n1=4 n2=5 n3=6)."""
    b = AigBuilder()
    a, bb, c = b.add_inputs(3)
    n1 = b.and_(a, bb)
    b.add_output(b.and_(n1, c))
    b.add_output(b.and_(n1, c ^ 1))
    return b.build()


def _cut(s, root, max_leaves, **kwargs):
    return reconvergence_driven_cut(s, root, CutParams(max_leaves=max_leaves, **kwargs))


def test_cut_cone_and_mffc_of_a_shared_node():
    s = AigStructure(_shared())
    leaves, cone = _cut(s, 5, 3)
    assert leaves == (1, 2, 3) and cone == (4, 5)
    assert cone_nodes(s, [5], leaves) == {4, 5}
    assert mffc(s, [5], leaves) == {5}            # n1 also feeds n3
    assert mffc(s, [5, 6], leaves) == {4, 5, 6}   # with both roots it disappears
    assert mffc(s, [5], [4, 3]) == {5}
    assert s.refs == [0, 1, 1, 2, 2, 1, 1]        # restored after each call


def test_the_cut_respects_the_leaf_limit():
    s = AigStructure(_shared())
    leaves, cone = _cut(s, 5, 2)
    assert leaves == (3, 4) and cone == (5,)
    assert _cut(s, 2, 4) == ((2,), ())            # an input is its own leaf


def test_window_tables_and_circuit_agree_with_simulation():
    aig = _shared()
    s = AigStructure(aig)
    leaves = (1, 2, 3)
    win = Window(s, [5, 6], leaves, sorted(cone_nodes(s, [5, 6], leaves)))
    assert win.tables == (0b10000000, 0b00001000)   # a&b&c, a&b&~c
    assert win.mffc == {4, 5, 6}
    circuit = win.aig
    assert (circuit.num_inputs, circuit.num_ands, circuit.num_outputs) == (3, 3, 2)
    bits = table_bits(truth_tables(circuit), 3)
    assert [int(sum(int(x) << m for m, x in enumerate(row))) for row in bits] == list(win.tables)
    assert np.array_equal(bits.astype(bool), truth_table(circuit))


def test_cuts_of_a_deep_chain_stay_within_the_limit():
    b = AigBuilder()
    xs = b.add_inputs(12)
    acc = xs[0]
    for x in xs[1:]:
        acc = b.and_(acc, x)
    b.add_output(acc)
    aig = b.build()
    s = AigStructure(aig)
    root = aig.num_vars - 1
    stats = CutStats()
    for k in range(2, 9):
        leaves, cone = reconvergence_driven_cut(s, root, CutParams(max_leaves=k), stats)
        assert len(leaves) == k and len(cone) == k - 1
        # the leaves cut every path from the root to the inputs
        assert cone_nodes(s, [root], leaves) == set(cone)
    assert stats == CutStats(cuts=7, leaves=sum(range(2, 9)), cone=sum(range(1, 8)))
    assert np.array_equal(s.refs, [0] + [1] * 12 + [1] * 11)
    leaves, cone = reconvergence_driven_cut(s, root, CutParams(max_cone=3), stats)
    assert len(cone) == 3 and len(leaves) == 4 and stats.cone_limited == 1


def _tie():
    """Root r = p & q over p = a & b (level 1) and q = c & t, t = d & e (level 2):
    expanding p or q each adds one leaf, p is the higher variable, q the higher level."""
    b = AigBuilder()
    a, bb, c, d, e = b.add_inputs(5)
    t = b.and_(d, e)             # var 6
    q = b.and_(c, t)             # var 7
    p = b.and_(a, bb)            # var 8
    r = b.and_(p, q)             # var 9
    b.add_output(r)
    return b.build(), p >> 1, q >> 1, r >> 1


def test_the_tie_break_picks_the_highest_variable_or_the_highest_level():
    aig, p, q, r = _tie()
    assert (p, q) == (8, 7)
    s = AigStructure(aig)
    by_index = _cut(s, r, 3, tie_break="index")
    by_level = _cut(s, r, 3, tie_break="level")
    assert by_index.cone == (p, r) and by_index.leaves == (1, 2, q)
    assert by_level.cone == (q, r) and by_level.leaves == (3, 6, p)


def test_the_level_rule_takes_the_first_free_expansion():
    """With the cone stopped at 7 nodes, leaves 7 (level 2, listed first) and 6
    (level 3) both have their fan-ins in the cut: expanding either adds no leaf.
    ABC's rule takes the first such leaf at once, not the one of higher level."""
    aig = Aig(3, [[7, 4], [8, 3], [10, 5], [8, 5], [11, 4], [12, 11], [14, 12], [21, 16],
                  [18, 15], [22, 3], [27, 10]], [28])
    s = AigStructure(aig)
    assert (s.level[6], s.level[7]) == (3, 2)
    assert _cut(s, 14, 8, max_cone=7, tie_break="level").leaves == (1, 2, 3, 6, 7)
    cut = _cut(s, 14, 8, max_cone=8, tie_break="level")
    assert cut == ((1, 2, 3, 6), (4, 5, 7, 8, 10, 11, 13, 14))


@pytest.mark.parametrize("kwargs", [{"max_leaves": 0}, {"max_cone": 0}, {"tie_break": "depth"}])
def test_bad_cut_params(kwargs):
    with pytest.raises(CircuitlabError):
        CutParams(**kwargs)
