"""Functional probes of frozen node embeddings (DeepGate2-style): signal probability
and pairwise truth-table distance of AND gates.

Labels come from random simulation (:mod:`circuitlab.sim`) with
``sim_words * 64`` patterns over the design's inputs (latch outputs count
as inputs):

- *signal probability* (SP) of a gate: the fraction of patterns under which
  it is 1;
- *truth-table distance* of two gates: the **normalised** Hamming distance
  of their simulation signatures (differing bits / patterns, in [0, 1]),
  on pairs of distinct AND gates drawn uniformly within a design.

Only AND gates are probed: a primary input's SP is 0.5 by construction,
and NOT nodes of the ``not_nodes`` encoding are graph nodes without an AIG
variable. AIG variable ``v`` is graph node ``v`` in both encodings
(:func:`circuitlab.data.to_pyg`), so gate ``v``'s embedding is row ``v``
of the encoder's node states.

The probes are small (a linear layer, or one hidden layer with ReLU), read
the frozen node states standardised with the training nodes' mean and
deviation, and are trained on the training designs' gates only, with
binary cross-entropy on the soft targets; the pair probe reads
``[h_i * h_j, |h_i - h_j|]`` (symmetric in ``i, j``). An encoder with
``K`` code banks (:attr:`~circuitlab.nn.EncoderConfig.code_banks`) gives
each gate ``K`` states, its values under ``K`` draws of input patterns:
one probe reads each and the ``K`` predictions are averaged, as both
targets are means over patterns (with one bank, the usual probe). Metrics
on the test designs' gates: mean absolute error (MAE) and Pearson's
correlation, per design and pooled. Baseline: the training labels' mean.

Published figures, each on its own data: SP error 0.031 (DeepGate2, Shi et
al. 2023, https://arxiv.org/abs/2305.16373) and 0.0095 (FuncGNN, 2025);
truth-table distance 0.185 as an L1 error on *normalised* distances
(FuncGNN), the definition used here (other papers use raw Hamming counts,
which are not comparable).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from circuitlab.aig import Aig
from circuitlab.errors import CircuitlabError, require_at_least, require_positive
from circuitlab.sim import node_signatures
from circuitlab.sim.tables import WORD_BITS
from circuitlab.tasks.common import Design, TaskResult, check_disjoint
from circuitlab.tasks.regression import mae, pearson
from circuitlab.inference import encode_aigs

__all__ = ["ProbeParams", "gate_labels", "run"]

METRICS = ("sp_mae", "sp_pearson", "tt_mae", "tt_pearson")


@dataclass(frozen=True)
class ProbeParams:
    """The functional probes' protocol (defaults: the full protocol).

    Attributes:
        sim_words: 64-pattern words of the random simulation behind the labels.
        nodes_per_design: most AND gates per design for the SP probe, drawn
            with the seed (all when the design has fewer).
        pairs_per_design: gate pairs per design for the distance probe.
        hidden: width of the probes' hidden layer; 0: linear probes.
        epochs: full-batch Adam steps of each probe.
        lr: Adam's learning rate.
        weight_decay: Adam's weight decay.
        node_budget: most graph nodes of one design.
    """

    sim_words: int = 64
    nodes_per_design: int = 1000
    pairs_per_design: int = 300
    hidden: int = 64
    epochs: int = 300
    lr: float = 0.01
    weight_decay: float = 0.0
    node_budget: int = 200_000

    def __post_init__(self):
        require_at_least(self.sim_words, 1, "sim_words")
        require_at_least(self.nodes_per_design, 1, "nodes_per_design")
        require_at_least(self.pairs_per_design, 1, "pairs_per_design")
        require_at_least(self.hidden, 0, "hidden")
        require_at_least(self.epochs, 1, "epochs")
        require_positive(self.lr, "lr")
        require_at_least(self.weight_decay, 0, "weight_decay")
        require_at_least(self.node_budget, 1, "node_budget")


@dataclass
class GateLabels:
    """Probe targets of one design.

    Attributes:
        nodes: ``[n]`` AND variables probed for SP.
        sp: ``[n]`` their signal probabilities.
        pairs: ``[m, 2]`` pairs of distinct AND variables.
        distance: ``[m]`` normalised Hamming distances of their signatures.
    """

    nodes: np.ndarray
    sp: np.ndarray
    pairs: np.ndarray
    distance: np.ndarray


def gate_labels(name: str, aig: Aig, params: ProbeParams, seed: int) -> GateLabels:
    """SP and distance labels of ``aig``'s AND gates (empty for a design without ANDs)."""
    rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
    ands = np.arange(aig.first_and_var, aig.num_vars, dtype=np.int64)
    sigs = node_signatures(aig, params.sim_words, int(rng.integers(2**31)))
    ones = np.bitwise_count(sigs).sum(axis=1) / (WORD_BITS * params.sim_words)
    nodes = np.sort(rng.permutation(ands)[:params.nodes_per_design])
    if len(ands) >= 2:
        first = rng.integers(len(ands), size=params.pairs_per_design)
        other = (first + rng.integers(1, len(ands), size=params.pairs_per_design)) % len(ands)
        pairs = np.stack([ands[first], ands[other]], axis=1)
    else:
        pairs = np.zeros((0, 2), dtype=np.int64)
    diff = np.bitwise_count(sigs[pairs[:, 0]] ^ sigs[pairs[:, 1]]).sum(axis=1)
    return GateLabels(nodes, ones[nodes], pairs, diff / (WORD_BITS * params.sim_words))


def _mlp(width: int, hidden: int):
    """The probe's logit; its prediction is the logit's sigmoid."""
    from torch import nn
    if not hidden:
        return nn.Linear(width, 1)
    return nn.Sequential(nn.Linear(width, hidden), nn.ReLU(), nn.Linear(hidden, 1))


def _fit(x: np.ndarray, y: np.ndarray, params: ProbeParams, seed: int):
    """A probe trained on ``x`` ``[N, K, F]`` -> ``y`` ``[N]`` in [0, 1]; returns predict(x).

    One probe reads each of the ``K`` banks' features and its predictions
    are averaged: the banks are exchangeable draws of input patterns, and
    both targets are means over patterns. Trained with binary cross-entropy
    on the soft targets, whose gradient does not vanish where a squared
    error through a saturated sigmoid does (a probe stuck at a constant).
    """
    import torch
    torch.manual_seed(seed)
    model = _mlp(x.shape[2], params.hidden)
    opt = torch.optim.Adam(model.parameters(), lr=params.lr, weight_decay=params.weight_decay)
    xt, yt = torch.from_numpy(x).float(), torch.from_numpy(y).float()

    def forward(z):
        return torch.sigmoid(model(z)[..., 0]).mean(dim=1)
    for _ in range(params.epochs):
        opt.zero_grad()
        pred = forward(xt).clamp(1e-6, 1 - 1e-6)
        loss = torch.nn.functional.binary_cross_entropy(pred, yt)
        loss.backward()
        opt.step()
    model.eval()

    def predict(z: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return forward(torch.from_numpy(np.ascontiguousarray(z)).float()).double().numpy()
    return predict


def _pair_features(states: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """``[m, K, 2H]`` features of gate pairs from node states ``[n, K, H]``."""
    a, b = states[pairs[:, 0]], states[pairs[:, 1]]
    return np.concatenate([a * b, np.abs(a - b)], axis=-1)


def _row(pred_sp, sp, pred_tt, tt) -> dict[str, float]:
    return {"sp_mae": mae(pred_sp, sp), "sp_pearson": pearson(pred_sp, sp),
            "tt_mae": mae(pred_tt, tt), "tt_pearson": pearson(pred_tt, tt),
            "gates": float(len(sp)), "pairs": float(len(tt))}


def run(encoder, train: Sequence[Design], test: Sequence[Design],
        params: ProbeParams = ProbeParams(), seed: int = 0,
        cache: Path | None = None) -> TaskResult:
    """Train the SP and distance probes on ``train``'s gates, test them on ``test``'s.

    ``cache`` is unused (labels and embeddings take seconds).

    Returns:
        :class:`TaskResult` ``"probes"``: ``metrics`` and ``baseline`` hold
        ``sp_mae``, ``sp_pearson``, ``tt_mae``, ``tt_pearson`` as the mean of
        the per-design rows and pooled over all test gates (``pooled_*``);
        the baseline's correlations are NaN (a constant has none).

    Raises:
        CircuitlabError: a design in both splits, no AND gate to train or test on.
    """
    check_disjoint(train, test)
    start = time.perf_counter()
    split_states, split_labels = {}, {}
    for split, designs in (("train", train), ("test", test)):
        designs = [d for d in designs if d.aig.num_ands >= 2]
        if not designs:
            raise CircuitlabError(f"no {split} design with at least two AND gates to probe")
        _, states = encode_aigs([d.aig for d in designs], encoder, params.node_budget,
                                [d.name for d in designs], nodes=True)
        split_states[split] = dict(zip((d.name for d in designs), states))
        split_labels[split] = {d.name: gate_labels(d.name, d.aig, params, seed) for d in designs}
    encode_s = time.perf_counter() - start
    t1 = time.perf_counter()
    tr_states, tr_labels = split_states["train"], split_labels["train"]
    banks = encoder.config.code_banks
    all_nodes = np.concatenate([tr_states[n][lab.nodes] for n, lab in tr_labels.items()])
    per_bank = all_nodes.reshape(len(all_nodes), banks, -1)
    mean, std = per_bank.mean(axis=(0, 1)), per_bank.std(axis=(0, 1)) + 1e-6

    def norm(x: np.ndarray) -> np.ndarray:
        """``[n, K * H]`` -> standardised ``[n, K, H]``."""
        return ((x.reshape(len(x), banks, -1) - mean) / std).astype(np.float32)
    sp_x = norm(all_nodes)
    sp_y = np.concatenate([lab.sp for lab in tr_labels.values()])
    tt_x = np.concatenate([_pair_features(norm(tr_states[n]), lab.pairs)
                           for n, lab in tr_labels.items()])
    tt_y = np.concatenate([lab.distance for lab in tr_labels.values()])
    predict_sp = _fit(sp_x, sp_y, params, seed)
    predict_tt = _fit(tt_x, tt_y, params, seed + 1)
    fit_s = time.perf_counter() - t1
    rows, pooled = [], {"model": [[], [], [], []], "baseline": [[], [], [], []]}
    for name, lab in split_labels["test"].items():
        states = norm(split_states["test"][name])
        sides = {"model": (predict_sp(states[lab.nodes]),
                           predict_tt(_pair_features(states, lab.pairs))),
                 "baseline": (np.full(len(lab.sp), sp_y.mean()),
                              np.full(len(lab.distance), tt_y.mean()))}
        rows.append({"design": name})
        for side, (p_sp, p_tt) in sides.items():
            rows[-1][side] = _row(p_sp, lab.sp, p_tt, lab.distance)
            for k, values in enumerate((p_sp, lab.sp, p_tt, lab.distance)):
                pooled[side][k].append(values)
    results = {}
    for side in ("model", "baseline"):
        joined = [np.concatenate(v) for v in pooled[side]]
        pooled_row = _row(*joined)
        results[side] = {**{m: _nanmean([r[side][m] for r in rows]) for m in METRICS},
                         **{f"pooled_{m}": pooled_row[m] for m in METRICS}}
    info = {"train_gates": int(len(sp_y)), "train_pairs": int(len(tt_y)),
            "test_gates": int(sum(len(lab.sp) for lab in split_labels["test"].values())),
            "test_pairs": int(sum(len(lab.distance) for lab in split_labels["test"].values())),
            "train_sp_mean": float(sp_y.mean()), "train_distance_mean": float(tt_y.mean()),
            "distance": "normalised Hamming distance of random-simulation signatures",
            "encode_seconds": round(encode_s, 2), "fit_seconds": round(fit_s, 2)}
    return TaskResult("probes", results["model"], results["baseline"], rows, info)


def _nanmean(values: list[float]) -> float:
    values = [v for v in values if not np.isnan(v)]
    return float(np.mean(values)) if values else float("nan")
