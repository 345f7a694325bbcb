"""The protocol's --quick mode end to end (CI runs it with the slow suite)."""

import pytest

from circuitlab.cli import main
from circuitlab.protocol import load_config, read_lines
from circuitlab.pipeline import PROJECT_ROOT
from shared_data import fetch_from_mirror

TASKS_CONFIG = PROJECT_ROOT / "experiments" / "configs" / "tasks.toml"


@pytest.mark.needs_data("aig")
@pytest.mark.needs_data("verilog", "openabc_rtl")
def test_the_full_protocol_config_resolves(tmp_path):
    root = fetch_from_mirror(tmp_path, "iscas85", "epfl-arithmetic", "iwls05", "openabc-rtl")
    config = load_config(TASKS_CONFIG, data_root=root)
    assert len(config.seeds) >= 3
    assert {c.name for c in config.encoders} >= {"random", "graphmae", "mgm", "mgm+vga-m1",
                                                  "mgm+vga-m16"}
    assert [name for name, _ in config.tasks] == ["qor", "equivalence", "probes", "retrieval"]
    assert not {s.name for s in config.train} & {s.name for s in config.test}
    # the shipped-vs-untrained comparison runs on the same splits
    shipped = load_config(TASKS_CONFIG.with_name("baselines.toml"), data_root=root)
    assert [s.spec for s in shipped.train] == [s.spec for s in config.train]
    assert [s.spec for s in shipped.test] == [s.spec for s in config.test]
    assert [(c.name, c.kind) for c in shipped.encoders] == [("shipped", "shipped"),
                                                            ("untrained", "random")]


@pytest.mark.slow
@pytest.mark.needs_data("aig", "iscas85")
def test_the_quick_protocol_runs_every_cell_and_reports(tmp_path, capsys):
    results = tmp_path / "quick.jsonl"
    root = fetch_from_mirror(tmp_path / "data", "iscas85")
    status = main(["experiment", "run", str(TASKS_CONFIG), "--quick", "--cache",
                   str(tmp_path / "cache"), "--results", str(results), "--data-root", str(root)])
    err = capsys.readouterr().err
    assert status == 0, err
    config = load_config(TASKS_CONFIG, quick=True, data_root=root)
    lines = read_lines(results)
    assert sorted((r["seed"], r["encoder"], r["task"]) for r in lines) == sorted(
        (s, c.name, t) for s in config.seeds for c in config.encoders for t, _ in config.tasks)
    assert all(r["status"] == "ok" and r["metrics"] and r["baseline"] for r in lines), err
    assert main(["experiment", "report", str(results), "-o", str(tmp_path / "report")]) == 0
    report = (tmp_path / "report" / "report.md").read_text()
    for name, _ in config.tasks:
        assert f"## {name}\n" in report and (tmp_path / "report" / f"{name}.png").is_file()
