"""Pooling a token sequence to M tokens and to one vector; planning windows.

Plain numpy, shared by every embedder so that all pool the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def segment_bounds(length: int, m: int) -> list[tuple[int, int]]:
    """The M segments of ``adaptive_pool``: segment i is ``[floor(i*L/M), ceil((i+1)*L/M))``.

    The same rule as ``torch.nn.AdaptiveAvgPool1d``: contiguous, in order,
    covering all L positions, never empty. Where M divides L the segments
    partition the sequence into L/M positions each; otherwise a segment may
    share its first position with the previous segment's last (and where
    L < M a position may be a segment by itself more than once).
    """
    if length < 1 or m < 1:
        raise ValueError(f"need length >= 1 and m >= 1 (got {length}, {m})")
    return [((i * length) // m, -((-(i + 1) * length) // m)) for i in range(m)]


def adaptive_pool(states: np.ndarray, m: int) -> np.ndarray:
    """Average ``states`` ``[L, D]`` over the M segments of :func:`segment_bounds`.

    Only the L real tokens are given (padding already removed). An empty
    sequence (L = 0) pools to zeros.

    Shapes:
        states: ``[L, D]`` -> ``[M, D]`` float32.
    """
    states = np.asarray(states, dtype=np.float32)
    if states.shape[0] == 0:
        return np.zeros((m, states.shape[1]), dtype=np.float32)
    return np.stack([states[a:b].mean(axis=0, dtype=np.float64)
                     for a, b in segment_bounds(states.shape[0], m)]).astype(np.float32)


def sentence_vector(states: np.ndarray, pooling: str, normalize: bool) -> np.ndarray:
    """One vector from ``states`` ``[L, D]``: ``mean`` of all rows, ``last`` row or ``cls`` (first).

    With ``normalize`` the vector is scaled to unit L2 norm (left as is when
    its norm is zero). An empty sequence gives zeros.

    Shapes:
        states: ``[L, D]`` -> ``[D]`` float32.
    """
    states = np.asarray(states, dtype=np.float32)
    if states.shape[0] == 0:
        return np.zeros(states.shape[1], dtype=np.float32)
    if pooling == "mean":
        vec = states.mean(axis=0, dtype=np.float64)
    elif pooling == "last":
        vec = states[-1].astype(np.float64)
    elif pooling == "cls":
        vec = states[0].astype(np.float64)
    else:
        raise ValueError(f"unknown pooling {pooling!r}")
    if normalize:
        norm = np.linalg.norm(vec)
        if norm > 0:
            vec = vec / norm
    return vec.astype(np.float32)


@dataclass(frozen=True)
class Window:
    """One model call over ``content[start:stop]``; its states ``[keep_lo, keep_hi)``
    (relative to ``start``) are the ones kept."""

    start: int
    stop: int
    keep_lo: int
    keep_hi: int


def plan_windows(n: int, size: int, overlap: int) -> list[Window]:
    """Cover ``n`` content tokens with windows of ``size`` tokens sharing at least ``overlap``.

    Window k starts at ``k * (size - overlap)``, except the last, which ends
    at ``n`` and starts at ``n - size`` (so it is full and may share more).
    Two consecutive windows split the tokens they share at the middle: the
    first keeps those before the cut, the second those from it on, so every
    token is kept exactly once, from the window where it has the most
    context on both sides; the kept ranges, in order, are ``[0, n)`` without
    gaps or repeats.
    """
    if size < 1 or not 0 <= overlap < size:
        raise ValueError(f"need size >= 1 and 0 <= overlap < size (got {size}, {overlap})")
    if n <= size:
        return [Window(0, n, 0, n)]
    starts = list(range(0, n - size, size - overlap)) + [n - size]
    stops = [s + size for s in starts]
    cuts = [0] + [(starts[k + 1] + stops[k]) // 2 for k in range(len(starts) - 1)] + [n]
    return [Window(s, e, cuts[k] - s, cuts[k + 1] - s)
            for k, (s, e) in enumerate(zip(starts, stops))]
