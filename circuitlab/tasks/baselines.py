"""Non-learned descriptions of a circuit that every task sets beside a learned embedding.

- :func:`size_counts`: inputs, outputs, latches, ANDs and levels (compared
  after :func:`standardise_columns` with the *training* designs' statistics);
- :func:`functional_signature`: a fixed-length summary of the circuit's
  function under random simulation;
- :func:`signature_redundancy`: how much of the circuit random simulation
  finds redundant (what ``fraig`` would merge), the QoR task's view.
"""

from __future__ import annotations

import numpy as np

from circuitlab.aig import Aig

__all__ = ["SIGNATURE_SEED", "functional_signature", "neg_distance", "signature_redundancy",
           "size_counts", "standardise_columns"]

SIGNATURE_SEED = 7
"""Seed of the signature's patterns: fixed, so every circuit of ``n`` inputs sees the same ones."""


def size_counts(aig: Aig) -> np.ndarray:
    """``[inputs, outputs, latches, ANDs, levels]`` of ``aig`` as float64 ``[5]``."""
    from circuitlab.aig import depth
    return np.array([aig.num_inputs, aig.num_outputs, aig.num_latches, aig.num_ands,
                     depth(aig)], dtype=np.float64)


def standardise_columns(reference: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``x`` less the mean of ``reference``'s rows, over their deviation (1 where it is 0).

    Shapes:
        ``reference`` ``[R, K]``, ``x`` ``[N, K]``; returns ``[N, K]``.
    """
    mean, std = reference.mean(axis=0), reference.std(axis=0)
    return (x - mean) / np.where(std > 0, std, 1.0)


def neg_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Minus the Euclidean distance of every row of ``a`` to every row of ``b``: ``[N, M]``."""
    return -np.linalg.norm(a[:, None, :] - b[None, :, :], axis=2)


def functional_signature(aig: Aig, num_words: int = 4, length: int = 16) -> np.ndarray:
    """Sorted per-output fractions of ones under fixed random patterns, at ``length`` quantiles.

    Latches are cut (their outputs count as inputs, their inputs as outputs).
    Logically equivalent circuits with the same interface get equal signatures.

    Shapes:
        returns float64 ``[length]`` in ``[0, 1]``.
    """
    from circuitlab.sim import random_patterns, simulate
    comb = aig.cut_latches()
    if comb.num_outputs == 0:
        return np.zeros(length)
    words = simulate(comb, random_patterns(comb.num_inputs, num_words, SIGNATURE_SEED))
    ones = np.sort(np.bitwise_count(words).reshape(comb.num_outputs, -1).sum(axis=1)
                   / (num_words * 64))
    return np.interp(np.linspace(0, 1, length), np.linspace(0, 1, len(ones)), ones)


def signature_redundancy(aig: Aig, num_words: int = 4) -> float:
    """``log((d + 1) / (a + 1))``: ``a`` AND nodes computing ``d`` distinct functions
    that are not a constant, an input or a latch output.

    Functions are compared by random-simulation signatures (``num_words``
    words of fixed patterns, complements merged). Equal signatures only hint
    at equivalence, so ``d`` is at most the AND count ``fraig`` leaves.
    Latches are cut.
    """
    from circuitlab.sim.simulate import node_signatures
    comb = aig.cut_latches()
    sig = node_signatures(comb, num_words, SIGNATURE_SEED)
    canon = np.where((sig[:, :1] & np.uint64(1)).astype(bool), ~sig, sig)
    first = comb.first_and_var
    known = {row.tobytes() for row in canon[:first]}
    distinct = {row.tobytes() for row in canon[first:]} - known
    return float(np.log((len(distinct) + 1) / (comb.num_ands + 1)))
