"""The learning-rate schedule every trainer uses: linear warm-up, then cosine decay."""

from __future__ import annotations

import math

__all__ = ["warmup_cosine"]


def warmup_cosine(step: int, warmup: int, total: int, floor: float) -> float:
    """Multiplier of the peak learning rate at ``step`` (counted from 0).

    Steps ``0 .. warmup - 1`` ramp linearly to 1 (``(step + 1) / warmup``);
    from ``warmup`` to ``total`` a half cosine falls from 1 to ``floor``,
    which it keeps after ``total``.
    """
    if step < warmup:
        return (step + 1) / warmup
    span = max(1, total - warmup)
    progress = min(1.0, (step - warmup) / span)
    cosine = 0.5 * (1.0 + math.cos(math.pi * progress))
    return floor + (1.0 - floor) * cosine
