"""QoR ranking of synthesis recipes from frozen circuit embeddings (MGVGA §4.2).

For every design, the same ``recipes`` seeded random recipes of
``recipe_length`` steps over OpenABC-D's seven steps
(:func:`~circuitlab.tasks.qor_labels.shared_recipes`) are run; the label of
a recipe is the AND count (and depth) it leaves, standardised per design
(:func:`~circuitlab.tasks.ranking.standardise`: higher = fewer gates). A
:class:`~circuitlab.tasks.qor_head.QorHead` reads the frozen encoder's graph
embedding of the design's *original* AIG and the recipe's steps; it is
trained on the training designs only and judged on whole test designs:
NDCG@3, NDCG@5, top-3/5/10 % commonality (designs whose recipes all give
one count have no ranking and are left out of those means) and the MAPE of
the predicted AND count. The baseline has no circuit information: it ranks
the recipes by their mean rank over the training designs and predicts the
AND count from the recipe's mean size ratio over the training designs
(``recipe-only``). A second baseline, ``size counts``, is the same head
trained the same way with the design's embedding replaced by its five size
counts (:mod:`circuitlab.tasks.baselines`, standardised on the training
designs); a third, ``simulation signature``, the same head given the size
counts and :func:`~circuitlab.tasks.baselines.signature_redundancy` (how
much of the design random simulation finds redundant, which predicts how
far recipes shrink it). All sit in ``info["baselines"]``.

Labels: Chowdhury et al., OpenABC-D, https://arxiv.org/abs/2110.11292;
task: Wu et al., ICLR 2025, https://arxiv.org/abs/2502.12732.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from circuitlab.errors import (CircuitlabError, require, require_at_least, require_choice,
                               require_positive)
from circuitlab.inference import encode_aigs
from circuitlab.tasks.baselines import signature_redundancy, size_counts, standardise_columns
from circuitlab.tasks.common import Design, TaskResult, check_disjoint
from circuitlab.tasks.qor_labels import recipe_labels, shared_recipes
from circuitlab.tasks.ranking import (mape, mean_ranks, random_rank_metrics, rank_metrics,
                                      standardise)
from circuitlab.training.threads import torch_threads

__all__ = ["QorParams", "baseline_predictions", "evaluate", "evaluate_head", "run", "summarise",
           "targets", "train_and_evaluate"]


@dataclass(frozen=True)
class QorParams:
    """The QoR task, sized for the full protocol (``experiments/configs/tasks.toml``).

    Attributes:
        recipes: recipes per design, one shared set; the labels' time grows
            with it (``experiments/README.md`` gives the measured cost); they
            are built once and cached. Commonality then looks at the best 1,
            2 and 3 recipes.
        recipe_length: steps per recipe (OpenABC-D's 20).
        recipe_seed: recipe ``k`` is ``random_recipe(recipe_seed + k, recipe_length)``.
        engine: recipe engine for the labels: ``aigverse`` (in-process),
            ``abc`` or ``auto``.
        jobs: worker processes for the labels.
        timeout: seconds per recipe run.
        node_budget: most nodes of one design's graph for the encoder.
        step_dim: the head's step embedding width.
        channels: the head's recipe convolution channels.
        kernel: the head's recipe convolution width (odd).
        conv_layers: the head's recipe convolutions.
        hidden: width of the head's MLP layers.
        dropout: the head's dropout while training.
        components: the head reads this many principal components of the
            graph embedding over the training designs; 0 reads it whole
            (:class:`~circuitlab.tasks.qor_head.QorHeadConfig`).
        epochs: most training epochs over the (design, recipe) pairs.
        batch_size: pairs per optimiser step.
        lr: AdamW learning rate.
        weight_decay: AdamW weight decay.
        val_fraction: share of the training designs held out for early stopping.
        patience: epochs without a better validation loss before stopping.
        progress: show a progress bar while labels are built.
    """

    recipes: int = 32
    recipe_length: int = 20
    recipe_seed: int = 0
    engine: str = "aigverse"
    jobs: int = 2
    timeout: float = 600.0
    node_budget: int = 200_000
    step_dim: int = 16
    channels: int = 32
    kernel: int = 3
    conv_layers: int = 2
    hidden: int = 64
    dropout: float = 0.1
    components: int = 0
    epochs: int = 300
    batch_size: int = 256
    lr: float = 1e-3
    weight_decay: float = 1e-4
    val_fraction: float = 0.15
    patience: int = 30
    progress: bool = False

    def __post_init__(self):
        from circuitlab.synth.recipes import ENGINES  # loads aigverse: only when used
        require_at_least(self.recipes, 2, "recipes")
        require_at_least(self.recipe_length, 1, "recipe_length")
        require_at_least(self.recipe_seed, 0, "recipe_seed")
        require_choice(self.engine, ENGINES, "engine")
        require_at_least(self.jobs, 1, "jobs")
        require_positive(self.timeout, "timeout")
        require_at_least(self.node_budget, 1, "node_budget")
        for name in ("step_dim", "channels", "conv_layers", "hidden", "epochs", "batch_size"):
            require_at_least(getattr(self, name), 1, name)
        require(isinstance(self.kernel, int) and self.kernel >= 1 and self.kernel % 2 == 1,
                "kernel", f"must be an odd integer >= 1, got {self.kernel!r}")
        require(isinstance(self.dropout, (int, float)) and 0 <= self.dropout < 1, "dropout",
                f"must be in [0, 1), got {self.dropout!r}")
        require_at_least(self.components, 0, "components")
        require_positive(self.lr, "lr")
        require_at_least(self.weight_decay, 0, "weight_decay")
        require(isinstance(self.val_fraction, (int, float)) and 0 <= self.val_fraction < 1,
                "val_fraction", f"must be in [0, 1), got {self.val_fraction!r}")
        require_at_least(self.patience, 1, "patience")

    def head_config(self, graph_dim: int, components: int | None = None):
        """The :class:`~circuitlab.tasks.qor_head.QorHeadConfig` of these sizes
        (``components``: in place of ``self.components``; 0 for a narrow input)."""
        # loads torch, torch_geometric: only when used
        from circuitlab.tasks.qor_head import QorHeadConfig
        return QorHeadConfig(graph_dim, self.step_dim, self.channels, self.kernel,
                             self.conv_layers, self.hidden, float(self.dropout),
                             self.components if components is None else components)


def targets(ands: np.ndarray, ands_before: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Standardised labels ``z`` ``[D, R]`` and log size ratios ``[D, R]`` from AND counts
    ``[D, R]`` after each recipe and ``[D]`` before."""
    ands = np.asarray(ands, dtype=np.float64)
    z = np.stack([standardise(row) for row in ands]) if len(ands) else ands
    before = np.asarray(ands_before, dtype=np.float64)[:, None]
    return z, np.log((ands + 1) / (before + 1))


def baseline_predictions(train_ands: np.ndarray, train_before: np.ndarray):
    """The mean-rank baseline from the training designs' AND counts ``[D, R]`` and ``[D]``.

    Returns:
        ``(score [R], log_ratio [R])``: ``-`` each recipe's mean rank (higher =
        better), and its mean log size ratio (which predicts a design's AND
        count as ``(a0 + 1) * exp(log_ratio) - 1``).
    """
    z, ratio = targets(train_ands, train_before)
    return -mean_ranks(z), ratio.mean(axis=0)


def evaluate(name: str, true_ands: np.ndarray, ands_before: int, score: np.ndarray,
             pred_ands: np.ndarray, base_score: np.ndarray, base_ratio: np.ndarray) -> dict:
    """One test design's row: ``{"design", "model", "baseline", "random", "spread"}``.

    ``random`` holds what a uniformly random order scores in expectation;
    ``spread`` is the number of distinct AND counts among the recipes (1:
    nothing to rank, ranking metrics NaN).
    """
    z = standardise(true_ands)
    base_ands = (ands_before + 1) * np.exp(base_ratio) - 1
    model = {**rank_metrics(z, score), "mape": mape(pred_ands, true_ands)}
    base = {**rank_metrics(z, base_score), "mape": mape(base_ands, true_ands)}
    return {"design": name, "model": model, "baseline": base, "random": random_rank_metrics(z),
            "spread": int(len(np.unique(true_ands)))}


def summarise(rows: Sequence[dict], side: str) -> dict[str, float]:
    """Mean of each metric over the rows, NaN rows left out (NaN if all are)."""
    keys = list(rows[0][side]) if rows else []
    out = {}
    for key in keys:
        values = [r[side][key] for r in rows if not math.isnan(r[side][key])]
        out[key] = float(np.mean(values)) if values else math.nan
    return out


def run(encoder, train: Sequence[Design], test: Sequence[Design], params: QorParams,
        seed: int, cache: Path | None) -> TaskResult:
    """Train a QoR head on ``train`` with ``encoder`` frozen; evaluate it on ``test``.

    Raises:
        CircuitlabError: a design in both splits, an empty split, a recipe
            that fails, a graph over the node budget.
    """
    return train_and_evaluate(encoder, train, test, params, seed, cache)[0]


def train_and_evaluate(encoder, train: Sequence[Design], test: Sequence[Design],
                       params: QorParams, seed: int, cache: Path | None):
    """:func:`run`, also returning the trained head and what a checkpoint keeps.

    Returns:
        ``(result, head, meta)``: ``meta`` is the ``meta`` argument of
        :func:`~circuitlab.tasks.qor_head.save_head` (recipe set, training
        designs with their AND counts, the baseline's per-recipe statistics).
    """
    import torch

    # loads torch, torch_geometric: only when used
    from circuitlab.tasks.qor_train import train_head
    from circuitlab.tasks.recipe_encoder import recipe_tokens  # loads torch: only when used

    check_disjoint(train, test)
    if not train or not test:
        raise CircuitlabError("the QoR task needs at least one training and one test design")
    start = time.perf_counter()
    designs = list(train) + list(test)
    with torch_threads():
        recipes = shared_recipes(params.recipes, params.recipe_seed, params.recipe_length)
        labels, label_stats = recipe_labels(designs, recipes, params.engine, cache, params.jobs,
                                            params.timeout, params.progress)
        t0 = time.perf_counter()
        graphs, _ = encode_aigs([d.aig for d in designs], encoder, params.node_budget,
                                [d.name for d in designs])
        encode_s = time.perf_counter() - t0
        tokens = recipe_tokens(recipes)
        train_ands = np.stack([labels[d.name][:, 0] for d in train])
        train_before = np.array([d.aig.num_ands for d in train])
        z, ratio = targets(train_ands, train_before)
        head, stats = train_head(
            graphs[:len(train)], tokens, z, ratio, params.head_config(graphs.shape[1]),
            epochs=params.epochs, batch_size=params.batch_size, lr=params.lr,
            weight_decay=params.weight_decay, val_fraction=params.val_fraction,
            patience=params.patience, seed=seed)
        base_score, base_ratio = baseline_predictions(train_ands, train_before)
        sizes = np.stack([size_counts(d.aig) for d in designs])
        signatures = np.hstack([sizes, [[signature_redundancy(d.aig)] for d in designs]])
        side_heads = {}
        for name, features in (("size counts", sizes), ("simulation signature", signatures)):
            features = standardise_columns(features[:len(train)], features).astype(np.float32)
            side_head, _ = train_head(
                features[:len(train)], tokens, z, ratio,
                params.head_config(features.shape[1], components=0),
                epochs=params.epochs, batch_size=params.batch_size, lr=params.lr,
                weight_decay=params.weight_decay, val_fraction=params.val_fraction,
                patience=params.patience, seed=seed)
            side_heads[name] = (side_head, features[len(train):])
        rows = []
        for k, design in enumerate(test):
            true, before = labels[design.name][:, 0], design.aig.num_ands
            score, pred = head.predict(torch.as_tensor(graphs[len(train) + k]), tokens, before)
            rows.append(evaluate(design.name, true, before, score.numpy(), pred.numpy(),
                                 base_score, base_ratio))
            for name, (side_head, features) in side_heads.items():
                score, pred = side_head.predict(torch.as_tensor(features[k]), tokens, before)
                rows[-1][name] = evaluate(design.name, true, before, score.numpy(),
                                          pred.numpy(), base_score, base_ratio)["model"]
    from circuitlab.synth.recipes import resolve_engine  # loads aigverse: only when used
    engine = resolve_engine(params.engine)
    info = {"recipes": params.recipes, "recipe_length": params.recipe_length,
            "recipe_seed": params.recipe_seed, "engine": engine,
            "train_designs": len(train), "test_designs": len(test),
            "ranked_test_designs": sum(r["spread"] > 1 for r in rows),
            "ranked_train_designs": int(sum(len(np.unique(a)) > 1 for a in train_ands)),
            "label_runs": label_stats.computed, "label_reused": label_stats.reused,
            "label_seconds": round(label_stats.seconds, 2),
            "label_cpu_seconds_per_recipe": (round(label_stats.cpu_seconds
                                                   / label_stats.computed, 3)
                                             if label_stats.computed else None),
            "encode_seconds": round(encode_s, 2), "train_seconds": round(stats.seconds, 2),
            "epochs": stats.epochs, "best_epoch": stats.best_epoch,
            "val_designs": [train[i].name for i in stats.val_designs],
            "random_order": summarise(rows, "random"),
            "baselines": {"recipe-only": summarise(rows, "baseline"),
                          **{name: summarise(rows, name) for name in side_heads}},
            "seconds": round(time.perf_counter() - start, 2)}
    result = TaskResult(task="qor", metrics=summarise(rows, "model"),
                        baseline=summarise(rows, "baseline"), rows=rows, info=info)
    meta = {"recipes": {"count": params.recipes, "seed": params.recipe_seed,
                        "length": params.recipe_length, "engine": engine},
            "mean_ranks": (-base_score).tolist(), "mean_log_ratio": base_ratio.tolist(),
            "train_designs": [d.name for d in train], "train_ands": train_ands.tolist(),
            "train_ands_before": train_before.tolist(), "seed": int(seed),
            "params": asdict(params)}
    return result, head, meta


def evaluate_head(head, encoder, meta: dict, designs: Sequence[Design], count: int,
                  cache: Path | None = None, jobs: int = 1,
                  progress: bool = False, engine: str | None = None) -> list[dict]:
    """A trained head (as :func:`~circuitlab.tasks.qor_head.load_head` returns it) judged
    on ``designs``: one :func:`evaluate` row each, over the first ``count`` recipes of
    the head's shared set, labelled by :func:`~circuitlab.tasks.qor_labels.recipe_labels`
    with ``engine`` (default: the one that labelled the head's training designs; cached
    under ``cache``), against the mean-rank baseline of the head's training designs.

    Raises:
        CircuitlabError: a recipe that fails, a graph over the node budget.
    """
    import torch

    from circuitlab.tasks.recipe_encoder import recipe_tokens  # loads torch: only when used

    recipes = shared_recipes(count, meta["recipes"]["seed"], meta["recipes"]["length"])
    labels, _ = recipe_labels(designs, recipes, engine or meta["recipes"]["engine"], cache,
                              jobs, progress=progress)
    graphs, _ = encode_aigs([d.aig for d in designs], encoder, names=[d.name for d in designs])
    base_score, base_ratio = baseline_predictions(
        np.asarray(meta["train_ands"])[:, :count], np.asarray(meta["train_ands_before"]))
    tokens = recipe_tokens(recipes)
    rows = []
    for design, graph in zip(designs, graphs):
        score, pred = head.predict(torch.as_tensor(graph), tokens, design.aig.num_ands)
        rows.append(evaluate(design.name, labels[design.name][:, 0], design.aig.num_ands,
                             score.numpy(), pred.numpy(), base_score, base_ratio))
    return rows
