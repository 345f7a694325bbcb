"""py-aiger round trips keep input, output and latch positions without orders given,
and a latch without a reset value is named, with the way to convert it."""

from __future__ import annotations

import aiger
import pytest
from hypothesis import given, settings

from circuitlab.aig import AigBuilder
from circuitlab.errors import CircuitlabError
from circuitlab.io import from_pyaiger, to_pyaiger
from circuitlab.io.pyaiger import ORDER_COMMENT
from circuitlab.synth import synthesize
from circuitlab.verify import Verdict, check_equivalence
from strategies import random_aigs


def unsorted_circuit():
    b = AigBuilder()
    z, a, m = b.add_input("z"), b.add_input("a"), b.add_input("m")
    b.add_output(b.and_(z, a ^ 1), "y")
    b.add_output(b.or_(m, z), "b")
    return b.build(comments=("made by hand",))


def test_a_round_trip_without_orders_keeps_every_position():
    aig = unsorted_circuit()
    back = from_pyaiger(to_pyaiger(aig))
    assert back.input_names == ("z", "a", "m") and back.output_names == ("y", "b")
    assert back.comments == ("made by hand",)
    result = check_equivalence(aig, back, match="position")
    assert result.verdict is Verdict.EQUIVALENT


@settings(max_examples=40, deadline=None)
@given(random_aigs(max_inputs=6, max_ands=25, latches=True, latch_inits=(0, 1)))
def test_random_round_trips_are_equivalent_by_position(aig):
    back = from_pyaiger(to_pyaiger(aig))
    assert back.input_names == aig.input_names and back.latch_names == aig.latch_names
    assert check_equivalence(aig, back, match="position").verdict is Verdict.EQUIVALENT


def test_a_foreign_circuit_has_sorted_names_and_py_aiger_operations_keep_the_record():
    x, y = aiger.atoms("y", "x")
    aig = from_pyaiger((x & y).with_output("f"))
    assert aig.input_names == ("x", "y")
    circ = to_pyaiger(unsorted_circuit())
    assert circ.comments[-1].startswith(ORDER_COMMENT)
    renamed = circ["o", {"y": "y2"}]  # an output the record does not know comes last
    back = from_pyaiger(renamed)
    assert back.input_names == ("z", "a", "m") and back.output_names == ("b", "y2")


def test_an_uninitialised_latch_is_named_with_the_way_out():
    b = AigBuilder()
    en = b.add_input("en")
    q = b.add_latch("q", init=2)
    r = b.add_latch("r", init=2)
    b.set_latch_next(q, b.xor(q, en))
    b.set_latch_next(r, q)
    b.add_output(b.and_(q, r), "y")
    aig = b.build()
    with pytest.raises(CircuitlabError) as err:
        to_pyaiger(aig)
    assert str(err.value) == ("latch 'q' and 1 more has no reset value, and py-aiger latches "
                              "need 0 or 1: pass uninitialized=0 (or 1) to start such latches "
                              "at that value")
    circ = to_pyaiger(aig, uninitialized=1)
    assert dict(circ.latch2init) == {"q": True, "r": True}
    with pytest.raises(CircuitlabError, match="uninitialized must be 0, 1 or None"):
        to_pyaiger(aig, uninitialized=2)


def test_what_synth_writes_converts_with_uninitialized_zero(tmp_path):
    src = tmp_path / "count.v"
    src.write_text("module count(input clk, input en, output reg [1:0] q);\n"
                   "  always @(posedge clk) if (en) q <= q + 1;\nendmodule\n")
    aig = synthesize(src)
    assert aig.num_latches == 2 and set(aig.latches[:, 1].tolist()) == {2}
    with pytest.raises(CircuitlabError, match="has no reset value"):
        to_pyaiger(aig)
    back = from_pyaiger(to_pyaiger(aig, uninitialized=0))
    assert back.latches[:, 1].tolist() == [0, 0]
    assert back.input_names == aig.input_names and back.latch_names == aig.latch_names
    assert check_equivalence(aig, back, match="position").verdict is Verdict.EQUIVALENT
