"""Pooling a token sequence to M tokens and to one vector; planning windows.

Plain numpy, shared by every embedder so that all pool the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# most pooled tokens per text: a text shorter than M tokens only repeats its states,
# and each text costs M x D floats (1024 x 384 float32: 1.5 MB)
MAX_POOLED_TOKENS = 1024


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
    return _finish(vec, normalize)


def _finish(vec: np.ndarray, normalize: bool) -> np.ndarray:
    """``vec`` (float64) scaled to unit norm when asked (and nonzero), as float32."""
    if normalize:
        norm = np.linalg.norm(vec)
        if norm > 0:
            vec = vec / norm
    return vec.astype(np.float32)


class StreamPool:
    """:func:`adaptive_pool` and :func:`sentence_vector` of a sequence of known
    length fed in order, a piece at a time, in ``[M, D]`` memory.

    A long text's states never need to be held together: each window's kept
    rows are added as they come (:meth:`add`), then :meth:`result` gives
    what the two functions give on the whole sequence (up to float64
    rounding).

    Args:
        length: L, the rows that will be added in all (at least 1).
        m: M, the pooled tokens.
        dim: D.
    """

    def __init__(self, length: int, m: int, dim: int):
        bounds = np.array(segment_bounds(length, m), dtype=np.int64)
        self._lo, self._hi = bounds[:, 0], bounds[:, 1]
        self._length = length
        self._sums = np.zeros((m, dim), dtype=np.float64)
        self._total = np.zeros(dim, dtype=np.float64)
        self._first: np.ndarray | None = None
        self._last: np.ndarray | None = None
        self._seen = 0

    def add(self, rows: np.ndarray) -> None:
        """The next rows ``[K, D]`` of the sequence."""
        rows = np.asarray(rows, dtype=np.float32)
        if rows.shape[0] == 0:
            return
        lo, hi = self._seen, self._seen + rows.shape[0]
        if hi > self._length:
            raise ValueError(f"more than the {self._length} rows announced")
        if self._first is None:
            self._first = rows[0].astype(np.float64)
        self._last = rows[-1].astype(np.float64)
        self._total += rows.sum(axis=0, dtype=np.float64)
        # segments overlapping [lo, hi): those ending after lo and starting before hi
        for i in range(int(np.searchsorted(self._hi, lo, side="right")),
                       int(np.searchsorted(self._lo, hi, side="left"))):
            a, b = max(int(self._lo[i]), lo), min(int(self._hi[i]), hi)
            self._sums[i] += rows[a - lo:b - lo].sum(axis=0, dtype=np.float64)
        self._seen = hi

    def result(self, pooling: str, normalize: bool) -> tuple[np.ndarray, np.ndarray]:
        """``(tokens [M, D], vector [D])``, float32, once all rows are in.

        Shapes:
            tokens: ``[M, D]``; vector: ``[D]``.
        """
        if self._seen != self._length:
            raise ValueError(f"{self._seen} of the {self._length} rows announced were added")
        counts = (self._hi - self._lo).astype(np.float64)[:, None]
        tokens = (self._sums / counts).astype(np.float32)
        if pooling == "mean":
            vec = self._total / self._length
        elif pooling == "last":
            vec = self._last
        elif pooling == "cls":
            vec = self._first
        else:
            raise ValueError(f"unknown pooling {pooling!r}")
        return tokens, _finish(vec, normalize)


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
