"""Binary classification metrics of a score: precision, recall, F1, ROC-AUC, threshold choice.

Plain numpy, no scikit-learn. A pair is predicted positive when its score
is at least the threshold. Undefined values follow one rule: a ratio whose
denominator is zero (precision with no predicted positive, recall with no
positive) is 0.0, and ROC-AUC with a single class is NaN.
"""

from __future__ import annotations

import numpy as np

from circuitlab.errors import CircuitlabError

__all__ = ["binary_metrics", "choose_threshold", "rank_average", "roc_auc"]


def _check(scores, labels) -> tuple[np.ndarray, np.ndarray]:
    scores = np.asarray(scores, dtype=np.float64).ravel()
    labels = np.asarray(labels).ravel()
    if scores.shape != labels.shape:
        raise CircuitlabError(f"{scores.size} scores for {labels.size} labels")
    if not np.isin(labels, (0, 1)).all():
        raise CircuitlabError("labels must be 0/1 (or booleans)")
    if not np.isfinite(scores).all():
        raise CircuitlabError("scores must be finite")
    return scores, labels.astype(bool)


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den else 0.0


def binary_metrics(scores, labels, threshold: float) -> dict[str, float]:
    """Precision, recall, F1 and accuracy of ``scores >= threshold`` against ``labels``.

    Shapes:
        ``scores`` ``[N]`` float, ``labels`` ``[N]`` 0/1 or bool.
    """
    scores, labels = _check(scores, labels)
    pred = scores >= threshold
    tp = int((pred & labels).sum())
    fp = int((pred & ~labels).sum())
    fn = int((~pred & labels).sum())
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    return {"precision": precision, "recall": recall,
            "f1": _ratio(2 * precision * recall, precision + recall),
            "accuracy": _ratio(int((pred == labels).sum()), labels.size)}


def rank_average(values) -> np.ndarray:
    """Ranks 1..N of ``values``, tied values sharing the mean of their ranks.

    Shapes:
        ``values`` ``[N]``; returns ``[N]`` float64.
    """
    values = np.asarray(values, dtype=np.float64).ravel()
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    # start of each run of equal values, and the run each sorted item is in
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    ends = np.r_[starts[1:], values.size]
    run = np.repeat(np.arange(starts.size), ends - starts)
    mean_rank = (starts + 1 + ends) / 2.0  # mean of ranks starts+1 .. ends
    ranks = np.empty(values.size)
    ranks[order] = mean_rank[run]
    return ranks


def roc_auc(scores, labels) -> float:
    """Area under the ROC curve: the probability that a random positive
    scores above a random negative, a tie counting one half
    (Mann-Whitney U / (positives x negatives), from average ranks).

    Returns NaN when ``labels`` hold a single class.
    """
    scores, labels = _check(scores, labels)
    pos, neg = int(labels.sum()), int((~labels).sum())
    if not pos or not neg:
        return float("nan")
    ranks = rank_average(scores)
    u = ranks[labels].sum() - pos * (pos + 1) / 2.0
    return float(u / (pos * neg))


def choose_threshold(scores, labels) -> float:
    """The threshold that maximises F1 of ``scores >= threshold`` on these (validation) pairs.

    Candidates lie midway between consecutive distinct scores, plus one
    above the largest (nothing positive) and one below the smallest
    (everything positive); ties in F1 go to the larger threshold.

    Raises:
        CircuitlabError: no scores.
    """
    scores, labels = _check(scores, labels)
    if not scores.size:
        raise CircuitlabError("no validation pairs to choose a threshold on")
    distinct = np.unique(scores)
    candidates = np.r_[distinct[0] - 1.0, (distinct[1:] + distinct[:-1]) / 2.0, distinct[-1] + 1.0]
    # descending order of the scores: predicted positives grow one distinct value at a time
    order = np.argsort(-scores, kind="mergesort")
    tp = np.cumsum(labels[order])
    count = np.arange(1, scores.size + 1)
    last_of_value = np.r_[scores[order][1:] != scores[order][:-1], True]
    tp, count = tp[last_of_value], count[last_of_value]     # threshold just below each value
    positives = int(labels.sum())
    f1 = np.where(tp > 0, 2 * tp / (count + positives), 0.0)
    f1 = np.r_[0.0, f1]                                     # nothing predicted positive
    thresholds = candidates[::-1]                           # from above the largest, downwards
    best = int(np.argmax(f1))                               # first maximum: largest threshold
    return float(thresholds[best])
