"""Ranking metrics of recipe QoR prediction, per design.

Every function takes one design's recipes: ``true`` and ``pred`` are
``[R]`` scores where **higher is better** (fewer AND gates), e.g. the
per-design standardised label :func:`standardise` and a model's output.
Orderings are by descending score; ties in ``pred`` are broken by recipe
index (a stable sort), so a constant prediction ranks recipes in their
given order. Ties in ``true`` are treated as equally good recipes.

Protocol: OpenABC-D (Chowdhury et al., 2021, https://arxiv.org/abs/2110.11292)
and MGVGA §4.2 (Wu et al., ICLR 2025, https://arxiv.org/abs/2502.12732).
"""

from __future__ import annotations

import math

import numpy as np

from circuitlab.errors import CircuitlabError

__all__ = ["FRACTIONS", "KS", "commonality", "mape", "mean_ranks", "ndcg_at_k", "ranks",
           "rank_metrics", "standardise"]

KS = (3, 5)
"""The cut-offs of NDCG reported by the QoR task."""
FRACTIONS = (0.03, 0.05, 0.10)
"""The top fractions of recipes whose commonality the QoR task reports."""


def _vectors(true, pred) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(true, dtype=np.float64).ravel()
    p = np.asarray(pred, dtype=np.float64).ravel()
    if t.shape != p.shape or t.size == 0:
        raise CircuitlabError(f"ranking metrics need two score vectors of one non-zero length, "
                              f"got {t.size} and {p.size}")
    return t, p


def _order(scores: np.ndarray) -> np.ndarray:
    """Indices by descending score, ties by index."""
    return np.argsort(-scores, kind="stable")


def standardise(ands) -> np.ndarray:
    """Per-design label: ``z_r = (mean(a) - a_r) / std(a)`` of AND counts ``a`` ``[R]``.

    Higher is better (fewer gates). ``std`` is the population standard
    deviation; a design whose recipes all give the same count gets ``z = 0``.
    """
    a = np.asarray(ands, dtype=np.float64)
    std = a.std()
    return np.zeros_like(a) if std == 0 else (a.mean() - a) / std


def ndcg_at_k(true, pred, k: int) -> float:
    r"""NDCG@k of the ranking by ``pred``, graded by ``true``.

    .. math::
        \mathrm{DCG@k}(\pi) = \sum_{i=1}^{k} \frac{g_{\pi(i)}}{\log_2(i + 1)},\qquad
        \mathrm{NDCG@k} = \frac{\mathrm{DCG@k}(\pi_{pred})}{\mathrm{DCG@k}(\pi_{true})}

    where :math:`\pi_{pred}` orders the recipes by descending ``pred``,
    :math:`\pi_{true}` by descending ``true`` (the ideal ordering), and the
    gain of recipe ``r`` is its standardised label shifted to be
    non-negative, :math:`g_r = y_r - \min_s y_s` (the worst recipe gains 0).
    The shift makes NDCG lie in [0, 1] and depend only on the AND counts,
    not on how they were standardised: ``g_r = (max(a) - a_r) / std(a)``,
    and the ``std`` cancels in the ratio. ``k`` larger than ``R`` is ``R``.

    Returns:
        NDCG@k, or NaN when every recipe has the same label (no ordering is
        better than another; the design has nothing to rank).
    """
    t, p = _vectors(true, pred)
    if k < 1:
        raise CircuitlabError(f"NDCG@k needs k >= 1, got {k}")
    k = min(int(k), t.size)
    gain = t - t.min()
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    ideal = float(np.sort(gain)[::-1][:k] @ discount)
    if ideal == 0.0:
        return math.nan
    return float(gain[_order(p)[:k]] @ discount) / ideal


def top_count(n: int, fraction: float) -> int:
    """Recipes in the top ``fraction`` of ``n``: ``max(1, round(fraction * n))``."""
    return max(1, int(round(fraction * n)))


def commonality(true, pred, fraction: float) -> float:
    """Top-``fraction`` commonality: the share of the predicted best ``k`` recipes
    that are among the truly best ``k`` (``k`` = :func:`top_count`).

    With ties in ``true`` the truly best ``k`` are not one set; a predicted
    recipe counts when its true label is at least the ``k``-th best true
    label, so any of the equally good recipes at the boundary counts.

    Returns:
        A value in [0, 1]; NaN when every recipe has the same label.
    """
    t, p = _vectors(true, pred)
    if not 0 < fraction <= 1:
        raise CircuitlabError(f"commonality needs a fraction in (0, 1], got {fraction}")
    if np.all(t == t[0]):
        return math.nan
    k = top_count(t.size, fraction)
    kth_best = np.sort(t)[::-1][k - 1]
    return float(np.mean(t[_order(p)[:k]] >= kth_best))


def mape(pred_ands, true_ands) -> float:
    """Mean absolute percentage error of predicted AND counts, in percent.

    ``100 * mean(|pred - true| / max(true, 1))``: the error relative to the
    true count (a recipe leaving no AND gate is measured against 1).
    """
    t, p = _vectors(true_ands, pred_ands)
    return float(100.0 * np.mean(np.abs(p - t) / np.maximum(np.abs(t), 1.0)))


def ranks(scores) -> np.ndarray:
    """Rank of each recipe ``[R]`` by descending score, 1 = best; ties share their mean rank."""
    s = np.asarray(scores, dtype=np.float64)
    order = _order(s)
    rank = np.empty(s.size)
    rank[order] = np.arange(1, s.size + 1)
    for value in np.unique(s):
        same = s == value
        if same.sum() > 1:
            rank[same] = rank[same].mean()
    return rank


def mean_ranks(scores) -> np.ndarray:
    """Each recipe's mean rank ``[R]`` over designs, from scores ``[D, R]`` (higher = better).

    The mean-rank baseline: with no information about the circuit, predict
    that a recipe ranks as it did on average; its predicted score is
    ``-mean_rank``.
    """
    s = np.asarray(scores, dtype=np.float64)
    if s.ndim != 2 or s.shape[0] == 0:
        raise CircuitlabError(f"mean ranks need scores [designs, recipes], got shape {s.shape}")
    return np.mean([ranks(row) for row in s], axis=0)


def rank_metrics(true, pred) -> dict[str, float]:
    """NDCG@3, NDCG@5 and top-3/5/10 % commonality of one design.

    Keys: ``ndcg@3``, ``ndcg@5``, ``top3%``, ``top5%``, ``top10%``; every
    value NaN for a design whose recipes all give the same label.
    """
    metrics = {f"ndcg@{k}": ndcg_at_k(true, pred, k) for k in KS}
    for fraction in FRACTIONS:
        metrics[f"top{round(fraction * 100)}%"] = commonality(true, pred, fraction)
    return metrics
