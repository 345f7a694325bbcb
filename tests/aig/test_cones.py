"""Cones: sizes and supports, and a cone as a standalone circuit over chosen leaves."""

import pytest

from circuitlab.aig import Aig
from circuitlab.aig.cones import cone_info, extract_cone, structural_support
from circuitlab.errors import CircuitlabError
from circuitlab.sim import table_bits, truth_tables

# inputs a, b, c (vars 1..3); n4 = a & b, n5 = n4 & ~c, n6 = a & c
SMALL = Aig(3, [[2, 4], [8, 7], [2, 6]], [10, 12], input_names=["a", "b", "c"])


def _bits(aig):
    return table_bits(truth_tables(aig), aig.num_inputs)[0].tolist()


def test_cone_sizes_and_supports_by_hand():
    info = cone_info(SMALL)
    assert info.ands.tolist() == [0, 0, 0, 0, 1, 2, 1]
    assert info.support[5] == {1, 2, 3} and info.support[6] == {1, 3} and info.support[2] == {2}


def test_extract_keeps_the_function_on_the_given_leaves():
    nand = extract_cone(SMALL, 2 * 5 + 1, [1, 2, 3])
    assert nand.input_names == ("a", "b", "c") and nand.num_outputs == 1
    # minterm m: a = bit 0, b = bit 1, c = bit 2
    assert _bits(nand) == [int(not (m & 1 and m & 2 and not m & 4)) for m in range(8)]
    ac = extract_cone(SMALL, 12, [3, 1, 2])       # leaves in the order given; b unused
    assert ac.input_names == ("c", "a", "b") and ac.num_ands == 1
    assert _bits(ac) == [int(bool(m & 1 and m & 2)) for m in range(8)]


def test_a_cone_reading_a_missing_leaf_is_refused():
    with pytest.raises(CircuitlabError, match="reads input 'b'"):
        extract_cone(SMALL, 10, [1, 3])
    with pytest.raises(CircuitlabError, match="distinct input variables"):
        extract_cone(SMALL, 10, [1, 4])


def test_structural_support_by_output():
    assert structural_support(SMALL) == [{0, 1, 2}, {0, 2}]
    assert structural_support(Aig(2, [], [0, 4, 3])) == [set(), {1}, {0}]


def test_cone_info_refuses_latches():
    with pytest.raises(CircuitlabError, match="combinational"):
        cone_info(Aig(1, [], [2], [[2, 0]]))
