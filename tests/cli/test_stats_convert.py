import numpy as np

from circuitlab.cli import main
from circuitlab.io import read_aiger, read_bench
from circuitlab.sim import truth_tables
from shared_data import shared_data


def test_stats_prints_table(capsys):
    path = shared_data("aig", "iscas85", "c17.aig")
    assert main(["stats", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["file", "inputs", "latches", "ands", "outputs", "levels"]
    assert out[1].split()[1:] == ["5", "0", "6", "2", "3"]


def test_convert_round_trip_keeps_function(tmp_path, capsys):
    src = shared_data("aig", "iscas85", "c17.aig")
    assert main(["convert", str(src), str(tmp_path / "c17.bench")]) == 0
    assert main(["convert", str(tmp_path / "c17.bench"), str(tmp_path / "c17.aag")]) == 0
    a, b = read_aiger(src), read_aiger(tmp_path / "c17.aag")
    assert np.array_equal(truth_tables(a), truth_tables(b))
    assert read_bench(tmp_path / "c17.bench").num_ands == 6


def test_user_errors_are_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.aag"
    bad.write_text("aag 1 1 0 1 0\n2\nzz\n")
    assert main(["stats", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.aag:3" in err and "Traceback" not in err
    good = shared_data("aig", "iscas85", "c17.aig")
    assert main(["convert", str(good), str(tmp_path / "x.blif")]) == 2
    assert "unknown circuit format '.blif'" in capsys.readouterr().err
    assert main(["convert", str(tmp_path / "none.aig"), str(tmp_path / "x.aig")]) == 2
    assert not (tmp_path / "x.aig").exists()
