"""The QoR task end to end on tiny splits: its result's shape, and refused splits."""

import math

import pytest

from circuitlab.errors import CircuitlabError
from circuitlab.nn import load_default_encoder
from circuitlab.tasks import TaskResult
from circuitlab.tasks.qor import QorParams, baseline_predictions, run

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
    for row in result.rows:
        assert list(row["model"]) == KEYS and list(row["baseline"]) == KEYS
        assert row["model"]["mape"] >= 0 and not math.isnan(row["model"]["mape"])
    assert result.info["label_runs"] == 6 * 4
    again = run(encoder, train, test, TINY, seed=0, cache=tmp_path)
    assert again.info["label_runs"] == 0 and again.metrics == result.metrics


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


