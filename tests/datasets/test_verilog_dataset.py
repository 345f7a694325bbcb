"""VerilogAigDataset: fields, skipped designs, rebuild on change, resume."""

from __future__ import annotations

from pathlib import Path

import pytest

from circuitlab.data import OneHotNodeType
from circuitlab.datasets import BuildOptions, VerilogAigDataset
from circuitlab.synth import synthesize
from dataset_sources import AND2, verilog_folder
from oracle import assert_equivalent

OPTS = BuildOptions(jobs=2, progress=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    src = verilog_folder(tmp_path_factory.mktemp("src"), broken=True)
    root = tmp_path_factory.mktemp("root")
    return src, root, VerilogAigDataset(str(root), str(src), options=OPTS)


def test_fields_and_skipped_design(built, capsys):
    src, _, ds = built
    assert len(ds) == 3
    by_name = {g.design: g for g in ds}
    assert sorted(by_name) == ["add3", "and2", "wrap"]
    g = by_name["and2"]
    assert g.verilog == AND2 and g.top == "and2"
    assert g.description == "A two-input AND gate.\n"
    assert by_name["add3"].description == ""
    assert by_name["wrap"].top == "wrap"
    assert g.encoding == "not_nodes" and int(g.num_ands) == 1 and int(g.num_inputs) == 2
    (name, reason), = ds.report.failed
    assert name == "broken.v" and "\n" not in reason and "broken.v" in reason


def test_graph_is_the_synthesised_circuit(built):
    from circuitlab.io.aiger import parse_aiger
    src, root, ds = built
    item = next((root / "items").glob("add3-*.item"))
    from circuitlab.datasets.shard import unpack
    _, blobs = unpack(item.read_bytes())
    assert_equivalent(parse_aiger(blobs[0]), synthesize([src / "add3.v"]))
    g = next(g for g in ds if g.design == "add3")
    assert int(g.num_ands) == parse_aiger(blobs[0]).num_ands


def _mtime(ds) -> int:
    return Path(ds.processed_paths[0]).stat().st_mtime_ns


def test_unchanged_sources_are_not_rebuilt(built):
    src, root, ds = built
    again = VerilogAigDataset(str(root), str(src), options=OPTS)
    assert again.processed_dir == ds.processed_dir and _mtime(again) == _mtime(ds)
    assert len(again) == 3


def test_changed_source_or_pre_transform_rebuilds(tmp_path):
    src, root = verilog_folder(tmp_path / "src"), tmp_path / "root"
    first = VerilogAigDataset(str(root), str(src), options=OPTS)
    other = VerilogAigDataset(str(root), str(src), pre_transform=OneHotNodeType(), options=OPTS)
    assert other.processed_dir != first.processed_dir
    assert other.report.computed == [] and len(other.report.reused) == 3  # items reused
    assert other[0].x.shape[1] > 0 and "x" not in first[0]
    (src / "and2.v").write_text(AND2.replace("a & b", "a | b"))
    changed = VerilogAigDataset(str(root), str(src), options=OPTS)
    assert changed.processed_dir != first.processed_dir
    assert changed.report.computed == ["and2.v"]
    (src / "and2.txt").write_text("now an OR gate\n")
    described = VerilogAigDataset(str(root), str(src), options=OPTS)
    assert described.report.computed == ["and2.v"]
    assert next(g for g in described if g.design == "and2").description == "now an OR gate\n"


def test_resume_recomputes_only_the_deleted_item(tmp_path):
    src, root = verilog_folder(tmp_path / "src"), tmp_path / "root"
    VerilogAigDataset(str(root), str(src), options=OPTS)
    next((root / "items").glob("add3-*.item")).unlink()
    resumed = VerilogAigDataset(str(root), str(src), options=OPTS, force_reload=True)
    assert resumed.report.computed == ["add3.v"]
    assert sorted(resumed.report.reused) == ["and2.v", "wrap.v"]
    assert len(resumed) == 3
