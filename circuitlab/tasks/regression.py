"""Regression metrics of a prediction: mean absolute error and Pearson correlation.

Plain numpy. Pearson's correlation is NaN when either side is constant
(a constant prediction, such as the training-mean baseline, has none).
"""

from __future__ import annotations

import numpy as np

from circuitlab.errors import CircuitlabError

__all__ = ["mae", "pearson"]


def _check(pred, target) -> tuple[np.ndarray, np.ndarray]:
    pred = np.asarray(pred, dtype=np.float64).ravel()
    target = np.asarray(target, dtype=np.float64).ravel()
    if pred.shape != target.shape:
        raise CircuitlabError(f"{pred.size} predictions for {target.size} targets")
    if not pred.size:
        raise CircuitlabError("no values to compare")
    return pred, target


def mae(pred, target) -> float:
    """Mean of ``|pred - target|``.

    Shapes:
        ``pred``, ``target`` ``[N]``, N >= 1.
    """
    pred, target = _check(pred, target)
    return float(np.abs(pred - target).mean())


def pearson(pred, target) -> float:
    """Pearson's correlation coefficient; NaN when either side is constant.

    Shapes:
        ``pred``, ``target`` ``[N]``, N >= 1.
    """
    pred, target = _check(pred, target)
    if np.ptp(pred) == 0 or np.ptp(target) == 0:
        return float("nan")
    dp, dt = pred - pred.mean(), target - target.mean()
    den = float(np.sqrt((dp * dp).sum() * (dt * dt).sum()))
    if den == 0.0:
        return float("nan")
    return float(np.clip((dp * dt).sum() / den, -1.0, 1.0))
