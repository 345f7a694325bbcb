"""circuitlab.synth.verilog_info: modules, ports, source text.

``list_modules`` preprocesses with iverilog; the text helpers work without it.
(The top is Yosys's choice: tests/synth/test_yosys_top.py, test_design.py.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from circuitlab.errors import CircuitlabError, FormatError
from circuitlab.synth.verilog_info import (ModuleInfo, PortInfo, list_modules,
                                           module_declarations, module_text)

LEAF = """\
`define W 4
// A parity cell.
// Two comment lines.
module leaf #(parameter N = `W) (input [N-1:0] x, output y);
  assign y = ^x; // reduce
endmodule
"""

TOP = """\
`include "defs.vh"

/* top level */
module top(clk, d, q);
  input clk;
  input [`DW:0] d;
  output reg q;
  wire p;
  leaf #(.N(`DW + 1)) u_leaf (.x(d), .y(p));
  always @(posedge clk) q <= p;
endmodule

module spare(input a, output b);
  assign b = a;
endmodule
"""


@pytest.fixture
def design(tmp_path) -> list[Path]:
    (tmp_path / "inc").mkdir()
    (tmp_path / "inc" / "defs.vh").write_text("`define DW 7\n")
    leaf = tmp_path / "leaf.v"
    top = tmp_path / "top.v"
    leaf.write_text(LEAF)
    top.write_text(TOP)
    return [leaf, top]


@pytest.mark.needs_iverilog
def test_list_modules(design, tmp_path):
    modules = {m.name: m for m in list_modules(design, include_dirs=[tmp_path / "inc"])}
    assert set(modules) == {"leaf", "top", "spare"}
    assert modules["leaf"] == ModuleInfo(
        "leaf", (PortInfo("x", "input", 4), PortInfo("y", "output", 1)),
        str(design[0]), 4, ())
    top = modules["top"]
    assert top.ports == (PortInfo("clk", "input", 1), PortInfo("d", "input", 8),
                         PortInfo("q", "output", 1))
    assert (top.file, top.line, top.instances) == (str(design[1]), 4, ("leaf",))
    assert modules["spare"].line == 13


@pytest.mark.needs_iverilog
def test_defines_reach_the_preprocessor(tmp_path):
    src = tmp_path / "m.v"
    src.write_text("module m(input [`W-1:0] a, output y); assign y = &a; endmodule\n")
    (m,) = list_modules([src], defines={"W": 6})
    assert m.ports[0] == PortInfo("a", "input", 6)


def test_module_text_keeps_comments(design):
    text = module_text(design[0], "leaf")
    assert text.startswith("// A parity cell.\n// Two comment lines.\nmodule leaf")
    assert "// reduce" in text and text.rstrip().endswith("endmodule")
    assert module_text(design[1], "top").startswith("/* top level */\nmodule top")
    with pytest.raises(CircuitlabError):
        module_text(design[1], "absent")


@pytest.mark.needs_iverilog
def test_parse_error_names_the_file(tmp_path):
    good = tmp_path / "good.v"
    good.write_text("module good(input a, output b); assign b = a; endmodule\n")
    bad = tmp_path / "bad.v"
    bad.write_text("module bad(input a, output b);\n  assign b = a +;\nendmodule\n")
    with pytest.raises(FormatError) as info:
        list_modules([good, bad])
    assert info.value.path == str(bad) and info.value.line == 2


def test_missing_file(tmp_path):
    with pytest.raises(CircuitlabError, match="no such Verilog file"):
        list_modules([tmp_path / "absent.v"])


@pytest.mark.needs_iverilog
def test_no_parser_tables_in_cwd(design, tmp_path, monkeypatch):
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    list_modules(design, include_dirs=[tmp_path / "inc"])
    assert os.listdir(work) == []


def test_module_declarations(design):
    assert module_declarations(design) == [("leaf", str(design[0]), 4),
                                           ("top", str(design[1]), 4),
                                           ("spare", str(design[1]), 13)]
