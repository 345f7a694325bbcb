"""The same per-item builds mapped over a local Ray instance."""

from __future__ import annotations

import pytest

from circuitlab.datasets import AigerDataset, BuildOptions
from dataset_sources import adder, aiger_folder

ray = pytest.importorskip("ray", reason="Ray is the optional extra 'ray' (in 'dev' for CI)")


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.mark.slow
def test_ray_failures_and_resume(tmp_path, local_ray):
    src = aiger_folder(tmp_path / "src", malformed=True)
    opts = BuildOptions(ray="auto", progress=False)
    ds = AigerDataset(str(tmp_path / "root"), str(src), options=opts)
    assert sorted(ds.report.computed) == ["add3.aag", "add4.aig"]
    (name, reason), = ds.report.failed
    assert name == "bad.aag" and "\n" not in reason
    next((tmp_path / "root" / "items").glob("add4-*.item")).unlink()
    resumed = AigerDataset(str(tmp_path / "root"), str(src), options=opts, force_reload=True)
    assert resumed.report.computed == ["add4.aig"] and len(resumed) == 2


@pytest.mark.slow
def test_ray_dataset_equals_local_dataset(tmp_path, local_ray):
    src = aiger_folder(tmp_path / "src")
    local = AigerDataset(str(tmp_path / "a"), str(src), options=BuildOptions(progress=False))
    remote = AigerDataset(str(tmp_path / "b"), str(src),
                          options=BuildOptions(ray="auto", progress=False))
    assert sorted(remote.report.computed) == ["add3.aag", "add4.aig"]
    for g, h in zip(local, remote):
        assert g.design == h.design and int(h.num_ands) == adder(int(h.design[3:])).num_ands
        assert (g.edge_index == h.edge_index).all()
