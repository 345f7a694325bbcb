"""Choosing the top module (Yosys ``hierarchy -auto-top``, no iverilog needed)
and the errors for designs that have none or that Yosys rejects without
naming a file: each names the user's file, and the line where known.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from circuitlab.errors import SynthesisError
from circuitlab.synth import synthesize
from circuitlab.synth.yosys import TopModuleWarning, find_top

BUF = "module {name}(input a, output y);\n  assign y = {expr};\nendmodule\n"

HIERARCHIES = {
    # file text -> the top Yosys picks
    "chain": ("module leaf(input a, output y); assign y = ~a; endmodule\n"
              "module mid(input a, output y); leaf u(.a(a), .y(y)); endmodule\n"
              "module top(input a, output y); mid u(.a(a), .y(y)); endmodule\n", "top"),
    "deepest_wins": ("module wide(input a, output y, z); leaf u(a, y); leaf v(a, z); endmodule\n"
                     "module leaf(input a, output y); assign y = a; endmodule\n"
                     "module deep(input a, output y); mid u(a, y); endmodule\n"
                     "module mid(input a, output y); leaf u(a, y); endmodule\n", "deep"),
    "tie_first_declared": (BUF.format(name="r2", expr="a") + BUF.format(name="r1", expr="~a"),
                           "r2"),
    "parameters": ("module leaf #(parameter N = 2) (input [N-1:0] x, output y);\n"
                   "  assign y = ^x;\nendmodule\n"
                   "module top(input [7:0] d, output p); leaf #(.N(8)) u(.x(d), .y(p));\n"
                   "endmodule\n", "top"),
}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def error_of(files, **kwargs) -> SynthesisError:
    with pytest.raises(SynthesisError) as info:
        synthesize(files, **kwargs)
    return info.value


# --- choosing the top ---------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(HIERARCHIES))
def test_find_top_picks_the_deepest_root_then_the_first_declared(tmp_path, name):
    text, expected = HIERARCHIES[name]
    src = write(tmp_path, f"{name}.v", text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TopModuleWarning)
        assert find_top(src) == expected


def test_several_roots_warn_naming_each(tmp_path):
    src = write(tmp_path, "two.v", BUF.format(name="r1", expr="a") + BUF.format(name="r2",
                                                                                 expr="~a"))
    with pytest.warns(TopModuleWarning) as record:
        aig = synthesize(src)
    (warning,) = record
    message = str(warning.message)
    assert f"r1 ({src}:1) and r2 ({src}:4)" in message
    assert "synthesising r1" in message and "--top" in message
    assert aig.num_ands == 0 and aig.outputs.tolist() == [2]   # r1: y = a
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert synthesize(src, top="r2").outputs.tolist() == [3]   # no warning with a top


def test_top_attribute_decides_without_warning(tmp_path):
    src = write(tmp_path, "marked.v", BUF.format(name="r1", expr="a")
                + "(* top *)\n" + BUF.format(name="r2", expr="~a"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert find_top(src) == "r2"


# --- designs without a top ------------------------------------------------------------
@pytest.mark.parametrize("text", ["", "// only a comment\n`define W 4\n"])
def test_no_module(tmp_path, text):
    src = write(tmp_path, "x.v", text)
    for top in (None, "m"):
        err = error_of(src, top=top)
        assert str(err).startswith(f"{src}: no module found")
        assert err.file == str(src)


@pytest.mark.parametrize("text, reason", [
    ("module m;\nendmodule\n", "module m is empty and has no outputs"),
    ("\nmodule m(input a);\nendmodule\n", "module m is empty and has no outputs"),
    ("\nmodule m(input a, output y);\nendmodule\n", "module m is empty: nothing drives"),
    ("\nmodule m(input a);\n  wire b = ~a;\nendmodule\n", "module m has no outputs"),
])
def test_module_without_logic_or_outputs(tmp_path, text, reason):
    src = write(tmp_path, "x.v", text)
    line = text.count("\n", 0, text.index("module")) + 1
    for top in (None, "m"):
        err = error_of(src, top=top)
        assert str(err).startswith(f"{src}:{line}: {reason}")
        assert (err.file, err.line) == (str(src), line)


def test_unknown_top_lists_the_modules(tmp_path):
    src = write(tmp_path, "x.v", BUF.format(name="a", expr="a") + BUF.format(name="b", expr="a"))
    err = error_of(src, top="nosuch")
    assert str(err) == (f"{src}: no module named 'nosuch'; modules in the design: "
                        f"a ({src}:1) and b ({src}:4)")


# --- Yosys errors made to name the file -------------------------------------------------
def test_missing_include(tmp_path):
    src = write(tmp_path, "x.v", "// header\n`include \"absent.vh\"\n"
                + BUF.format(name="m", expr="a"))
    err = error_of(src)
    assert str(err).startswith(f"{src}:2: cannot open include file 'absent.vh'")
    assert (err.file, err.line) == (str(src), 2)


def test_combinational_loop(tmp_path):
    src = write(tmp_path, "x.v", "module m(input a, output y);\n  wire p;\n"
                                 "  assign p = ~p ^ a;\n  assign y = p;\nendmodule\n")
    err = error_of(src)
    assert str(err).startswith(f"{src}:3: combinational logic loop in module m")
    assert (err.file, err.line) == (str(src), 3)


def test_duplicate_module_in_one_file(tmp_path):
    src = write(tmp_path, "x.v", BUF.format(name="m", expr="a") + "\n"
                + BUF.format(name="m", expr="~a"))
    err = error_of(src)
    assert str(err) == f"{src}:5: module m is defined twice ({src}:1, {src}:5)"
    assert "$abstract" not in str(err)


def test_duplicate_module_across_files(tmp_path):
    a = write(tmp_path, "a.v", BUF.format(name="m", expr="a"))
    b = write(tmp_path, "b.v", "// b\n" + BUF.format(name="m", expr="~a"))
    err = error_of([a, b])
    assert str(err) == f"{b}:2: module m is defined twice ({a}:1, {b}:2)"
    assert (err.file, err.line) == (str(b), 2)
