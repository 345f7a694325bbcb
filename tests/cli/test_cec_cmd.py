"""``circuitlab cec``: exit status 0 / 1 / 2, the printed verdict and counter-example,
one-line errors without a traceback."""

from __future__ import annotations

import numpy as np
import pytest

from circuitlab.aig import Aig, AigBuilder
from circuitlab.cli import main
from circuitlab.io import write_aiger, write_bench, write_truth
from circuitlab.sim import simulate


def xor_circuit(kind: str, names=("a", "b")) -> Aig:
    b = AigBuilder()
    x, y = (b.add_input(n) for n in names)
    if kind == "xor":
        out = b.xor(x, y)
    elif kind == "xor2":
        out = b.and_(b.or_(x, y), b.nand(x, y))
    else:
        out = b.xnor(x, y)
    b.add_output(out, "y")
    return b.build()


def wide_and(width: int, constant_zero: bool = False) -> Aig:
    b = AigBuilder()
    xs = [b.add_input(f"x{k}") for k in range(width)]
    b.add_output(0 if constant_zero else b.and_many(xs), "y")
    return b.build()


@pytest.fixture
def files(tmp_path):
    def write(name: str, aig: Aig) -> str:
        path = tmp_path / name
        writer = {".bench": write_bench, ".truth": write_truth}.get(path.suffix, write_aiger)
        writer(aig, path)
        return str(path)
    return write


def test_equivalent_exits_0(files, capsys):
    status = main(["cec", files("a.aig", xor_circuit("xor")), files("b.aag", xor_circuit("xor2"))])
    out = capsys.readouterr().out
    assert status == 0
    assert out.startswith("EQUIVALENT (engine exhaustive-sim, ")


def test_not_equivalent_exits_1_with_counterexample(files, capsys):
    a, b = files("a.aig", xor_circuit("xor")), files("b.aig", xor_circuit("xnor"))
    status = main(["cec", a, b, "--engine", "sat"])
    out = capsys.readouterr().out
    assert status == 1
    assert out.startswith("NOT EQUIVALENT (engine ")
    assert "differing output: y" in out
    line = next(ln for ln in out.splitlines() if ln.startswith("counter-example: "))
    values = dict(item.split("=") for item in line.removeprefix("counter-example: ").split())
    assert set(values) == {"a", "b"}
    word = np.array([[int(values["a"])], [int(values["b"])]], dtype=np.uint64)
    assert (simulate(xor_circuit("xor"), word) ^ simulate(xor_circuit("xnor"), word))[0, 0] & 1


def test_rare_difference_found_by_sat(files, capsys):
    status = main(["cec", files("a.aig", wide_and(30)), files("b.aig", wide_and(30, True))])
    out = capsys.readouterr().out
    assert status == 1 and "engine sat" in out
    assert "x0=1" in out and "x29=1" in out


def test_undecided_exits_2(files, capsys):
    a = files("a.aig", wide_and(30))
    status = main(["cec", a, a, "--engine", "sim"])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out.startswith("UNDECIDED (engine random-sim")


def test_bench_and_truth_files(files, capsys):
    assert main(["cec", files("a.bench", xor_circuit("xor")),
                 files("b.aig", xor_circuit("xor2"))]) == 0
    # truth tables carry no names: match by position
    assert main(["cec", files("c.truth", xor_circuit("xor")), files("d.aag", xor_circuit("xor2")),
                 "--match", "position"]) == 0
    assert main(["cec", files("e.truth", xor_circuit("xor")), files("f.aag", xor_circuit("xnor")),
                 "--match", "position"]) == 1
    capsys.readouterr()


def test_missing_file_is_one_line_error(files, tmp_path, capsys):
    status = main(["cec", str(tmp_path / "nope.aig"), files("b.aig", xor_circuit("xor"))])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "nope.aig" in err and "cannot read" in err


@pytest.mark.parametrize("argv_tail, message", [
    (["--conflicts", "0"], "--conflicts must be >= 1, got 0"),
    (["--timeout", "-1"], "--timeout must be > 0, got -1.0"),
])
def test_bad_options_are_one_line_errors(files, capsys, argv_tail, message):
    a = files("a.aig", xor_circuit("xor"))
    assert main(["cec", a, a, *argv_tail]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_unknown_extension_and_name_mismatch(files, capsys):
    a = files("a.aig", xor_circuit("xor"))
    assert main(["cec", a, files("b.blif", xor_circuit("xor"))]) == 2
    assert "unknown circuit format '.blif'" in capsys.readouterr().err
    other = files("c.aig", xor_circuit("xor", names=("a", "c")))
    assert main(["cec", a, other]) == 2
    err = capsys.readouterr().err
    assert "inputs missing from the second circuit: 'b'" in err and err.count("\n") == 1
    assert main(["cec", a, other, "--match", "position"]) == 0
    capsys.readouterr()
