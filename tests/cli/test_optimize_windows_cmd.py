"""``circuitlab optimize`` on circuits beyond the transformer: the windowed path."""

from __future__ import annotations

import pytest

from circuitlab.cli import main
from circuitlab.io import read_aiger, write_aiger
from circuitlab.verify import Verdict, check_equivalence
from shared_data import shared_data


@pytest.mark.needs_data("aig", "iscas85")
def test_c432_is_optimised_and_equivalent(tmp_path, capsys, monkeypatch):
    import circuitlab.progress as progress
    monkeypatch.setattr(progress, "on_terminal", lambda: True)  # the bar needs a terminal
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


@pytest.mark.parametrize("options,message", [
    (["--no-polish"], "--no-polish applies only to circuits of at most 8 inputs"),
    (["--search", "beam"], "--search applies only to circuits of at most 8 inputs"),
    (["--budget", "4"], "windows are decoded greedily"),
    (["--exact-conflicts", "50"], "for windows use --window-conflicts"),
    (["--deepsyn-steps", "5"], "for windows use --deepsyn-share"),
    (["--generators", ""], "--generators must name at least one of table, exact, transformer"),
    (["--generators", " , "], "--generators must name at least one of"),
    (["--transformer-only", "--generators", "table"],
     "--transformer-only keeps only the transformer generator; drop --generators table")])
def test_options_windows_do_not_use_are_refused(tmp_path, capsys, options, message):
    source = _sequential(tmp_path)
    out = tmp_path / "never.aig"
    assert main(["optimize", str(source), "-o", str(out), *options]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert not out.exists()


def test_transformer_only_runs_no_scripts_and_no_other_generator(tmp_path, capsys, monkeypatch):
    import circuitlab.optimize.windowed as windowed
    seen = []
    real = windowed.optimize_windows

    def spy(aig, params, *rest):
        seen.append(params)
        return real(aig, params, *rest)

    monkeypatch.setattr(windowed, "optimize_windows", spy)
    import circuitlab.optimize as optimize
    monkeypatch.setattr(optimize, "optimize_windows", spy)
    source = _sequential(tmp_path)
    out = tmp_path / "seq.opt.aig"
    assert main(["optimize", str(source), "-o", str(out), "--seconds", "2", "--no-progress",
                 "--transformer-only"]) == 0
    (params,) = seen
    assert params.generators == ("transformer",) and not params.scripts and params.deepsyn == 0
    text = capsys.readouterr().out
    assert "scripts 0 (-0), deepsyn 0 (-0)" in text and "table 0 (-0), exact 0 (-0)" in text
    before, after = read_aiger(source), read_aiger(out)
    assert check_equivalence(before, after, match="position").verdict is Verdict.EQUIVALENT
