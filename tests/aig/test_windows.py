"""Windows cut from real circuits: equal to the cone they came from, distinct, bounded."""

from __future__ import annotations


import numpy as np
import pytest

from circuitlab.aig import Aig, AigBuilder
from circuitlab.errors import CircuitlabError
from circuitlab.io import read_aiger
from circuitlab.sim import random_patterns, simulate, simulate_nodes, table_bits, truth_tables
from circuitlab.sim.tables import bits_to_int
from circuitlab.aig.windows import extract_windows, find_windows
from oracle import truth_table
from shared_data import shared_data


def assert_windows_match(aig: Aig, windows, max_inputs=8, max_outputs=2):
    """Each window, fed its leaves' values, computes its roots' values, and its
    stored tables are its exhaustive truth tables."""
    values = simulate_nodes(aig, random_patterns(aig.num_inputs, 8, seed=1))
    keys = set()
    for w in windows:
        assert 1 <= w.aig.num_inputs <= max_inputs and 1 <= w.aig.num_outputs <= max_outputs
        assert list(w.leaves) == sorted(w.leaves) and len(set(w.roots)) == len(w.roots)
        assert np.array_equal(simulate(w.aig, values[list(w.leaves)]), values[list(w.roots)])
        bits = table_bits(truth_tables(w.aig), w.aig.num_inputs)
        assert np.array_equal(bits.astype(bool), truth_table(w.aig))
        for row, table in zip(bits, w.tables):
            assert bits_to_int(row) == table
        keys.add((w.aig.num_inputs, w.tables))
    assert len(keys) == len(windows)  # deduplicated by truth table


def test_windows_of_c6288_match_their_cones():
    aig = read_aiger(shared_data("aig", "iscas85", "c6288.aig"))
    windows = find_windows(aig, 300, seed=0)
    assert len(windows) == 300
    assert_windows_match(aig, windows)
    assert sum(w.aig.num_outputs == 2 for w in windows) > 250
    again = extract_windows(aig, 300, seed=0)
    assert all(a.structurally_equal(w.aig) for a, w in zip(again, windows))


@pytest.mark.parametrize("max_inputs, max_outputs", [(4, 1), (6, 3), (12, 2)])
def test_window_limits(max_inputs, max_outputs):
    aig = read_aiger(shared_data("aig", "iscas85", "c880.aig"))
    windows = find_windows(aig, 100, seed=3, max_inputs=max_inputs, max_outputs=max_outputs,
                           min_ands=2, max_ands=20)
    assert windows
    assert all(2 <= w.aig.num_ands <= 20 for w in windows)
    assert_windows_match(aig, windows, max_inputs, max_outputs)


def test_reconvergent_cut_on_a_small_circuit():
    """A 2:1 multiplexer below an AND: the cut grows over the reconvergent select."""
    b = AigBuilder()
    s, x, y, z = b.add_inputs(4)
    mux = b.mux(s, x, y)          # 3 ANDs sharing s
    top = b.and_(mux, z)
    b.add_output(top)
    aig = b.build()
    windows = find_windows(aig, 10, seed=0, max_inputs=4, min_ands=4)
    assert windows  # one cut, with different second outputs
    for w in windows:
        assert w.leaves == (1, 2, 3, 4) and w.roots[0] == top >> 1 and w.aig.num_ands == 4
    assert_windows_match(aig, windows, 4)
    # with three leaves the mux cannot be cut below its select
    assert find_windows(aig, 10, seed=0, max_inputs=3, min_ands=4) == []


def test_second_output_prefers_external_fanout():
    b = AigBuilder()
    a, c, d, e = b.add_inputs(4)
    inner = b.and_(a, c)
    other = b.and_(d, e ^ 1)
    root = b.and_(b.and_(inner, other ^ 1), e)
    b.add_output(root)
    b.add_output(b.or_(inner, d))   # only `inner` is needed outside the root's window
    aig = b.build()
    windows = find_windows(aig, 50, seed=0, max_inputs=8, min_ands=4)
    rooted = [w for w in windows if w.roots[0] == root >> 1]
    assert rooted and all(w.roots[1] == inner >> 1 for w in rooted)


def test_no_ands_and_zero_count():
    assert find_windows(Aig(3, [], [2]), 5) == []
    aig = read_aiger(shared_data("aig", "iscas85", "c432.aig"))
    assert find_windows(aig, 0) == []


@pytest.mark.parametrize("kwargs, message", [
    ({"count": -1}, "count"), ({"max_inputs": 17}, "at most 16"), ({"max_inputs": 1}, "max_inputs"),
    ({"max_outputs": 0}, "max_outputs"), ({"min_ands": 5, "max_ands": 4}, "exceeds"),
])
def test_bad_arguments(kwargs, message):
    args = {"count": 5, **kwargs}
    with pytest.raises(CircuitlabError, match=message):
        find_windows(Aig(2, [[4, 2]], [6]), **args)


@pytest.mark.slow
def test_windows_of_hyp():
    """EPFL hyp (214k ANDs): 3000 distinct windows, each matching its cone."""
    aig = read_aiger(shared_data("aig", "epfl_arithmetic", "hyp.aig"))
    windows = find_windows(aig, 3000, seed=0)
    assert len(windows) == 3000
    assert_windows_match(aig, windows[:500])
