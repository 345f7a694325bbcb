"""Binary metrics against hand-computed values and a brute-force reference."""

import itertools

import numpy as np
import pytest

from circuitlab.errors import CircuitlabError
from circuitlab.tasks.classification import (
    binary_metrics, choose_threshold, rank_average, roc_auc,
)


def test_precision_recall_f1_by_hand():
    got = binary_metrics([0.9, 0.8, 0.7, 0.6, 0.5], [1, 0, 1, 0, 0], threshold=0.65)
    # predicted positive: 0.9, 0.8, 0.7 -> tp 2, fp 1, fn 0
    assert got == pytest.approx({"precision": 2 / 3, "recall": 1.0, "f1": 0.8, "accuracy": 0.8})


def test_a_score_equal_to_the_threshold_is_positive():
    assert binary_metrics([0.5, 0.4], [1, 0], 0.5)["f1"] == 1.0


def test_nothing_predicted_positive_gives_zero_not_nan():
    got = binary_metrics([0.1, 0.2], [1, 0], threshold=0.9)
    assert got["precision"] == 0.0 and got["recall"] == 0.0 and got["f1"] == 0.0


def test_ranks_share_the_mean_of_their_tied_positions():
    assert rank_average([3, 1, 3, 2]).tolist() == [3.5, 1.0, 3.5, 2.0]
    assert rank_average([5, 5, 5]).tolist() == [2.0, 2.0, 2.0]


@pytest.mark.parametrize("scores, labels, auc", [
    ([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], 0.75),
    # positives 0.5, 0.9 against negatives 0.5, 0.5: two ties (1/2 each) and two wins
    ([0.5, 0.5, 0.5, 0.9], [1, 0, 0, 1], 0.75),
    ([0.3, 0.3, 0.3, 0.3], [1, 0, 1, 0], 0.5),
    ([0.9, 0.8, 0.1, 0.2], [0, 0, 1, 1], 0.0),
])
def test_roc_auc_by_hand_with_ties(scores, labels, auc):
    assert roc_auc(scores, labels) == pytest.approx(auc)


def test_roc_auc_of_a_single_class_is_nan():
    assert np.isnan(roc_auc([0.1, 0.2], [1, 1]))


def _auc_by_pairs(scores, labels):
    pos = [s for s, y in zip(scores, labels) if y]
    neg = [s for s, y in zip(scores, labels) if not y]
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p, n in itertools.product(pos, neg))
    return wins / (len(pos) * len(neg))


@pytest.mark.parametrize("seed", range(5))
def test_roc_auc_equals_the_fraction_of_ordered_pairs(seed):
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 6, size=40) / 5.0          # many ties
    labels = rng.integers(0, 2, size=40)
    assert roc_auc(scores, labels) == pytest.approx(_auc_by_pairs(scores, labels))


def test_threshold_by_hand():
    # >= 0.8 catches both positives and nothing else; the midpoint 0.75 is chosen
    assert choose_threshold([0.9, 0.8, 0.7, 0.6], [1, 1, 0, 0]) == pytest.approx(0.75)
    # every score positive is best: the threshold lies below the smallest score
    assert choose_threshold([0.9, 0.8, 0.7, 0.6], [1, 1, 0, 1]) < 0.6


def test_equal_f1_goes_to_the_larger_threshold():
    # >= 0.9: F1 2/3; >= 0.5: 1/2; >= 0.1: 2/5; everything: 2/3 -> the tie goes to 0.7
    t = choose_threshold([0.9, 0.5, 0.1, 0.05], [1, 0, 0, 1])
    assert binary_metrics([0.9, 0.5, 0.1, 0.05], [1, 0, 0, 1], t)["f1"] == pytest.approx(2 / 3)
    assert t == pytest.approx(0.7)


@pytest.mark.parametrize("seed", range(5))
def test_threshold_reaches_the_best_f1_of_every_candidate(seed):
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 8, size=30) / 7.0
    labels = rng.integers(0, 2, size=30)
    best = max(binary_metrics(scores, labels, t)["f1"] for t in np.r_[scores, 2.0])
    assert binary_metrics(scores, labels, choose_threshold(scores, labels))["f1"] == \
        pytest.approx(best)


def test_bad_inputs_are_refused():
    with pytest.raises(CircuitlabError, match="2 scores for 3 labels"):
        roc_auc([0.1, 0.2], [0, 1, 1])
    with pytest.raises(CircuitlabError, match="0/1"):
        binary_metrics([0.1], [2], 0.5)
    with pytest.raises(CircuitlabError, match="no validation pairs"):
        choose_threshold([], [])
