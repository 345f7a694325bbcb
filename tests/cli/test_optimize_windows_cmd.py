"""``circuitlab optimize`` on circuits beyond the transformer: the windowed path."""

from __future__ import annotations

import pytest

from circuitlab.cli import main
from circuitlab.io import read_aiger, write_aiger
from circuitlab.verify import Verdict, check_equivalence
from shared_data import shared_data


@pytest.mark.needs_data("aig", "iscas85")
def test_c432_is_optimised_and_equivalent(tmp_path, capsys):
    source = shared_data("aig", "iscas85", "c432.aig")
    out = tmp_path / "c432.opt.aig"
    status = main(["optimize", str(source), "-o", str(out), "--seconds", "2",
                   "--generators", "table,exact", "--window-conflicts", "300"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    before, after = read_aiger(source), read_aiger(out)
    # Smaller only if the 2 s budget sufficed on this machine (tests/optimize
    # checks the shrinking with a pass budget); never larger, always proven.
    assert after.num_ands <= before.num_ands
    assert check_equivalence(before, after, match="position").verdict is Verdict.EQUIVALENT
    lines = captured.out.splitlines()
    assert lines[0] == f"ANDs:        {before.num_ands} -> {after.num_ands}"
    assert lines[1].startswith("levels:") and lines[2].startswith("windows:")
    assert "verdict:     equivalent" in lines
    assert "%" in captured.err  # the progress bar


def _sequential(tmp_path):
    from circuitlab.aig import AigBuilder
    b = AigBuilder()
    xs = b.add_inputs(10)
    state = b.add_latch("s", init=0)
    redundant = b.or_(b.and_(xs[0], xs[1]), b.and_(b.and_(xs[0], xs[1]), xs[2]))
    b.set_latch_next(state, b.xor(state, redundant))
    b.add_output(b.and_(state, b.and_many(xs[3:])), "y")
    path = tmp_path / "seq.aig"
    write_aiger(b.build(), path)
    return path


def test_a_sequential_circuit_takes_the_windowed_path(tmp_path, capsys):
    source = _sequential(tmp_path)
    out = tmp_path / "seq.opt.aig"
    assert main(["optimize", str(source), "-o", str(out), "--seconds", "3", "--no-progress",
                 "--generators", "exact,table", "--no-scripts"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    before, after = read_aiger(source), read_aiger(out)
    assert after.num_latches == 1 and after.num_ands <= before.num_ands
    assert check_equivalence(before, after, match="position").verdict is Verdict.EQUIVALENT


@pytest.mark.parametrize("option,value,message", [
    ("--seconds", "0", "--seconds must be > 0, got 0.0"),
    ("--jobs", "0", "--jobs must be >= 1, got 0"),
    ("--max-leaves", "9", "--max-leaves must be <= 8, got 9"),
    ("--max-roots", "0", "--max-roots must be >= 1, got 0"),
    ("--generators", "table,magic", "--generators must name some of table, exact, transformer"),
    ("--window-conflicts", "0", "--window-conflicts must be >= 1, got 0")])
def test_bad_window_options_are_one_line_errors(tmp_path, capsys, option, value, message):
    source = _sequential(tmp_path)
    out = tmp_path / "never.aig"
    assert main(["optimize", str(source), "-o", str(out), option, value]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert not out.exists()
