"""py-aiger interop: names, latch resets, same function both ways, py-aiger's own simulation."""

from __future__ import annotations


import aiger
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circuitlab.aig import AigBuilder
from circuitlab.errors import CircuitlabError
from circuitlab.io import from_pyaiger, parse_bench, to_pyaiger
from circuitlab.sim import table_bits, truth_tables


from strategies import random_aigs  # noqa: E402

C17_BENCH = """\
INPUT(1)\nINPUT(2)\nINPUT(3)\nINPUT(6)\nINPUT(7)\nOUTPUT(22)\nOUTPUT(23)
10 = NAND(1, 3)\n11 = NAND(3, 6)\n16 = NAND(2, 11)\n19 = NAND(11, 7)
22 = NAND(10, 16)\n23 = NAND(16, 19)
"""


def tables(aig) -> np.ndarray:
    """Outputs then latch next states over all minterms, latches as inputs."""
    return table_bits(truth_tables(aig), aig.num_inputs + aig.num_latches)


def round_trip(aig):
    return from_pyaiger(to_pyaiger(aig), aig.input_names, aig.output_names, aig.latch_names)


def test_c17_exact():
    aig = parse_bench(C17_BENCH)
    circ = to_pyaiger(aig)
    assert circ.inputs == {"1", "2", "3", "6", "7"}
    assert circ.outputs == {"22", "23"}
    back = round_trip(aig)
    assert back.num_ands == 6
    assert back.input_names == aig.input_names and back.output_names == aig.output_names
    assert np.array_equal(tables(back), tables(aig))


def test_from_pyaiger_expression_sorted_names():
    x, y, z = aiger.atoms("x", "y", "z")
    expr = (x & ~y) | z
    aig = from_pyaiger(expr.with_output("f"))
    assert aig.input_names == ("x", "y", "z")  # sorted when no order is given
    assert aig.output_names == ("f",)
    assert aig.num_ands == 2
    assert tables(aig)[0].tolist() == [int(bool((m & 1 and not m & 2) or m & 4)) for m in range(8)]


def test_latches_keep_names_and_resets():
    b = AigBuilder()
    en = b.add_input("en")
    q0 = b.add_latch("q0", init=0)
    q1 = b.add_latch("q1", init=1)
    b.set_latch_next(q0, b.xor(q0, en))
    b.set_latch_next(q1, b.and_(q1, q0 ^ 1))
    b.add_output(b.and_(q0, q1), "both")
    aig = b.build()
    circ = to_pyaiger(aig)
    assert dict(circ.latch2init) == {"q0": False, "q1": True}
    back = round_trip(aig)
    assert back.latch_names == ("q0", "q1")
    assert back.latches[:, 1].tolist() == [0, 1]
    assert np.array_equal(tables(back), tables(aig))
    # py-aiger's own step from the reset state: en=1 -> q0 becomes 1, q1 stays 1
    outs, nxt = circ({"en": True})
    assert outs == {"both": False} and nxt == {"q0": True, "q1": True}


@settings(max_examples=60, deadline=None)
@given(random_aigs(max_inputs=6, max_ands=30))
def test_round_trip_same_function(aig):
    back = round_trip(aig)
    assert back.num_ands <= aig.num_ands  # dangling ANDs are dropped
    assert np.array_equal(tables(back), tables(aig))


@settings(max_examples=40, deadline=None)
@given(random_aigs(max_inputs=5, max_ands=25, latches=True, latch_inits=(0, 1)))
def test_round_trip_sequential(aig):
    back = round_trip(aig)
    assert back.latches[:, 1].tolist() == aig.latches[:, 1].tolist()
    assert np.array_equal(tables(back), tables(aig))


@settings(max_examples=40, deadline=None)
@given(random_aigs(max_inputs=5, max_ands=25, latches=True, latch_inits=(0, 1)),
       st.data())
def test_pyaiger_simulation_agrees(aig, data):
    circ = to_pyaiger(aig)
    expected = tables(aig)
    n = aig.num_inputs
    m = data.draw(st.integers(0, (1 << n) - 1), label="minterm")
    latch_values = [bool(init) for init in aig.latches[:, 1].tolist()]
    outs, nxt = circ({name: bool(m >> k & 1) for k, name in enumerate(aig.input_names)})
    # with latches at their reset values, the combinational minterm index is m + resets
    full = m | sum(v << (n + k) for k, v in enumerate(latch_values))
    want = expected[:, full].astype(bool).tolist()
    assert [outs[o] for o in aig.output_names] == want[:aig.num_outputs]
    assert [nxt[q] for q in aig.latch_names] == want[aig.num_outputs:]


def test_errors():
    b = AigBuilder()
    q = b.add_latch("q", init=2)
    b.set_latch_next(q, q)
    b.add_output(q, "y")
    with pytest.raises(CircuitlabError, match="reset value"):
        to_pyaiger(b.build())
    b = AigBuilder()
    a = b.add_input("a")
    b.add_output(a, "y")
    b.add_output(a ^ 1, "y")
    with pytest.raises(CircuitlabError, match="'y' repeats"):
        to_pyaiger(b.build())
    circ = to_pyaiger(parse_bench(C17_BENCH))
    with pytest.raises(CircuitlabError, match="permutation"):
        from_pyaiger(circ, input_order=["1", "2", "3"])
