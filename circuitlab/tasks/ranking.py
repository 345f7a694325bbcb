"""Ranking metrics of recipe QoR prediction, per design.

Every function takes one design's recipes: ``true`` and ``pred`` are
``[R]`` scores where **higher is better** (fewer AND gates), e.g. the
per-design standardised label :func:`standardise` and a model's output.
Orderings are by descending score; ties in ``pred`` are broken by recipe
index (a stable sort), so a constant prediction ranks recipes in their
given order. Ties in ``true`` are treated as equally good recipes.
NDCG's gain is the per-design z-score of the label (:func:`gains`), so a
uniformly random order scores 0 in expectation; :func:`random_rank_metrics`
gives every metric's exact random-order value, to print beside it.

Protocol: OpenABC-D (Chowdhury et al., 2021, https://arxiv.org/abs/2110.11292)
and MGVGA §4.2 (Wu et al., ICLR 2025, https://arxiv.org/abs/2502.12732).
"""

from __future__ import annotations

import math

import numpy as np

from circuitlab.errors import CircuitlabError

__all__ = ["FRACTIONS", "GAINS", "KS", "commonality", "gains", "mape", "mean_ranks",
           "ndcg_at_k", "random_commonality", "random_ndcg_at_k", "random_rank_metrics",
           "rank_metrics", "ranks", "standardise"]

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


GAINS = ("z", "shifted")
"""The NDCG gains: ``z`` (the headline, MGVGA's) and ``shifted`` (``z - min z``)."""


def gains(true, gain: str = "z") -> np.ndarray | None:
    """The gain of each recipe ``[R]`` from its label ``true`` (higher = better).

    ``z``: the per-design z-score :math:`g_r = (y_r - \\bar y) / \\sigma_y`
    (population ``std``), MGVGA's gain; its mean is 0, so a random order's
    expected DCG is 0. ``shifted``: :math:`g_r = y_r - \\min_s y_s`, every
    gain non-negative, so NDCG lies in [0, 1] but a random order scores well
    above 0 (NDCG@3 0.54 in expectation over 30 normally distributed labels,
    more when a few recipes stand out).
    Both depend only on the labels up to a positive affine map: ``true`` may
    be AND counts negated, or :func:`standardise` of them.

    Returns:
        The gains, or ``None`` when every recipe has the same label.
    """
    if gain not in GAINS:
        raise CircuitlabError(f"unknown NDCG gain {gain!r}; choose one of {', '.join(GAINS)}")
    t = np.asarray(true, dtype=np.float64).ravel()
    std = t.std()
    if std == 0:
        return None
    return (t - t.mean()) / std if gain == "z" else (t - t.min()) / std


def _discounts(k: int, size: int) -> np.ndarray:
    if k < 1:
        raise CircuitlabError(f"NDCG@k needs k >= 1, got {k}")
    return 1.0 / np.log2(np.arange(2, min(int(k), size) + 2))


def ndcg_at_k(true, pred, k: int, gain: str = "z") -> float:
    r"""NDCG@k of the ranking by ``pred``, graded by ``true``.

    .. math::
        \mathrm{DCG@k}(\pi) = \sum_{i=1}^{k} \frac{g_{\pi(i)}}{\log_2(i + 1)},\qquad
        \mathrm{NDCG@k} = \frac{\mathrm{DCG@k}(\pi_{pred})}{\mathrm{DCG@k}(\pi_{true})}

    where :math:`\pi_{pred}` orders the recipes by descending ``pred``,
    :math:`\pi_{true}` by descending ``true`` (the ideal ordering), and
    :math:`g_r` is recipe ``r``'s gain (:func:`gains`). With MGVGA's gain,
    the per-design z-score of the QoR (Wu et al., ICLR 2025, §4.2,
    https://arxiv.org/abs/2502.12732, labels normalised per design as in
    OpenABC-D, Chowdhury et al., https://arxiv.org/abs/2110.11292), the
    perfect order scores 1, a uniformly random order 0 in expectation
    (:func:`random_ndcg_at_k`) and a worse-than-random order below 0 (-1
    for the reversed order of labels symmetric about their mean; below -1
    when one bad recipe stands out and is ranked first). ``k`` larger than
    ``R`` is ``R``.

    Returns:
        NDCG@k, or NaN when every recipe has the same label (no ordering is
        better than another; the design has nothing to rank).
    """
    t, p = _vectors(true, pred)
    discount = _discounts(k, t.size)
    g = gains(t, gain)
    if g is None:
        return math.nan
    ideal = float(np.sort(g)[::-1][:discount.size] @ discount)
    return float(g[_order(p)[:discount.size]] @ discount) / ideal


def random_ndcg_at_k(true, k: int, gain: str = "z") -> float:
    r"""The expected NDCG@k of a uniformly random order of the recipes, exactly.

    Each of the first ``k`` places holds a uniformly random recipe, so
    :math:`\mathbb{E}[\mathrm{DCG@k}] = \bar g \sum_{i \le k} 1/\log_2(i + 1)`
    and the ideal DCG is fixed: the value is that over the ideal DCG. It is
    0 for the z gain (zero-mean gains) and positive for ``shifted``. Print
    it beside every NDCG a table reports.

    Returns:
        The expected NDCG@k; NaN when every recipe has the same label.
    """
    t = np.asarray(true, dtype=np.float64).ravel()
    if t.size == 0:
        raise CircuitlabError("the random-order NDCG needs at least one recipe")
    discount = _discounts(k, t.size)
    g = gains(t, gain)
    if g is None:
        return math.nan
    ideal = float(np.sort(g)[::-1][:discount.size] @ discount)
    return float(g.mean() * discount.sum()) / ideal


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
    good = _top_set(t, fraction)
    if good is None:
        return math.nan
    return float(np.mean(good[_order(p)[:top_count(t.size, fraction)]]))


def _top_set(t: np.ndarray, fraction: float) -> np.ndarray | None:
    """``[R]`` bool: the recipes that count as among the best ``k`` (ties at the
    boundary all do); ``None`` when every label is the same."""
    if not 0 < fraction <= 1:
        raise CircuitlabError(f"commonality needs a fraction in (0, 1], got {fraction}")
    if np.all(t == t[0]):
        return None
    return t >= np.sort(t)[::-1][top_count(t.size, fraction) - 1]


def random_commonality(true, fraction: float) -> float:
    """The expected top-``fraction`` commonality of a uniformly random order, exactly.

    Each of the first ``k`` places holds a uniformly random recipe, so the
    expected share is the share of recipes that count as among the best
    ``k`` (``k / R`` without ties at the boundary).

    Returns:
        A value in (0, 1]; NaN when every recipe has the same label.
    """
    t = np.asarray(true, dtype=np.float64).ravel()
    good = _top_set(t, fraction)
    return math.nan if good is None else float(good.mean())


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
    """NDCG@3, NDCG@5 (z gain) and top-3/5/10 % commonality of one design.

    Keys: ``ndcg@3``, ``ndcg@5``, ``top3%``, ``top5%``, ``top10%``; every
    value NaN for a design whose recipes all give the same label.
    """
    metrics = {f"ndcg@{k}": ndcg_at_k(true, pred, k) for k in KS}
    for fraction in FRACTIONS:
        metrics[f"top{round(fraction * 100)}%"] = commonality(true, pred, fraction)
    return metrics


def random_rank_metrics(true) -> dict[str, float]:
    """What a uniformly random order scores in expectation, keyed as :func:`rank_metrics`.

    The row to print beside every ranking table (:func:`random_ndcg_at_k`,
    :func:`random_commonality`).
    """
    metrics = {f"ndcg@{k}": random_ndcg_at_k(true, k) for k in KS}
    for fraction in FRACTIONS:
        metrics[f"top{round(fraction * 100)}%"] = random_commonality(true, fraction)
    return metrics
