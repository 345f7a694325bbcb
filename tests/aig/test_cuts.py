"""Windows of an AIG: reconvergence-driven cuts, cones, MFFCs, window functions."""

from __future__ import annotations

import numpy as np

from circuitlab.aig import AigBuilder
from circuitlab.aig.cuts import (
    AigStructure, cone_nodes, mffc, reconvergent_cut, structural_support, window_aig,
    window_tables,
)
from circuitlab.sim.simulate import table_bits, truth_tables


def _shared():
    """n1 = a&b feeds n2 = n1&c and n3 = n1&~c; outputs n2, n3 (vars: a1 b2 c3 n1=4 n2=5 n3=6)."""
    b = AigBuilder()
    a, bb, c = b.add_inputs(3)
    n1 = b.and_(a, bb)
    b.add_output(b.and_(n1, c))
    b.add_output(b.and_(n1, c ^ 1))
    return b.build()


def test_cut_cone_and_mffc_of_a_shared_node():
    s = AigStructure(_shared())
    leaves, cone = reconvergent_cut(s, 5, 3)
    assert leaves == [1, 2, 3] and cone == {4, 5}
    assert cone_nodes(s, [5], leaves) == {4, 5}
    assert mffc(s, [5], leaves) == {5}            # n1 also feeds n3
    assert mffc(s, [5, 6], leaves) == {4, 5, 6}   # with both roots it disappears
    assert mffc(s, [5], [4, 3]) == {5}
    assert s.refs == [0, 1, 1, 2, 2, 1, 1]        # restored after each call


def test_the_cut_respects_the_leaf_limit():
    s = AigStructure(_shared())
    leaves, cone = reconvergent_cut(s, 5, 2)
    assert leaves == [3, 4] and cone == {5}
    assert reconvergent_cut(s, 2, 4) == ([2], set())  # an input is its own leaf


def test_window_tables_and_window_aig_agree_with_simulation():
    aig = _shared()
    s = AigStructure(aig)
    leaves = [1, 2, 3]
    cone = cone_nodes(s, [5, 6], leaves)
    t5, t6 = window_tables(s, [5, 6], leaves, cone)
    assert t5 == 0b10000000 and t6 == 0b00001000   # a&b&c, a&b&~c
    win = window_aig(s, [5, 6], leaves, cone)
    assert (win.num_inputs, win.num_ands, win.num_outputs) == (3, 3, 2)
    bits = table_bits(truth_tables(win), 3)
    assert [int(sum(int(x) << m for m, x in enumerate(row))) for row in bits] == [t5, t6]
    assert structural_support(win) == [{0, 1, 2}, {0, 1, 2}]


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
    for k in range(2, 9):
        leaves, cone = reconvergent_cut(s, root, k)
        assert len(leaves) == k and len(cone) == k - 1
        # the leaves cut every path from the root to the inputs
        assert cone_nodes(s, [root], leaves) == cone
    assert np.array_equal(s.refs, [0] + [1] * 12 + [1] * 11)
