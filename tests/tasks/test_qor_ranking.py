"""Ranking metrics of the QoR task against values computed by hand."""

import math

import numpy as np
import pytest

from circuitlab.errors import CircuitlabError
from circuitlab.tasks.ranking import (
    commonality,
    mape,
    mean_ranks,
    ndcg_at_k,
    rank_metrics,
    ranks,
    standardise,
    top_count,
)

LOG2_3 = 1.584962500721156
TRUE = [2.0, 1.0, 0.0, -1.0]  # gains after the shift: 3, 2, 1, 0


def test_ndcg_by_hand():
    # predicted order 1, 0, 2, 3: DCG@3 = 2/1 + 3/log2(3) + 1/2 = 4.39279;
    # ideal 0, 1, 2: 3/1 + 2/log2(3) + 1/2 = 4.76186
    pred = [0.9, 1.0, 0.1, 0.0]
    assert ndcg_at_k(TRUE, pred, 3) == pytest.approx(0.922494, abs=1e-6)
    assert ndcg_at_k(TRUE, pred, 3) == pytest.approx(
        (2 + 3 / LOG2_3 + 0.5) / (3 + 2 / LOG2_3 + 0.5))
    # reversed: DCG@2 = 0/1 + 1/log2(3) = 0.63093; ideal 3 + 2/log2(3) = 4.26186
    assert ndcg_at_k(TRUE, [0, 1, 2, 3], 2) == pytest.approx(0.148041, abs=1e-6)


def test_ndcg_perfect_is_one_and_k_beyond_the_recipes_is_all_of_them():
    assert ndcg_at_k(TRUE, TRUE, 3) == pytest.approx(1.0)
    assert ndcg_at_k(TRUE, [0, 1, 2, 3], 10) == ndcg_at_k(TRUE, [0, 1, 2, 3], 4)


def test_ndcg_ties_in_the_prediction_keep_the_given_order():
    assert ndcg_at_k(TRUE, [0, 0, 0, 0], 3) == pytest.approx(1.0)
    assert ndcg_at_k(TRUE[::-1], [0, 0, 0, 0], 1) == 0.0


def test_ndcg_does_not_depend_on_how_the_labels_were_standardised():
    ands = np.array([120, 100, 111, 130, 100])
    pred = np.array([0.3, -0.2, 0.5, 0.1, 0.0])
    assert ndcg_at_k(standardise(ands), pred, 3) == pytest.approx(ndcg_at_k(-ands, pred, 3))
    assert ndcg_at_k(standardise(ands), pred, 3) == pytest.approx(
        ndcg_at_k(7 - 3 * ands, pred, 3))


def test_a_design_without_spread_has_no_ranking():
    assert math.isnan(ndcg_at_k([1, 1, 1], [3, 2, 1], 3))
    assert math.isnan(commonality([1, 1, 1], [3, 2, 1], 0.5))
    assert all(math.isnan(v) for v in rank_metrics([5] * 40, np.arange(40)).values())


def test_commonality_by_hand():
    true = np.arange(10, 0, -1)           # recipe 0 best, recipe 9 worst
    pred = np.zeros(10)
    pred[1], pred[9] = 5, 4               # predicted best two: 1 (truly 2nd) and 9 (worst)
    assert commonality(true, pred, 0.2) == 0.5
    assert commonality(true, pred, 0.03) == 0.0   # k = 1: recipe 1 is not the best
    assert commonality(true, true, 0.3) == 1.0


def test_commonality_counts_any_recipe_tied_at_the_boundary():
    assert commonality([5, 5, 5, 1], [0, 0, 1, 0], 0.25) == 1.0
    assert commonality([5, 5, 5, 1], [0, 0, 0, 1], 0.25) == 0.0


def test_top_count():
    assert [top_count(48, f) for f in (0.03, 0.05, 0.10)] == [1, 2, 5]
    assert [top_count(100, f) for f in (0.03, 0.05, 0.10)] == [3, 5, 10]
    assert top_count(10, 0.03) == 1


def test_mape_divides_by_the_true_count():
    assert mape([110, 90], [100, 100]) == pytest.approx(10.0)
    assert mape([50], [100]) == pytest.approx(50.0)
    assert mape([100], [50]) == pytest.approx(100.0)
    assert mape([2], [0]) == pytest.approx(200.0)


def test_ranks_share_ties_and_mean_ranks_average_designs():
    assert ranks([3, 1, 3, 2]).tolist() == [1.5, 4.0, 1.5, 3.0]
    assert mean_ranks([[3, 2, 1], [1, 2, 3]]).tolist() == [2.0, 2.0, 2.0]
    assert mean_ranks([[3, 2, 1], [3, 1, 2]]).tolist() == [1.0, 2.5, 2.5]


def test_standardise():
    z = standardise([10, 12, 14])
    assert z == pytest.approx([1.224745, 0.0, -1.224745], abs=1e-6)
    assert standardise([7, 7]).tolist() == [0.0, 0.0]


def test_rank_metrics_keys_and_bad_input():
    assert list(rank_metrics(TRUE, TRUE)) == ["ndcg@3", "ndcg@5", "top3%", "top5%", "top10%"]
    with pytest.raises(CircuitlabError):
        ndcg_at_k([1, 2], [1, 2, 3], 2)
    with pytest.raises(CircuitlabError):
        ndcg_at_k([1, 2], [1, 2], 0)
