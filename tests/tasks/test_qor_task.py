"""The QoR task end to end on tiny splits: its result's shape, and refused splits."""

import math

import numpy as np
import pytest

from circuitlab.errors import CircuitlabError
from circuitlab.nn import load_default_encoder
from circuitlab.tasks import TaskResult
from circuitlab.tasks.qor import QorParams, baseline_predictions, run
from circuitlab.tasks.qor_labels import recipe_labels, shared_recipes

KEYS = ["ndcg@3", "ndcg@5", "top3%", "top5%", "top10%", "mape"]
TINY = QorParams(recipes=4, recipe_length=2, jobs=1, epochs=5, batch_size=8)


@pytest.fixture(scope="module")
def encoder():
    return load_default_encoder()


def test_run_returns_every_metric_for_model_and_baseline(small_designs, encoder, tmp_path):
    train, test = small_designs[:4], small_designs[4:]
    result = run(encoder, train, test, TINY, seed=0, cache=tmp_path)
    assert isinstance(result, TaskResult) and result.task == "qor"
    assert list(result.metrics) == KEYS and list(result.baseline) == KEYS
    assert [r["design"] for r in result.rows] == [d.name for d in test]
    assert result.info["label_runs"] == 6 * 4
    recipes = shared_recipes(TINY.recipes, TINY.recipe_seed, TINY.recipe_length)
    labels, _ = recipe_labels(train + test, recipes, TINY.engine, cache=tmp_path, jobs=1)
    train_ands = np.stack([labels[d.name][:, 0] for d in train])
    log_ratio = np.log((train_ands + 1) / (np.array([d.aig.num_ands for d in train])[:, None]
                                          + 1)).mean(axis=0)
    for row, design in zip(result.rows, test):
        assert list(row["model"]) == KEYS and list(row["baseline"]) == KEYS
        true = labels[design.name][:, 0]
        assert row["spread"] == len(set(true.tolist()))
        for side in ("model", "baseline"):
            assert math.isfinite(row[side]["mape"]) and row[side]["mape"] >= 0
            for key in KEYS[:-1]:  # ranking metrics: NaN exactly when nothing is to rank
                value = row[side][key]
                assert math.isnan(value) if row["spread"] == 1 else 0 <= value <= 1, (key, row)
        # The baseline predicts each recipe's mean log size ratio of the training designs.
        predicted = (design.aig.num_ands + 1) * np.exp(log_ratio) - 1
        assert row["baseline"]["mape"] == pytest.approx(
            100 * np.mean(np.abs(predicted - true) / np.maximum(true, 1)))
    for summary, side in ((result.metrics, "model"), (result.baseline, "baseline")):
        for key in KEYS:
            values = [r[side][key] for r in result.rows if not math.isnan(r[side][key])]
            assert summary[key] == pytest.approx(np.mean(values)) if values \
                else math.isnan(summary[key])
    baselines = result.info["baselines"]
    assert list(baselines) == ["recipe-only", "size counts", "simulation signature"]
    assert baselines["recipe-only"] == result.baseline
    for name in ("size counts", "simulation signature"):
        assert list(baselines[name]) == KEYS
        assert all(list(r[name]) == KEYS for r in result.rows)
        assert math.isfinite(baselines[name]["mape"])
    again = run(encoder, train, test, TINY, seed=0, cache=tmp_path)
    assert again.info["label_runs"] == 0 and again.metrics == result.metrics
    assert again.info["baselines"] == baselines  # seeded: the same side heads


def test_overlapping_or_empty_splits_are_refused(small_designs, encoder):
    with pytest.raises(CircuitlabError, match="both for training and test: add4"):
        run(encoder, small_designs[:3], small_designs[1:2], TINY, seed=0, cache=None)
    with pytest.raises(CircuitlabError, match="at least one"):
        run(encoder, small_designs[:3], [], TINY, seed=0, cache=None)


def test_the_baseline_ranks_by_mean_rank_and_predicts_the_mean_ratio():
    # recipe 0 best on both designs, recipe 2 worst on both
    score, ratio = baseline_predictions([[10, 12, 14], [5, 9, 7]], [20, 10])
    assert score.tolist() == [-1.0, -2.5, -2.5]
    assert ratio[0] == pytest.approx((math.log(11 / 21) + math.log(6 / 11)) / 2)


