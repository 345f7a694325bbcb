"""Ranking metrics of the QoR task against values computed by hand."""

import math

import numpy as np
import pytest

from circuitlab.errors import CircuitlabError
from circuitlab.tasks.ranking import (
    commonality,
    mape,
    mean_ranks,
    gains,
    ndcg_at_k,
    random_commonality,
    random_ndcg_at_k,
    random_rank_metrics,
    rank_metrics,
    ranks,
    standardise,
    top_count,
)

LOG2_3 = 1.584962500721156
LOG2_5 = 2.321928094887362
TRUE = [2.0, 1.0, 0.0, -1.0]  # mean 0.5: z-gains proportional to 1.5, 0.5, -0.5, -1.5


def test_z_gains_are_the_per_design_z_score():
    assert gains(TRUE) == pytest.approx(np.array([1.5, 0.5, -0.5, -1.5]) / np.sqrt(1.25))
    assert gains(TRUE, "shifted") == pytest.approx(np.array([3, 2, 1, 0]) / np.sqrt(1.25))
    assert gains([4, 4, 4]) is None
    with pytest.raises(CircuitlabError):
        gains(TRUE, "log")


def test_ndcg_by_hand():
    # predicted order 1, 0, 2, 3; gains (up to the std, which cancels) 1.5, 0.5, -0.5, -1.5:
    # DCG@3 = 0.5 + 1.5/log2(3) - 0.5/2; ideal 0, 1, 2: 1.5 + 0.5/log2(3) - 0.5/2
    pred = [0.9, 1.0, 0.1, 0.0]
    assert ndcg_at_k(TRUE, pred, 3) == pytest.approx(
        (0.5 + 1.5 / LOG2_3 - 0.25) / (1.5 + 0.5 / LOG2_3 - 0.25))
    assert ndcg_at_k(TRUE, pred, 3) == pytest.approx(0.764242, abs=1e-6)
    # top-2 swapped: (0.5 + 1.5/log2(3)) / (1.5 + 0.5/log2(3))
    assert ndcg_at_k(TRUE, pred, 2) == pytest.approx(0.796708, abs=1e-6)


def test_ndcg_with_the_shifted_gain_by_hand():
    # gains 3, 2, 1, 0: DCG@3 = 2/1 + 3/log2(3) + 1/2; ideal 3/1 + 2/log2(3) + 1/2
    pred = [0.9, 1.0, 0.1, 0.0]
    assert ndcg_at_k(TRUE, pred, 3, "shifted") == pytest.approx(0.922494, abs=1e-6)
    assert ndcg_at_k(TRUE, [0, 1, 2, 3], 2, "shifted") == pytest.approx(0.148041, abs=1e-6)


def test_perfect_order_is_one_and_reversed_symmetric_labels_are_minus_one():
    for k in (1, 2, 3, 4):
        assert ndcg_at_k(TRUE, TRUE, k) == pytest.approx(1.0)
        # the reversed order's top k are the ideal top k's negatives
        assert ndcg_at_k(TRUE, [0, 1, 2, 3], k) == pytest.approx(-1.0)
    assert ndcg_at_k(TRUE, [0, 1, 2, 3], 10) == ndcg_at_k(TRUE, [0, 1, 2, 3], 4)


def test_reversed_order_of_skewed_labels_by_hand():
    # AND counts 10, 10, 10, 20: labels -a, mean -12.5, gains 2.5, 2.5, 2.5, -7.5 (x 1/std)
    ands = np.array([10, 10, 10, 20])
    worst_first = [0, 1, 2, 3]   # recipe 3 (the worst) predicted best
    expected = (-7.5 + 2.5 / LOG2_3) / (2.5 + 2.5 / LOG2_3)
    assert ndcg_at_k(-ands, worst_first, 2) == pytest.approx(expected)
    assert ndcg_at_k(-ands, worst_first, 2) == pytest.approx(-1.452589, abs=1e-6)  # below -1


def test_random_order_value_is_exact_and_matches_seeded_shuffles():
    assert random_ndcg_at_k(TRUE, 3) == pytest.approx(0.0, abs=1e-12)
    # shifted gains 3, 2, 1, 0: E[DCG@2] = 1.5 (1 + 1/log2(3)); ideal 3 + 2/log2(3)
    assert random_ndcg_at_k(TRUE, 2, "shifted") == pytest.approx(
        1.5 * (1 + 1 / LOG2_3) / (3 + 2 / LOG2_3))
    rng = np.random.default_rng(7)
    ands = rng.integers(100, 140, size=30)
    for gain in ("z", "shifted"):
        shuffled = [ndcg_at_k(-ands, rng.permutation(30), 3, gain) for _ in range(20000)]
        exact = random_ndcg_at_k(-ands, 3, gain)
        stderr = np.std(shuffled) / np.sqrt(len(shuffled))
        assert abs(np.mean(shuffled) - exact) < 4 * stderr
    assert random_ndcg_at_k(-ands, 3) == pytest.approx(0.0, abs=1e-12)
    assert random_ndcg_at_k(-ands, 3, "shifted") > 0.3


def test_random_commonality_is_the_share_of_good_recipes():
    assert random_commonality(np.arange(10), 0.2) == pytest.approx(0.2)
    assert random_commonality([5, 5, 5, 1], 0.25) == pytest.approx(0.75)  # three tie as best
    rng = np.random.default_rng(3)
    true = rng.integers(0, 6, size=20)
    shuffled = [commonality(true, rng.permutation(20), 0.1) for _ in range(20000)]
    assert np.mean(shuffled) == pytest.approx(random_commonality(true, 0.1), abs=0.01)
    assert math.isnan(random_commonality([1, 1], 0.5))


def test_random_rank_metrics_keys_match_rank_metrics():
    values = random_rank_metrics(TRUE)
    assert list(values) == list(rank_metrics(TRUE, TRUE))
    assert values["ndcg@3"] == pytest.approx(0.0, abs=1e-12)
    assert values["top10%"] == pytest.approx(0.25)
    assert all(math.isnan(v) for v in random_rank_metrics([3, 3, 3]).values())


def test_ndcg_ties_in_the_prediction_keep_the_given_order():
    assert ndcg_at_k(TRUE, [0, 0, 0, 0], 3) == pytest.approx(1.0)
    assert ndcg_at_k(TRUE[::-1], [0, 0, 0, 0], 1) == pytest.approx(-1.0)


def test_ndcg_does_not_depend_on_how_the_labels_were_standardised():
    ands = np.array([120, 100, 111, 130, 100])
    pred = np.array([0.3, -0.2, 0.5, 0.1, 0.0])
    for gain in ("z", "shifted"):
        assert ndcg_at_k(standardise(ands), pred, 3, gain) == pytest.approx(
            ndcg_at_k(-ands, pred, 3, gain))
        assert ndcg_at_k(standardise(ands), pred, 3, gain) == pytest.approx(
            ndcg_at_k(7 - 3 * ands, pred, 3, gain))


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
