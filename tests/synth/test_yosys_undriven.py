"""synthesize names the output bits it ties to 0 because nothing drives them."""

from __future__ import annotations

import warnings

import pytest

from circuitlab.sim import truth_tables
from circuitlab.synth import synthesize
from circuitlab.synth.yosys import UndrivenOutputWarning


def test_undriven_output_bits_are_named(tmp_path):
    src = tmp_path / "top.v"
    src.write_text("module top(input a, input b, output [2:0] y, output z, output w);\n"
                   "  assign y[0] = a & b;\n  assign w = a | b;\nendmodule\n")
    with pytest.warns(UndrivenOutputWarning) as caught:
        aig = synthesize(src)
    assert [str(w.message) for w in caught if w.category is UndrivenOutputWarning] == \
        ["output bits with no driver were tied to 0: y[1], y[2], z"]
    tables = dict(zip(aig.output_names, truth_tables(aig)[:, 0].tolist()))
    assert tables["y[1]"] == tables["y[2]"] == tables["z"] == 0


def test_a_fully_driven_design_warns_nothing(tmp_path):
    src = tmp_path / "top.v"
    src.write_text("module top(input a, input b, output [1:0] y);\n"
                   "  assign y = {a & b, a ^ b};\nendmodule\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UndrivenOutputWarning)
        synthesize(src)
