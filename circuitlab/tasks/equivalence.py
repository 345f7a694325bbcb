"""Logic-equivalence identification from frozen graph embeddings (MGVGA's Table 2).

Pairs of cones taken from differently optimised versions of a design are
labelled equivalent only when the project's checker proves it; beside each
equivalent pair sit a hard negative (the same cone with one gate changed)
and a random one, both proven not equivalent, and candidate pairs whose
random-simulation signatures agree but which are proven different
(near negatives)
(:mod:`circuitlab.tasks.equivalence_pairs`). The score of a pair is the
cosine similarity of the encoder's graph embeddings of its two cones
(:func:`~circuitlab.tasks.similarity.embedding_cosine`, also the score of
``circuitlab similar``); a pair is called equivalent when the score reaches
a threshold chosen to maximise F1 on the pairs of the *training* designs
(the validation split), then applied unchanged to the test designs' pairs.

Baseline: the agreement of random-simulation signatures (fraction of equal
output bits under ``sim_words * 64`` shared random patterns), its threshold
chosen the same way. Equivalent cones agree on every pattern, so this
baseline only errs on negatives that the patterns do not tell apart.
A second baseline, ``size counts`` (``info["baselines"]``), scores a pair by
minus the distance of its cones' standardised size counts
(:mod:`circuitlab.tasks.baselines`; statistics of the validation cones),
its threshold chosen the same way.

Reference: Wu et al., "Circuit Representation Learning with Masked Gate
Modeling and Verilog-AIG Alignment", ICLR 2025, https://arxiv.org/abs/2502.12732
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from circuitlab.errors import (CircuitlabError, require, require_at_least, require_choice,
                               require_positive)
from circuitlab.synth.recipes import ENGINES
from circuitlab.tasks.baselines import size_counts, standardise_columns
from circuitlab.tasks.classification import binary_metrics, choose_threshold, roc_auc
from circuitlab.tasks.common import Design, TaskResult, check_disjoint
from circuitlab.tasks.equivalence_pairs import KINDS, PairSet, cached_pair_sets
from circuitlab.tasks.similarity import embedding_cosine, signature_agreement
from circuitlab.inference import encode_aigs

__all__ = ["EquivalenceTaskParams", "run", "score_pairs"]

METRICS = ("precision", "recall", "f1", "auc")


@dataclass(frozen=True)
class EquivalenceTaskParams:
    """The logic-equivalence task's protocol (defaults: the full protocol).

    Attributes:
        versions: optimised copies of each design besides the synthesised one.
        recipe_length: steps of each copy's seeded random recipe.
        engine: what runs the recipes: ``"aigverse"`` (pip-only, the same
            pairs on every machine), ``"abc"`` or ``"auto"``.
        pairs_per_design: most equivalent pairs per design, each with one
            hard and one random negative (fewer where the design has fewer
            distinct functions); near negatives come on top.
        min_ands, max_ands: AND nodes of a cone kept as a candidate.
        max_inputs: most inputs of a pair's cones (the union of their supports).
        conflict_budget: SAT conflicts per check (an exhausted budget drops the pair).
        check_timeout: seconds per equivalence check (likewise).
        sim_words: 64-pattern words of the baseline's random simulation.
        validation_designs: training designs whose pairs choose the
            thresholds, drawn with the seed; 0: all of them.
        node_budget: most graph nodes of one cone.
    """

    versions: int = 4
    recipe_length: int = 10
    engine: str = "aigverse"
    pairs_per_design: int = 16
    min_ands: int = 5
    max_ands: int = 200
    max_inputs: int = 24
    conflict_budget: int = 100_000
    check_timeout: float = 10.0
    sim_words: int = 4
    validation_designs: int = 0
    node_budget: int = 200_000

    def __post_init__(self):
        require_at_least(self.versions, 1, "versions")
        require_at_least(self.recipe_length, 1, "recipe_length")
        require_choice(self.engine, ENGINES, "engine")
        require_at_least(self.pairs_per_design, 1, "pairs_per_design")
        require_at_least(self.min_ands, 1, "min_ands")
        require_at_least(self.max_ands, 1, "max_ands")
        require(self.max_ands >= self.min_ands, "max_ands",
                f"must be >= min_ands ({self.min_ands}), got {self.max_ands}")
        require_at_least(self.max_inputs, 1, "max_inputs")
        require_at_least(self.conflict_budget, 1, "conflict_budget")
        require_positive(self.check_timeout, "check_timeout")
        require_at_least(self.sim_words, 1, "sim_words")
        require_at_least(self.validation_designs, 0, "validation_designs")
        require_at_least(self.node_budget, 1, "node_budget")


def score_pairs(pairs: PairSet, encoder, params: EquivalenceTaskParams,
                seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Embedding cosine and signature agreement of every pair of ``pairs``.

    Shapes:
        returns two ``[P]`` float64 arrays.
    """
    if not len(pairs.pairs):
        return np.zeros(0), np.zeros(0)
    names = [f"{pairs.design} cone {k}" for k in range(len(pairs.cones))]
    graphs, _ = encode_aigs(pairs.cones, encoder, params.node_budget, names)
    model = embedding_cosine(graphs[pairs.pairs[:, 0]], graphs[pairs.pairs[:, 1]])
    sim_seed = zlib.crc32(f"{seed} {pairs.design} baseline".encode())
    baseline = np.array([signature_agreement(pairs.cones[a], pairs.cones[b], params.sim_words,
                                             sim_seed) for a, b in pairs.pairs.tolist()])
    return model, baseline


def _metrics(scores: np.ndarray, labels: np.ndarray, threshold: float) -> dict[str, float]:
    found = binary_metrics(scores, labels, threshold)
    return {"precision": found["precision"], "recall": found["recall"], "f1": found["f1"],
            "auc": roc_auc(scores, labels), "pairs": float(len(labels)),
            "positives": float(labels.sum())}


def _mean_of_rows(rows: list[dict], side: str) -> dict[str, float]:
    out = {}
    for m in METRICS:
        values = [r[side][m] for r in rows if not np.isnan(r[side][m])]
        out[m] = float(np.mean(values)) if values else float("nan")
    return out


def run(encoder, train: Sequence[Design], test: Sequence[Design],
        params: EquivalenceTaskParams = EquivalenceTaskParams(), seed: int = 0,
        cache: Path | None = None) -> TaskResult:
    """Score proven cone pairs of the test designs with the frozen ``encoder``.

    Returns:
        :class:`TaskResult` ``"equivalence"``: ``metrics`` and ``baseline``
        hold precision, recall, F1 and ROC-AUC as the mean of the per-design
        rows (AUC over the designs with both classes) and the same pooled
        over all test pairs (``pooled_*``); ``rows`` one per test design with
        pairs; ``info`` the thresholds, pair counts by kind, the candidate
        pairs skipped (UNDECIDED, or the same AND graph), the validation
        designs, mean scores by kind and timings.

    Raises:
        CircuitlabError: a design in both splits, no validation or test pair.
    """
    check_disjoint(train, test)
    start = time.perf_counter()
    val_designs = list(train)
    if params.validation_designs and params.validation_designs < len(val_designs):
        rng = np.random.default_rng(seed)
        keep = sorted(rng.choice(len(val_designs), params.validation_designs, replace=False))
        val_designs = [val_designs[k] for k in keep]
    val = cached_pair_sets(val_designs, params, seed, cache)
    tests = cached_pair_sets(test, params, seed, cache)
    pairs_s = time.perf_counter() - start
    t1 = time.perf_counter()
    val_scores = [score_pairs(p, encoder, params, seed) for p in val]
    test_scores = [score_pairs(p, encoder, params, seed) for p in tests]
    score_s = time.perf_counter() - t1
    val_labels = np.concatenate([p.labels for p in val]) if val else np.zeros(0, bool)
    if not len(val_labels):
        raise CircuitlabError("no validation pair could be built from the training designs")
    thresholds = {side: choose_threshold(np.concatenate([s[k] for s in val_scores]), val_labels)
                  for k, side in enumerate(("model", "baseline"))}
    sizes = _size_baseline(val, tests, val_labels)
    rows = []
    for p, scores in zip(tests, test_scores):
        if len(p.labels):
            rows.append({"design": p.design, **{side: _metrics(scores[k], p.labels,
                                                                 thresholds[side])
                                                for k, side in enumerate(("model", "baseline"))}})
    labels = np.concatenate([p.labels for p in tests]) if tests else np.zeros(0, bool)
    if not len(labels):
        raise CircuitlabError("no test pair could be built from the test designs")
    results = {}
    for k, side in enumerate(("model", "baseline")):
        pooled = _metrics(np.concatenate([s[k] for s in test_scores]), labels, thresholds[side])
        results[side] = {**_mean_of_rows(rows, side),
                         **{f"pooled_{m}": pooled[m] for m in METRICS}}
    info = {"baselines": {"simulation signature": results["baseline"], "size counts": sizes},
            "thresholds": {**thresholds, "size counts": sizes.pop("threshold")},
            "validation_designs": [d.name for d in val_designs],
            "validation_pairs": _kind_counts(val), "test_pairs": _kind_counts(tests),
            "skipped_test_designs": [p.design for p in tests if not len(p.labels)],
            "skipped": {k: sum(p.counts.get(k, 0) for p in val + tests)
                        for k in ("undecided", "identical")},
            "mean_score_by_kind": _mean_by_kind(tests, test_scores),
            "pairs_seconds": round(pairs_s, 2), "score_seconds": round(score_s, 2)}
    return TaskResult("equivalence", results["model"], results["baseline"], rows, info)


def _size_baseline(val: list[PairSet], tests: list[PairSet],
                   val_labels: np.ndarray) -> dict[str, float]:
    """The size-count baseline's metrics on the test pairs, as the model's, and its threshold."""
    cones = [c for p in val for c in p.cones]
    reference = np.stack([size_counts(c) for c in cones]) if cones else np.zeros((1, 5))

    def scores(sets):
        out = []
        for p in sets:
            if not len(p.pairs):
                continue
            x = standardise_columns(reference, np.stack([size_counts(c) for c in p.cones]))
            out.append(-np.linalg.norm(x[p.pairs[:, 0]] - x[p.pairs[:, 1]], axis=1))
        return out

    threshold = choose_threshold(np.concatenate(scores(val)), val_labels)
    rows = [{"size": _metrics(s, p.labels, threshold)}
            for p, s in zip([p for p in tests if len(p.pairs)], scores(tests))]
    labels = np.concatenate([p.labels for p in tests if len(p.pairs)])
    pooled = _metrics(np.concatenate(scores(tests)), labels, threshold)
    return {**_mean_of_rows(rows, "size"), **{f"pooled_{m}": pooled[m] for m in METRICS},
            "threshold": threshold}


def _kind_counts(sets: list[PairSet]) -> dict[str, int]:
    return {k: sum(p.kinds.count(k) for p in sets) for k in KINDS}


def _mean_by_kind(sets: list[PairSet], scores) -> dict[str, dict[str, float]]:
    kinds = np.array([k for p in sets for k in p.kinds])
    out = {}
    for k, side in enumerate(("model", "baseline")):
        values = np.concatenate([s[k] for s in scores]) if scores else np.zeros(0)
        out[side] = {kind: float(values[kinds == kind].mean())
                     for kind in KINDS if (kinds == kind).any()}
    return out
