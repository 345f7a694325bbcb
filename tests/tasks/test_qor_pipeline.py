"""The pipeline's QoR stage: the shipped head on held-out designs, or nothing with --no-qor."""

import math
import shutil

import numpy as np
import pytest

from circuitlab.io.abc_process import abc_available
from circuitlab import pipeline
from circuitlab.pipeline import DEFAULT_DESIGNS, PipelineParams, qor_stage, run_pipeline
from circuitlab.synth import synthesize
from circuitlab.tasks import Design
from circuitlab.tasks.qor_labels import recipe_labels, shared_recipes
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
    assert (tmp_path / pipeline.QOR_CACHE).is_dir()
    # The labels: the head's first three shared recipes, run by its engine.
    meta = load_head()[2]
    recipes = shared_recipes(3, meta["recipes"]["seed"], meta["recipes"]["length"])
    design = Design("vending", synthesize(DEFAULT_DESIGNS / "vending.v"))
    # by the head's engine; aigverse where that is ABC and ABC is not installed
    want = meta["recipes"]["engine"] if abc_available() else "aigverse"
    assert qor["engine"] == want
    true = recipe_labels([design], recipes, qor["engine"], jobs=1)[0]["vending"][:, 0]
    assert qor["spread"] == len(set(true.tolist()))
    for side in ("model", "baseline"):
        assert math.isfinite(qor[side]["mape"]) and qor[side]["mape"] >= 0
        for key in ("ndcg@3", "ndcg@5", "top3%", "top5%", "top10%"):
            value = qor[side][key]  # None exactly when every recipe gives the same count
            if qor["spread"] == 1:
                assert value is None, (side, key, qor)
            elif key.startswith("ndcg"):  # z gain: 1 at best, 0 for a random order, < 0 worse
                assert math.isfinite(value) and value <= 1, (side, key, qor)
            else:
                assert 0 <= value <= 1, (side, key, qor)
    # The baseline predicts each recipe's mean log size ratio over the head's training designs.
    train = np.asarray(meta["train_ands"])[:, :3]
    before = np.asarray(meta["train_ands_before"])[:, None]
    log_ratio = np.log((train + 1) / (before + 1)).mean(axis=0)
    predicted = (design.aig.num_ands + 1) * np.exp(log_ratio) - 1
    mape = 100 * np.mean(np.abs(predicted - true) / np.maximum(true, 1))
    assert qor["baseline"]["mape"] == pytest.approx(mape, abs=1e-4)


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
