"""AigerDataset: one graph per circuit file; malformed files skipped."""

from __future__ import annotations

import pytest

from circuitlab.datasets import AigerDataset, BuildOptions
from circuitlab.errors import CircuitlabError
from dataset_sources import adder, aiger_folder


def test_graphs_match_files(tmp_path, capsys):
    src = aiger_folder(tmp_path / "src", malformed=True)
    ds = AigerDataset(str(tmp_path / "root"), str(src), encoding="edge_attr",
                      options=BuildOptions(jobs=2, progress=False))
    by_name = {g.design: g for g in ds}
    assert sorted(by_name) == ["add3", "add4"]
    assert int(by_name["add4"].num_ands) == adder(4).num_ands
    assert by_name["add3"].encoding == "edge_attr"
    (name, reason), = ds.report.failed
    assert name == "bad.aag" and "bad.aag" in reason and "/tmp" not in reason
    assert capsys.readouterr().err.count("skipped bad.aag") == 1


def test_missing_or_empty_folder(tmp_path):
    with pytest.raises(CircuitlabError, match="no such source folder"):
        AigerDataset(str(tmp_path / "root"), str(tmp_path / "nope"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(CircuitlabError, match="no .aig"):
        AigerDataset(str(tmp_path / "root"), str(tmp_path / "empty"))
