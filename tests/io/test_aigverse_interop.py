"""aigverse interop: exact round trips, names, in-place networks, speed."""

from __future__ import annotations


import numpy as np
import pytest
from aigverse.algorithms import aig_resubstitution, equivalence_checking, sop_refactoring
from aigverse.networks import Aig as AigverseAig
from aigverse.networks import NamedAig
from hypothesis import given, settings

from circuitlab.aig import Aig, AigBuilder
from circuitlab.errors import CircuitlabError
from circuitlab.io import from_aigverse, read_aiger, to_aigverse

from strategies import random_aigs  # noqa: E402
from oracle import truth_table
from shared_data import AIG_DATA



def mux_circuit() -> Aig:
    b = AigBuilder()
    s, x, y = b.add_input("s"), b.add_input("x"), b.add_input("y")
    m = b.mux(s, x, y)
    b.add_output(m, "m")
    b.add_output(m ^ 1, "not_m")
    b.add_output(x, "x_buf")
    b.add_output(1, "one")
    b.add_output(0, "zero")
    return b.build()


def test_mux_round_trip_exact():
    aig = mux_circuit()
    for names in (True, False):
        net = to_aigverse(aig, names=names)
        assert isinstance(net, NamedAig) == names
        assert (net.num_pis, net.num_pos, net.num_gates) == (3, 5, 3)
        back = from_aigverse(net)
        assert back.structurally_equal(aig, names=names)
    assert from_aigverse(to_aigverse(aig)).input_names == ("s", "x", "y")
    assert from_aigverse(to_aigverse(aig)).output_names == ("m", "not_m", "x_buf", "one", "zero")


@pytest.mark.parametrize("aig", [Aig(0, [], []), Aig(0, [], [1, 0]), Aig(2, [], []),
                                 Aig(2, [], [3, 4])], ids=["empty", "consts", "no-out", "wires"])
def test_degenerate_round_trip(aig):
    for names in (True, False):
        assert from_aigverse(to_aigverse(aig, names=names)).structurally_equal(aig)


def test_trivial_and_rows_are_folded():
    # rows a&a, a&1 and a duplicate: aigverse's create_and folds and strashes them
    aig = Aig(2, [[2, 2], [2, 1], [4, 2], [4, 2]], [6, 8, 10, 12], check=True)
    for names in (True, False):
        net = to_aigverse(aig, names=names)
        assert net.num_gates == 1
        back = from_aigverse(net)
        assert back.num_ands == 1
        assert np.array_equal(truth_table(back), truth_table(aig))


@settings(max_examples=60, deadline=None)
@given(random_aigs(max_inputs=7, max_ands=40, max_outputs=4, min_outputs=0))
def test_random_round_trip(aig):
    for names in (True, False):
        back = from_aigverse(to_aigverse(aig, names=names))
        assert back.structurally_equal(aig, names=False)
        assert np.array_equal(truth_table(back), truth_table(aig))


def test_sequential_refused():
    b = AigBuilder()
    q = b.add_latch("q")
    b.set_latch_next(q, q ^ 1)
    b.add_output(q)
    with pytest.raises(CircuitlabError, match="cut_latches"):
        to_aigverse(b.build())
    net = to_aigverse(b.build().cut_latches())
    assert (net.num_pis, net.num_pos) == (1, 2)


def test_names_from_named_aig_and_defaults():
    net = NamedAig()
    a, b, c = net.create_pi("a"), net.create_pi(), net.create_pi("c")
    net.create_po(net.create_and(a, ~b), "f")
    net.create_po(net.create_or(b, c))
    back = from_aigverse(net)
    assert back.input_names == ("a", "i1", "c")
    assert back.output_names == ("f", "o1")


def test_late_input_and_plain_network():
    net = AigverseAig()
    a, b = net.create_pi(), net.create_pi()
    g = net.create_and(a, b)
    c = net.create_pi()  # created after a gate: node index order is not AIGER order
    net.create_po(net.create_and(g, ~c))
    back = from_aigverse(net)
    assert (back.num_inputs, back.num_ands) == (3, 2)
    expected = [((m & 1) and (m >> 1 & 1) and not (m >> 2 & 1)) for m in range(8)]
    assert truth_table(back)[0].tolist() == expected


@pytest.mark.needs_data("aig")
@pytest.mark.parametrize("inplace", [aig_resubstitution, sop_refactoring])
def test_in_place_network_with_dead_nodes(inplace):
    aig = read_aiger(AIG_DATA / "iscas85" / "c432.aig")
    net = to_aigverse(aig, names=False)
    inplace(net, inplace=True)  # leaves dead nodes and a non-topological node order
    assert net.size > 1 + net.num_pis + net.num_gates
    back = from_aigverse(net)
    assert back.num_ands <= net.num_gates
    assert equivalence_checking(to_aigverse(aig, names=False), to_aigverse(back, names=False))


@pytest.mark.needs_data("aig")
def test_iscas_names_round_trip():
    aig = read_aiger(AIG_DATA / "iscas85" / "c880.aig")
    assert from_aigverse(to_aigverse(aig)).structurally_equal(aig, names=True)


@pytest.mark.needs_data("aig")
@pytest.mark.slow
def test_hyp_round_trips_both_ways():
    # 214k ANDs; the conversions' speed is benchmarks/bench_aigverse_interop.py's
    aig = read_aiger(AIG_DATA / "epfl_arithmetic" / "hyp.aig")
    for names in (True, False):
        back = from_aigverse(to_aigverse(aig, names=names))
        assert back.structurally_equal(aig, names=names)
