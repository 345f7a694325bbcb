"""The command itself: a closed pipe exits quietly, commands without a model start without
torch, output paths are refused before any work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from circuitlab.cli import main
from shared_data import shared_data

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}


def test_output_piped_into_head_exits_quietly(tmp_path):
    (tmp_path / "a.aig").symlink_to(shared_data("aig", "iscas85", "c17.aig"))
    # 5000 rows of JSON are more than a pipe holds: the writer meets the closed pipe
    proc = subprocess.run(
        f"{sys.executable} -m circuitlab stats --json {' a.aig' * 5000} | head -1; "
        "echo \"status ${PIPESTATUS[0]}\" >&2",
        shell=True, executable="/bin/bash", capture_output=True, text=True, cwd=tmp_path,
        env=_env(), timeout=300)
    assert proc.stdout == '{"file": "a.aig", "inputs": 5, "latches": 0, "ands": 6, ' \
                          '"outputs": 2, "levels": 3}\n'
    assert proc.stderr == "status 141\n"


LIGHT = [["--help"], ["--version"], ["stats", "C17"], ["convert", "C17", "OUT.aag"],
         ["opt", "C17", "-o", "OUT.aig", "--engine", "aigverse"], ["cec", "C17", "C17"],
         ["synth", "--help"], ["data", "list"], ["stats", "--help"]]


@pytest.mark.parametrize("argv", LIGHT, ids=lambda a: " ".join(a))
def test_commands_without_a_model_do_not_import_torch(tmp_path, argv):
    c17 = str(shared_data("aig", "iscas85", "c17.aig"))
    argv = [c17 if a == "C17" else str(tmp_path / a) if a.startswith("OUT") else a
            for a in argv]
    code = ("import sys\nfrom circuitlab.cli import main\n"
            f"try:\n    status = main({argv!r})\nexcept SystemExit as exc:\n"
            "    status = exc.code\n"
            "heavy = sorted(m for m in ('torch', 'torch_geometric') if m in sys.modules)\n"
            "print(status, heavy, file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env=_env(), timeout=120)
    assert proc.stderr.splitlines()[-1] == "0 []", proc.stderr


# the model commands check their inputs before loading torch: a missing file is reported fast
MISSING = [["experiment", "report", "NOSUCH.jsonl", "-o", "OUT"],
           ["experiment", "run", "NOSUCH.toml"],
           ["pretrain", "NOSUCH.toml", "--out", "OUT"],
           ["pretrain", "--graphs", "NOSUCH", "--out", "OUT"],
           ["qor", "rank", "NOSUCH.v", "-o", "OUT.csv"],
           ["dataset", "build", "aiger", "--source", "NOSUCH", "--root", "OUT"],
           ["encode", "NOSUCH.aig", "-o", "OUT.npy"],
           ["similar", "NOSUCH.aig", "NOSUCH.v"],
           ["embed", "NOSUCH.v", "-o", "OUT.npz"]]


def _status_and_heavy(argv: list[str]) -> str:
    code = ("import sys\nfrom circuitlab.cli import main\n"
            f"try:\n    status = main({argv!r})\nexcept SystemExit as exc:\n"
            "    status = exc.code\n"
            "heavy = sorted(m for m in ('torch', 'torch_geometric') if m in sys.modules)\n"
            "print(status, heavy, file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env=_env(), timeout=120)
    return proc.stderr


@pytest.mark.parametrize("argv", MISSING, ids=lambda a: " ".join(a[:2]))
def test_a_missing_input_is_reported_before_torch_loads(tmp_path, argv):
    argv = [str(tmp_path / a) if a.startswith(("OUT", "NOSUCH")) else a for a in argv]
    err = _status_and_heavy(argv)
    assert err.splitlines()[-1] == "2 []", err
    assert "error:" in err.splitlines()[0] and "NOSUCH" in err.splitlines()[0], err
    assert not list(tmp_path.iterdir())


def test_experiment_report_never_imports_torch(tmp_path):
    from circuitlab.protocol.runner import FORMAT
    line = {"format": FORMAT, "config_hash": "h", "seed": 0, "encoder": "random",
            "task": "fake", "status": "ok", "error": None, "metrics": {"acc": 0.5},
            "baseline": {"acc": 0.25}, "rows": [], "git_revision": "x",
            "config": {"encoders": [{"name": "random"}], "tasks": {"fake": {}},
                       "train": ["a"], "test": ["b"], "quick": False}}
    (tmp_path / "r.jsonl").write_text(json.dumps(line) + "\n")
    err = _status_and_heavy(["experiment", "report", str(tmp_path / "r.jsonl"), "-o",
                             str(tmp_path / "rep"), "--no-plots"])
    assert err.splitlines()[-1] == "0 []", err
    assert "| random | 1 | 0.5 |" in (tmp_path / "rep" / "report.md").read_text()


def test_the_model_flow_does_import_torch():
    code = ("import sys\nimport circuitlab.optimize.small\n"
            "print('torch' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env=_env(), timeout=120)
    assert proc.stdout.strip() == "True"  # the check above can see torch


@pytest.mark.parametrize("command", [
    ["convert", "C17", "OUT"], ["opt", "C17", "-o", "OUT"], ["optimize", "C17", "-o", "OUT"],
    ["synth", "design.v", "-o", "OUT"]])
@pytest.mark.parametrize("where", ["folder", "proc", "locked"])
def test_bad_output_paths_are_refused_before_work(tmp_path, capsys, monkeypatch, command, where):
    import circuitlab.optimize.model as model

    def no_work(*args, **kwargs):
        raise AssertionError("work started before the output path was checked")

    monkeypatch.setattr(model, "load_optimize_model", no_work)
    monkeypatch.setattr("circuitlab.io.formats.read_circuit", no_work)
    locked = tmp_path / "locked"
    locked.mkdir()
    out = {"folder": tmp_path, "proc": Path("/proc/x.aig"), "locked": locked / "x.aig"}[where]
    real_access = os.access
    monkeypatch.setattr("circuitlab.fsutil.os.access",
                        lambda p, m: False if str(p) == str(locked) else real_access(p, m))
    c17 = str(shared_data("aig", "iscas85", "c17.aig"))
    argv = [c17 if a == "C17" else str(out) if a == "OUT" else a for a in command]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(out) in err and "Traceback" not in err
    assert {"folder": "is a folder", "proc": "system folder",
            "locked": "cannot write in"}[where] in err
    assert list(locked.iterdir()) == []


def test_pipeline_out_naming_a_file_is_refused(tmp_path, capsys):
    out = tmp_path / "results"
    out.write_text("keep me")
    assert main(["pipeline", "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err == f"circuitlab pipeline: error: --out {out}: is a file, not a folder\n"
    assert out.read_text() == "keep me"


def test_stats_reports_the_good_files_and_exits_2_for_a_bad_one(tmp_path, capsys):
    good = str(shared_data("aig", "iscas85", "c17.aig"))
    bad = tmp_path / "bad.aag"
    bad.write_text("aag 1 1 0 1 0\n2\nzz\n")
    assert main(["stats", good, str(bad), good]) == 2
    captured = capsys.readouterr()
    rows = captured.out.splitlines()
    assert len(rows) == 3 and rows[1].split()[0] == rows[2].split()[0] == good
    assert rows[1].split()[1:] == ["5", "0", "6", "2", "3"]
    assert captured.err == f"circuitlab stats: error: {bad}:3: bad output line 'zz'\n"
    assert main(["stats", "--json", good, str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out.count("\n") == 1 and '"ands": 6' in captured.out
    assert captured.err.count("\n") == 1
