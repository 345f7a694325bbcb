"""circuitlab.synth.design: one reader for Verilog and circuit files, one folder listing."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from circuitlab.aig.builder import AigBuilder
from circuitlab.errors import CircuitlabError, FormatError, ParamError
from circuitlab.io.aiger import write_aiger
from circuitlab.io.bench import write_bench
from circuitlab.io.formats import read_circuit
from circuitlab.io.truth import write_truth
from circuitlab.sim.simulate import truth_tables
from circuitlab.synth.design import (DESIGN_SUFFIXES, DesignParams, list_designs, read_design,
                                     read_design_top)
from circuitlab.synth.yosys import TopModuleWarning

# 1 AND, 2 inputs, no output, one bad-state property: the AND (AIGER 1.9, as ABC writes)
BAD_STATE = b"aag 3 2 0 0 1 1\n2\n4\n6\n6 2 4\n"


def xor2():
    b = AigBuilder()
    x, y = b.add_input("x"), b.add_input("y")
    b.add_output(b.xor(x, y), "z")
    return b.build()


@pytest.fixture
def verilog(tmp_path):
    """A design whose width comes from an include file and whose operator from a define."""
    (tmp_path / "inc").mkdir()
    (tmp_path / "inc" / "w.vh").write_text("`define W 3\n")
    src = tmp_path / "red.v"
    src.write_text('`include "w.vh"\n'
                   "module cell(input [`W-1:0] a, output y);\n"
                   "`ifdef AND\n  assign y = &a;\n`else\n  assign y = ^a;\n`endif\n"
                   "endmodule\n"
                   "module red(input [`W-1:0] a, output y); cell c(.a(a), .y(y)); endmodule\n")
    return src


@pytest.mark.parametrize("suffix", [".aag", ".aig", ".bench", ".truth"])
def test_circuit_files_are_read_directly(tmp_path, suffix):
    path = tmp_path / f"x{suffix}"
    {".aag": write_aiger, ".aig": write_aiger, ".bench": write_bench,
     ".truth": write_truth}[suffix](xor2(), path)
    aig, top = read_design_top(path)
    assert top is None
    assert np.array_equal(truth_tables(aig), truth_tables(xor2()))
    assert np.array_equal(truth_tables(read_design(path)), truth_tables(read_circuit(path)))


def test_verilog_goes_through_yosys_with_includes_and_defines(verilog, tmp_path):
    params = DesignParams(include_dirs=(tmp_path / "inc",))
    aig, top = read_design_top(verilog, params)
    assert top == "red" and aig.num_inputs == 3
    parity = [bin(k).count("1") % 2 for k in range(8)]
    assert truth_tables(aig)[0].tolist() == _table(parity)
    anded = read_design(verilog, DesignParams(include_dirs=(tmp_path / "inc",),
                                              defines=("AND",)))
    assert truth_tables(anded)[0].tolist() == _table([int(k == 7) for k in range(8)])
    cell = read_design(verilog, DesignParams(top="cell", include_dirs=(tmp_path / "inc",),
                                             defines=("AND=1",)))
    assert truth_tables(cell)[0].tolist() == truth_tables(anded)[0].tolist()


def _table(bits: list[int]) -> list[int]:
    """A single-output truth table as :func:`truth_tables` packs it (bit k: pattern k)."""
    return [sum(b << k for k, b in enumerate(bits))]


def test_without_the_include_folder_yosys_names_the_file(verilog):
    with pytest.raises(CircuitlabError, match="red.v"):
        read_design(verilog)


def test_several_roots_warn_and_top_chooses(tmp_path):
    src = tmp_path / "two.v"
    src.write_text("module r1(input a, output y); assign y = a; endmodule\n"
                   "module r2(input a, output y); assign y = ~a; endmodule\n")
    with pytest.warns(TopModuleWarning, match="--top"):
        assert read_design_top(src)[1] == "r1"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        aig, top = read_design_top(src, DesignParams(top="r2"))
    assert top == "r2" and truth_tables(aig)[0].tolist() == _table([1, 0])


def test_bad_state_properties_only_when_asked(tmp_path):
    path = tmp_path / "abc.aag"
    path.write_bytes(BAD_STATE)
    with pytest.raises(FormatError, match="with --bad-as-outputs$"):
        read_design(path)
    aig = read_design(path, DesignParams(bad_as_outputs=True))
    assert aig.num_outputs == 1 and truth_tables(aig)[0].tolist() == _table([0, 0, 0, 1])


@pytest.mark.parametrize("name, message", [
    ("absent.v", "no such file"),
    ("folder", "is a folder, not a design file"),
    ("notes.txt", "unknown design format '.txt'"),
])
def test_bad_paths_are_one_clear_error(tmp_path, name, message):
    (tmp_path / "folder").mkdir()
    (tmp_path / "notes.txt").write_text("hello\n")
    with pytest.raises(CircuitlabError, match=message) as info:
        read_design(tmp_path / name)
    assert str(tmp_path / name) in str(info.value) and "\n" not in str(info.value)


def test_several_files_must_all_be_verilog(tmp_path, verilog):
    write_aiger(xor2(), tmp_path / "x.aag")
    with pytest.raises(CircuitlabError, match="only when all are Verilog"):
        read_design([verilog, tmp_path / "x.aag"])


@pytest.mark.parametrize("fields, field", [
    ({"top": "not an identifier"}, "top"),
    ({"defines": ("=1",)}, "defines"),
    ({"timeout": 0}, "timeout"),
])
def test_params_are_checked(fields, field):
    with pytest.raises(ParamError) as info:
        DesignParams(**fields)
    assert info.value.field == field


def test_params_define_map_and_paths():
    params = DesignParams(include_dirs=["a"], defines=["X", "W=8"])
    assert params.define_map() == {"X": None, "W": "8"}
    assert params.include_dirs[0].name == "a" and isinstance(params.defines, tuple)
    hash(params)


def test_list_designs(tmp_path):
    for name in ("b.v", "a.aig", "c.sv", "d.bench", "e.truth", "f.aag", "notes.txt", "g.TXT"):
        (tmp_path / name).write_text("")
    (tmp_path / "sub.v").mkdir()
    assert [p.name for p in list_designs(tmp_path)] == ["a.aig", "b.v", "c.sv", "d.bench",
                                                         "e.truth", "f.aag"]
    assert [p.name for p in list_designs(tmp_path, (".v", ".sv"))] == ["b.v", "c.sv"]
    assert set(DESIGN_SUFFIXES) == {".v", ".sv", ".aig", ".aag", ".bench", ".truth"}


def test_list_designs_errors(tmp_path):
    with pytest.raises(CircuitlabError, match="no such design folder"):
        list_designs(tmp_path / "absent")
    (tmp_path / "x.txt").write_text("")
    with pytest.raises(CircuitlabError, match="no .v/.sv files in the source folder"):
        list_designs(tmp_path, (".v", ".sv"), what="source folder")
