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


def test_messages_show_text_not_python(tmp_path, capsys):
    symbols = tmp_path / "symbols.aag"
    symbols.write_text("aag 1 1 0 1 0\n2\n2\ni0\n")
    and_line = tmp_path / "and.aag"
    and_line.write_text("aag 2 1 0 1 1\n2\n4\n4 2 zz\n")
    for path, message in [(symbols, ":4: bad symbol table entry 'i0'"),
                          (and_line, ":4: bad AND line '4 2 zz'")]:
        assert main(["stats", str(path)]) == 2
        assert capsys.readouterr().err == f"circuitlab stats: error: {path}{message}\n"


def test_convert_refuses_what_a_truth_table_cannot_hold(tmp_path, capsys):
    seq = tmp_path / "seq.aag"
    seq.write_text("aag 3 1 1 1 1\n2\n4 6\n6\n6 2 4\n")
    out = tmp_path / "seq.truth"
    assert main(["convert", str(seq), str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"circuitlab convert: error: {out}: truth tables are written for "
                          "combinational circuits; the circuit has 1 latches")
    assert "cut_latches" not in err and err.count("\n") == 1 and not out.exists()
