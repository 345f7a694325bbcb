"""`circuitlab dataset build`: a JSON report; bad input is one line and exit 2."""

from __future__ import annotations

import json

import pytest

from circuitlab.cli import main
from dataset_sources import aiger_folder


@pytest.fixture
def src(tmp_path):
    return aiger_folder(tmp_path / "src", malformed=True)


def test_build_reports_graphs_and_failures(src, tmp_path, capsys):
    status = main(["dataset", "build", "aiger", "--source", str(src), "--root",
                   str(tmp_path / "out"), "--no-progress", "--jobs", "1"])
    out, err = capsys.readouterr()
    assert status == 1  # a file failed
    report = json.loads(out)
    assert report["graphs"] == 2 and report["computed"] == 2
    assert [f[0] for f in report["failed"]] == ["bad.aag"]
    assert err.count("\n") == 1 and err.startswith("skipped bad.aag: bad.aag:1: ")
    assert "Error" not in err


def test_ray_without_a_cluster_is_one_line_and_leaves_no_folder(src, tmp_path):
    pytest.importorskip("ray")
    import os
    import subprocess
    import sys
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    root = tmp_path / "new" / "out"
    done = subprocess.run([sys.executable, "-m", "circuitlab", "dataset", "build", "aiger",
                           "--source", str(src), "--root", str(root), "--ray", "auto",
                           "--no-progress"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "cannot connect to the Ray cluster 'auto'" in done.stderr
    assert not (tmp_path / "new").exists()


def test_a_build_that_stops_leaves_no_empty_folder(src, tmp_path, monkeypatch):
    from circuitlab.datasets import aiger_dataset

    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(aiger_dataset.AigerDataset, "process", stop)
    root = tmp_path / "new" / "out"
    assert main(["dataset", "build", "aiger", "--source", str(src), "--root", str(root),
                 "--no-progress"]) == 130
    assert not (tmp_path / "new").exists()


def test_recipes_kind(src, tmp_path, capsys):
    (src / "bad.aag").unlink()
    status = main(["dataset", "build", "recipes", "--source", str(src), "--root",
                   str(tmp_path / "out"), "--recipes", "1", "--length", "2", "--engine",
                   "aigverse", "--no-progress"])
    assert status == 0
    assert json.loads(capsys.readouterr().out)["graphs"] == 2 * 3


@pytest.mark.parametrize("argv, message", [
    (["foo", "--source", "{src}"], "KIND must be one of verilog, aiger, recipes, rtl, got 'foo'"),
    (["aiger", "--source", "{tmp}/nope"], "no such source folder"),
    (["verilog", "--source", "{src}"], "no .v/.sv files"),
    (["aiger", "--source", "{src}", "--jobs", "0"], "--jobs must be >= 1"),
    (["recipes", "--source", "{src}", "--recipes", "0"], "--recipes must be >= 1"),
    (["aiger", "--source", "{src}", "--encoding", "dots"], "--encoding must be one of"),
])
def test_bad_input_is_one_line_exit_2(src, tmp_path, capsys, argv, message):
    argv = [a.format(src=src, tmp=tmp_path) for a in argv]
    status = main(["dataset", "build", *argv, "--root", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and message in err
    assert not (tmp_path / "out").exists()


def test_parsing_imports_neither_torch_nor_ray():
    import subprocess
    import sys
    code = ("import sys; from circuitlab.cli import build_parser; "
            "build_parser(['dataset']).parse_args(['dataset', 'build', 'aiger', '--source', 'x', "
            "'--root', 'y']); print(sorted({'torch', 'ray', 'torch_geometric'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
