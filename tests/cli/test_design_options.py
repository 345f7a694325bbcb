"""One set of design-reading options: --top, -I, -D and the Yosys limit on every command
that takes Verilog, --bad-as-outputs on every command that reads circuit files."""

from __future__ import annotations

import argparse

import numpy as np
import pytest

from circuitlab.cli import build_parser, main
from circuitlab.cli.options import design_params
from circuitlab.io.aiger import read_aiger
from circuitlab.sim.simulate import truth_tables
from circuitlab.synth.design import DesignParams

VERILOG_COMMANDS = ["synth", "encode", "similar", "qor rank", "pipeline"]
CIRCUIT_COMMANDS = ["stats", "cec", "opt", "convert", "optimize", "encode", "similar",
                    "qor rank"]
# 2 inputs, no output, one bad-state property (the AND), as ABC writes sequential circuits
BAD_STATE = b"aag 3 2 0 0 1 1\n2\n4\n6\n6 2 4\n"


def _parser(command: str) -> argparse.ArgumentParser:
    words = command.split()
    parser = build_parser([words[0]])
    for word in words:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[word]
    return parser


def _flags(command: str) -> set[str]:
    return {flag for action in _parser(command)._actions for flag in action.option_strings}


@pytest.mark.parametrize("command", VERILOG_COMMANDS)
def test_every_verilog_command_takes_the_synthesis_options(command):
    assert {"--top", "-I", "-D"} <= _flags(command)


@pytest.mark.parametrize("command", CIRCUIT_COMMANDS)
def test_every_circuit_command_takes_bad_as_outputs(command):
    assert "--bad-as-outputs" in _flags(command)


def test_options_build_the_params_with_their_defaults():
    parser = _parser("encode")
    assert design_params(parser.parse_args(["x.v", "-o", "x.npy"])) == DesignParams()
    args = parser.parse_args(["x.v", "-o", "x.npy", "--top", "t", "-I", "a", "-I", "b",
                              "-D", "X", "-D", "W=8", "--synth-timeout", "5",
                              "--bad-as-outputs"])
    assert design_params(args) == DesignParams(top="t", include_dirs=("a", "b"),
                                               defines=("X", "W=8"), timeout=5.0,
                                               bad_as_outputs=True)
    synth = _parser("synth").parse_args(["x.v", "-o", "x.aig", "--timeout", "7"])
    assert design_params(synth).timeout == 7.0


def test_convert_reads_abc_bad_states_as_outputs(tmp_path, capsys):
    src = tmp_path / "abc.aag"
    src.write_bytes(BAD_STATE)
    assert main(["convert", str(src), str(tmp_path / "plain.aig")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--bad-as-outputs" in err and "bad_as_outputs" not in err
    assert not (tmp_path / "plain.aig").exists()
    assert main(["convert", str(src), str(tmp_path / "plain.aig"), "--bad-as-outputs"]) == 0
    plain = read_aiger(tmp_path / "plain.aig")
    assert plain.num_outputs == 1
    assert np.array_equal(truth_tables(plain), np.array([[0b1000]], dtype=np.uint64))


def test_a_bad_define_names_the_option(tmp_path, capsys):
    src = tmp_path / "x.v"
    src.write_text("module x(input a, output y); assign y = a; endmodule\n")
    assert main(["synth", str(src), "-o", str(tmp_path / "x.aig"), "-D", "=1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("circuitlab synth: error: -D ") and err.count("\n") == 1


def test_a_top_module_warning_is_one_line_without_a_source_path(tmp_path, capsys):
    files = []
    for name in ("one.v", "two.v"):
        files.append(str(tmp_path / name))
        (tmp_path / name).write_text("module r1(input a, output y); assign y = a; endmodule\n"
                                     "module r2(input a, output y); assign y = ~a; endmodule\n")
    assert main(["similar", *files, "--json"]) == 0
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if "r2" in ln]
    assert len(lines) == 2 and len(err.splitlines()) == 2  # one line per file, nothing else
    for line, name in zip(lines, files):
        assert line.startswith(f"circuitlab similar: warning: r1 ({name}:1) and r2 ({name}:2)")
        assert "--top" in line and ".py" not in line and "TopModuleWarning" not in line
    assert main(["similar", *files, "--json", "--top", "r2"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_encode_finds_includes_with_I(tmp_path, capsys):
    (tmp_path / "inc").mkdir()
    (tmp_path / "inc" / "w.vh").write_text("`define W 4\n")
    src = tmp_path / "p.v"
    src.write_text('`include "w.vh"\nmodule p(input [`W-1:0] a, output y); assign y = ^a; '
                   "endmodule\n")
    out = tmp_path / "e.npy"
    assert main(["encode", str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "p.v" in err and not out.exists()
    assert main(["encode", str(src), "-o", str(out), "-I", str(tmp_path / "inc")]) == 0
    assert np.load(out).shape[0] == 1
