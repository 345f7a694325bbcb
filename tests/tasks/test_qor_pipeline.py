"""The pipeline's QoR stage: the shipped head on held-out designs, or nothing with --no-qor."""

import math
import shutil

import pytest

from circuitlab import pipeline
from circuitlab.pipeline import DEFAULT_DESIGNS, PipelineParams, qor_stage, run_pipeline
from circuitlab.synth import synthesize
from circuitlab.tasks.qor_head import DEFAULT_HEAD, load_head


def test_the_stage_scores_held_out_designs_only(tmp_path):
    if not DEFAULT_HEAD.exists():
        pytest.skip("the shipped head is built by experiments/train_qor_head.py")
    heldout = load_head()[2]["heldout"]
    assert "vending" in heldout and "counter8" not in heldout
    rows, aigs = [], []
    for name in ("vending", "counter8"):
        aig = synthesize(DEFAULT_DESIGNS / f"{name}.v")
        aigs.append(aig)
        rows.append({"design": name, "ands": aig.num_ands})
    params = PipelineParams(out=tmp_path, qor_recipes=3, jobs=1)
    qor_stage(rows, aigs, params)
    assert "qor" not in rows[1]
    qor = rows[0]["qor"]
    assert qor["recipes"] == 3 and qor["spread"] >= 1
    assert set(qor["model"]) == set(qor["baseline"]) == {
        "ndcg@3", "ndcg@5", "top3%", "top5%", "top10%", "mape"}
    assert qor["model"]["mape"] is not None and not math.isnan(qor["model"]["mape"])
    assert (tmp_path / pipeline.QOR_CACHE).is_dir()


def test_no_qor_skips_the_stage(tmp_path, monkeypatch):
    designs = tmp_path / "designs"
    designs.mkdir()
    shutil.copy(DEFAULT_DESIGNS / "maj5.v", designs)

    def refuse(*args):
        raise AssertionError("the QoR stage ran")

    monkeypatch.setattr(pipeline, "qor_stage", refuse)
    rows = run_pipeline(PipelineParams(designs=designs, out=tmp_path / "out", jobs=1,
                                       transformer=False, encoder=False, qor=False),
                        progress=False)
    assert [r["design"] for r in rows] == ["maj5"] and "qor" not in rows[0]
