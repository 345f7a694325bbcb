"""Functional pre-training targets from the project's own simulator (numpy only).

DeepGate2's two supervisions (Shi et al., "DeepGate2: Functionality-Aware
Circuit Representation Learning", ICCAD 2023, https://arxiv.org/abs/2305.16373;
labels built as in its ``prepare_dataset.py``):

- the *signal probability* of a node: the fraction of 1s in its simulation
  response under uniform random input patterns (exhaustive when the inputs
  are few, so the value is exact);
- the *truth-table distance* of a node pair: the normalised Hamming distance
  of the two responses, ``|T_i xor T_j| / |T|``, on pairs sampled as
  DeepGate2 samples them (:class:`PairParams`).

A node is an AIG variable (constant, input, latch output, AND) in its
positive polarity; latches are cut (their outputs are inputs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from circuitlab.aig import Aig, levels
from circuitlab.errors import require, require_at_least
from circuitlab.sim.schedule import schedule
from circuitlab.sim.simulate import exhaustive_patterns, random_patterns, simulate_nodes
from circuitlab.sim.tables import WORD_BITS

__all__ = ["PairParams", "ResponseParams", "node_responses", "node_supports",
           "probability_targets", "sample_tt_pairs", "tt_distance"]


@dataclass(frozen=True)
class ResponseParams:
    """The input patterns of the simulation responses.

    Attributes:
        exhaustive_inputs: up to this many inputs (latches included) every
            minterm is simulated once (DeepGate2: fewer than 13).
        words: otherwise, 64-pattern words of uniform random patterns
            (DeepGate2: 15,000 patterns; 235 words is 15,040).
        seed: seed of the random patterns.
    """

    exhaustive_inputs: int = 12
    words: int = 235
    seed: int = 0

    def __post_init__(self):
        require(isinstance(self.exhaustive_inputs, int) and 0 <= self.exhaustive_inputs <= 16,
                "exhaustive_inputs",
                f"must be an integer in 0..16, got {self.exhaustive_inputs!r}")
        require_at_least(self.words, 1, "words")
        require_at_least(self.seed, 0, "seed")


def node_responses(aig: Aig, params: ResponseParams = ResponseParams()) -> tuple[np.ndarray, int]:
    """Every variable's simulation response and the number of patterns in it.

    Exhaustive up to ``params.exhaustive_inputs`` inputs: bit ``m`` is
    minterm ``m``; with fewer than 6 inputs only the first ``2^n`` bits of
    the single word are patterns (the rest repeat them).

    Shapes:
        returns ``([num_vars, W] uint64, patterns)``.
    """
    n = aig.num_inputs + aig.num_latches
    if n <= params.exhaustive_inputs:
        return simulate_nodes(aig, exhaustive_patterns(n)), 1 << n
    return simulate_nodes(aig, random_patterns(n, params.words, params.seed)), \
        WORD_BITS * params.words


def _first_bits(count: int) -> np.ndarray:
    """A one-word mask of the first ``count`` pattern bits (``count < 64``)."""
    return np.array([(1 << count) - 1], dtype=np.uint64)


def _popcount(words: np.ndarray, patterns: int) -> np.ndarray:
    """Ones among the first ``patterns`` bits of each row ``[..., W]``."""
    if patterns < WORD_BITS:
        words = words[..., :1] & _first_bits(patterns)
    return np.bitwise_count(words).sum(axis=-1)


def probability_targets(aig: Aig, params: ResponseParams = ResponseParams()) -> np.ndarray:
    """DeepGate2's signal probability of every variable: its fraction of 1s.

    Exact (the fraction of minterms) up to ``params.exhaustive_inputs``
    inputs, a random-pattern estimate beyond.

    Shapes:
        returns ``[num_vars]`` float64; entry 0 (constant false) is 0.
    """
    values, patterns = node_responses(aig, params)
    return _popcount(values, patterns) / patterns


def tt_distance(responses: np.ndarray, patterns: int, pairs: np.ndarray) -> np.ndarray:
    """DeepGate2's truth-table distance of node pairs: ``|T_i xor T_j| / patterns``.

    Args:
        responses: ``[num_vars, W]`` from :func:`node_responses`.
        patterns: how many bits of each row are patterns.
        pairs: ``[P, 2]`` variable indices.

    Shapes:
        returns ``[P]`` float64 in [0, 1].
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    diff = responses[pairs[:, 0]] ^ responses[pairs[:, 1]]
    return _popcount(diff, patterns) / patterns


def node_supports(aig: Aig) -> np.ndarray:
    """Each variable's structural support (the inputs its cone reaches) as a bit set.

    Shapes:
        returns ``[num_vars, ceil((I + L) / 64)]`` uint64; bit ``i`` is input ``i``
        (latch outputs after the inputs).
    """
    n = aig.num_inputs + aig.num_latches
    sup = np.zeros((aig.num_vars, max(1, -(-n // WORD_BITS))), dtype=np.uint64)
    ids = np.arange(n)
    sup[1 + ids, ids // WORD_BITS] = np.uint64(1) << (ids % WORD_BITS).astype(np.uint64)
    for lv in schedule(aig):
        sup[lv.nodes] = sup[lv.fanin0] | sup[lv.fanin1]
    return sup


@dataclass(frozen=True)
class PairParams:
    """Which node pairs get a truth-table distance (DeepGate2's filter, its constants).

    A pair ``(i, j)`` of AND nodes qualifies when both are at logic level
    ``>= min_level`` with at least ``min_support`` inputs in their cone, the
    cones have the *same* support, the signal probabilities differ by at most
    ``max_prob_gap``, the levels by at most ``max_level_gap``, and the
    distance is not strictly inside ``skip_between`` (near-equal and
    near-complementary pairs are the informative ones).

    Attributes:
        max_pairs: most pairs returned, a seeded uniform sample of those
            that qualify.
        max_candidates: about the most candidate pairs examined: past it,
            each same-support group is cut to a seeded sample of its nodes
            (the enumeration is quadratic in a group's size).
        seed: seed of both samples.
    """

    min_level: int = 3
    min_support: int = 4
    max_prob_gap: float = 0.05
    max_level_gap: int = 5
    skip_between: tuple[float, float] = (0.2, 0.8)
    max_pairs: int = 4096
    max_candidates: int = 1_000_000
    seed: int = 0

    def __post_init__(self):
        for name in ("min_level", "min_support", "max_level_gap"):
            require_at_least(getattr(self, name), 0, name)
        require(0 <= self.max_prob_gap <= 1, "max_prob_gap",
                f"must be in [0, 1], got {self.max_prob_gap!r}")
        lo, hi = self.skip_between
        require(0 <= lo <= hi <= 1, "skip_between", f"must be 0 <= lo <= hi <= 1, got "
                f"{self.skip_between!r}")
        require_at_least(self.max_pairs, 1, "max_pairs")
        require_at_least(self.max_candidates, 1, "max_candidates")
        require_at_least(self.seed, 0, "seed")


def sample_tt_pairs(aig: Aig, responses: np.ndarray, patterns: int,
                    params: PairParams = PairParams()) -> tuple[np.ndarray, np.ndarray]:
    """Node pairs with their truth-table distances, filtered as DeepGate2 does.

    Returns:
        ``(pairs [P, 2] int64 with i < j, distance [P] float64)``, pairs in
        ascending order; the same arguments give the same pairs.
    """
    rng = np.random.default_rng(params.seed)
    level = levels(aig)
    prob = _popcount(responses, patterns) / patterns
    sup = node_supports(aig)
    size = np.bitwise_count(sup).sum(axis=1)
    nodes = np.flatnonzero((np.arange(aig.num_vars) >= aig.first_and_var)
                           & (level >= params.min_level) & (size >= params.min_support))
    _, group = np.unique(sup[nodes], axis=0, return_inverse=True)
    members = [nodes[group.ravel() == g] for g in range(int(group.max()) + 1)] if len(nodes) \
        else []
    total = sum(len(m) * (len(m) - 1) // 2 for m in members)
    # Past the budget every group keeps the same seeded share of its nodes.
    share = min(1.0, float(np.sqrt(params.max_candidates / total))) if total else 1.0
    cand = [np.empty((0, 2), dtype=np.int64)]
    for m in members:
        if share < 1.0:
            m = np.sort(rng.choice(m, int(np.ceil(share * len(m))), replace=False))
        i, j = np.triu_indices(len(m), k=1)
        cand.append(np.stack([m[i], m[j]], axis=1))
    pairs = np.concatenate(cand)
    keep = ((np.abs(prob[pairs[:, 0]] - prob[pairs[:, 1]]) <= params.max_prob_gap)
            & (np.abs(level[pairs[:, 0]] - level[pairs[:, 1]]) <= params.max_level_gap))
    pairs = pairs[keep]
    if len(pairs) > 16 * params.max_pairs:  # a uniform sample stays uniform after the band
        pairs = pairs[np.sort(rng.choice(len(pairs), 16 * params.max_pairs, replace=False))]
    dist = tt_distance(responses, patterns, pairs)
    lo, hi = params.skip_between
    keep = ~((dist > lo) & (dist < hi))
    pairs, dist = pairs[keep], dist[keep]
    if len(pairs) > params.max_pairs:
        pick = np.sort(rng.choice(len(pairs), params.max_pairs, replace=False))
        pairs, dist = pairs[pick], dist[pick]
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    return pairs[order], dist[order]
