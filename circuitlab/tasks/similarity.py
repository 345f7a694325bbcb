"""Similarity of circuits: cosine of graph embeddings, agreement of random-simulation signatures.

:func:`embedding_cosine` is the score of the logic-equivalence task
(:mod:`circuitlab.tasks.equivalence`) and of ``circuitlab similar``;
:func:`signature_agreement` is that task's non-learned baseline.
"""

from __future__ import annotations

import numpy as np

from circuitlab.aig import Aig
from circuitlab.errors import CircuitlabError
from circuitlab.sim import random_patterns, simulate

__all__ = ["embedding_cosine", "pairwise_cosine", "signature_agreement"]


def embedding_cosine(a, b) -> np.ndarray:
    """Row-wise cosine similarity of two stacks of embeddings (0 for a zero row).

    Shapes:
        ``a``, ``b`` ``[N, P]``; returns ``[N]`` float64 in ``[-1, 1]``.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 2:
        raise CircuitlabError(f"embeddings of shapes {a.shape} and {b.shape} cannot be paired")
    norm = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    dot = (a * b).sum(axis=1)
    out = np.divide(dot, norm, out=np.zeros_like(dot), where=norm > 0)
    return np.clip(out, -1.0, 1.0)


def pairwise_cosine(x) -> np.ndarray:
    """Cosine similarity of every two rows of ``x``.

    Shapes:
        ``x`` ``[F, P]``; returns ``[F, F]`` float64, symmetric.
    """
    x = np.asarray(x, dtype=np.float64)
    idx_a, idx_b = np.meshgrid(np.arange(len(x)), np.arange(len(x)), indexing="ij")
    return embedding_cosine(x[idx_a.ravel()], x[idx_b.ravel()]).reshape(len(x), len(x))


def signature_agreement(a: Aig, b: Aig, num_words: int = 4, seed: int = 0) -> float:
    """Fraction of equal output bits of ``a`` and ``b`` under the same random patterns.

    Inputs are matched by position (``a`` and ``b`` must have as many
    inputs and outputs; latches are cut, their outputs counted as inputs); ``num_words * 64`` patterns, drawn from ``seed``.
    Equivalent circuits score exactly 1.0; 1.0 never proves equivalence.
    """
    a, b = a.cut_latches(), b.cut_latches()
    if (a.num_inputs, a.num_outputs) != (b.num_inputs, b.num_outputs):
        raise CircuitlabError(f"circuits with {a.num_inputs}/{a.num_outputs} and "
                              f"{b.num_inputs}/{b.num_outputs} inputs/outputs cannot be compared "
                              "by position")
    pats = random_patterns(a.num_inputs, num_words, seed)
    diff = simulate(a, pats) ^ simulate(b, pats)
    bits = diff.size * 64
    return 1.0 - float(np.bitwise_count(diff).sum()) / bits if bits else 1.0
