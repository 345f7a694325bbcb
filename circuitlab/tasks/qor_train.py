"""Training the QoR head on (design, recipe) pairs of the training designs."""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import Tensor

from circuitlab.tasks.qor_head import QorHead, QorHeadConfig
from circuitlab.training.seeding import seed_everything

__all__ = ["TrainStats", "train_head", "train_pairs", "validation_split"]


@dataclass
class TrainStats:
    """What :func:`train_head` did.

    Attributes:
        epochs: epochs run.
        best_epoch: the epoch whose weights were kept (lowest validation loss,
            or the last epoch without a validation split).
        train_loss: mean training loss of each epoch.
        val_loss: validation loss after each epoch (empty without a split).
        val_designs: indices of the training designs held out for early stopping.
        seconds: wall-clock time.
    """

    epochs: int = 0
    best_epoch: int = 0
    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_designs: list[int] = field(default_factory=list)
    seconds: float = 0.0


def validation_split(designs: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``(fit, val)`` design indices: ``round(fraction * designs)`` seeded picks for
    validation, none when that leaves fewer than 2 designs on either side."""
    count = int(round(fraction * designs))
    if count < 2 or designs - count < 2:
        return np.arange(designs), np.arange(0)
    order = np.random.default_rng(seed).permutation(designs)
    return np.sort(order[count:]), np.sort(order[:count])


def _loss(head: QorHead, graphs: Tensor, tokens: Tensor, d: Tensor, r: Tensor,
          z: Tensor, ratio: Tensor) -> Tensor:
    """The two squared errors on pairs ``(d, r)`` whose targets are ``z``, ``ratio``."""
    out = head(graphs[d], tokens[r])
    target = (ratio - head.ratio_mean) / head.ratio_std
    return torch.mean((out[:, 0] - z) ** 2) + torch.mean((out[:, 1] - target) ** 2)


def train_head(graphs: np.ndarray, tokens: Tensor, z: np.ndarray, log_ratio: np.ndarray,
               config: QorHeadConfig, *, epochs: int, batch_size: int, lr: float,
               weight_decay: float, val_fraction: float, patience: int,
               seed: int) -> tuple[QorHead, TrainStats]:
    """Fit a :class:`QorHead` to every (design, recipe) pair of the training designs.

    :func:`train_pairs` on the full grid of ``D`` designs by ``R`` recipes.

    Args:
        graphs: graph embeddings of the designs' original AIGs ``[D, P]``.
        tokens: recipe tokens ``[R, L]``.
        z: standardised labels ``[D, R]`` (higher = fewer gates).
        log_ratio: ``log((ands_after + 1) / (ands_before + 1))`` ``[D, R]``.
        config: the head's sizes (``graph_dim == P``).
    """
    designs, recipes = np.asarray(z).shape
    pair_d = np.repeat(np.arange(designs), recipes)
    pair_r = np.tile(np.arange(recipes), designs)
    return train_pairs(graphs, tokens, pair_d, pair_r, np.asarray(z).ravel(),
                       np.asarray(log_ratio).ravel(), config, epochs=epochs,
                       batch_size=batch_size, lr=lr, weight_decay=weight_decay,
                       val_fraction=val_fraction, patience=patience, seed=seed)


def train_pairs(graphs: np.ndarray, tokens: Tensor, pair_d: np.ndarray, pair_r: np.ndarray,
                z: np.ndarray, log_ratio: np.ndarray, config: QorHeadConfig, *, epochs: int,
                batch_size: int, lr: float, weight_decay: float, val_fraction: float,
                patience: int, seed: int) -> tuple[QorHead, TrainStats]:
    """Fit a :class:`QorHead` to labelled (design, recipe) pairs.

    Each design may have its own recipes (a recipe corpus draws them per
    design). The loss is the sum of two mean squared errors: the
    standardised label ``z`` and the standardised log size ratio. With a
    validation split of the designs (:func:`validation_split`), the weights
    of the epoch with the lowest validation loss are kept and training stops
    after ``patience`` epochs without improvement. Seeded: the same inputs
    and seed give the same head on the same machine.

    Args:
        graphs: graph embeddings of the designs' original AIGs ``[D, P]``.
        tokens: recipe tokens ``[R, L]``.
        pair_d, pair_r: each pair's design and recipe index ``[N]``.
        z: each pair's standardised label (within its design, higher = fewer
            gates) ``[N]``.
        log_ratio: each pair's ``log((ands_after + 1) / (ands_before + 1))`` ``[N]``.
        config: the head's sizes (``graph_dim == P``).
    """
    start = time.perf_counter()
    seed_everything(seed)
    g = torch.as_tensor(graphs, dtype=torch.float32)
    pd = torch.as_tensor(np.asarray(pair_d, dtype=np.int64))
    pr = torch.as_tensor(np.asarray(pair_r, dtype=np.int64))
    zt = torch.as_tensor(np.asarray(z), dtype=torch.float32)
    rt = torch.as_tensor(np.asarray(log_ratio), dtype=torch.float32)
    fit, val = validation_split(g.size(0), val_fraction, seed)
    in_val = torch.zeros(g.size(0), dtype=torch.bool)
    in_val[torch.as_tensor(val, dtype=torch.int64)] = True
    fit_pairs = torch.nonzero(~in_val[pd]).flatten()
    val_pairs = torch.nonzero(in_val[pd]).flatten()
    head = QorHead(config)
    head.set_graph_stats(g[torch.as_tensor(fit)])
    head.set_ratio_stats(rt[fit_pairs])
    optimizer = torch.optim.AdamW(head.parameters(), lr=lr, weight_decay=weight_decay)
    generator = torch.Generator().manual_seed(seed)
    stats = TrainStats(val_designs=[int(v) for v in val])
    best, best_loss, stale = copy.deepcopy(head.state_dict()), math.inf, 0
    for epoch in range(1, epochs + 1):
        head.train()
        order = fit_pairs[torch.randperm(fit_pairs.numel(), generator=generator)]
        total = 0.0
        for k in range(0, order.numel(), batch_size):
            idx = order[k:k + batch_size]
            loss = _loss(head, g, tokens, pd[idx], pr[idx], zt[idx], rt[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * idx.numel()
        stats.train_loss.append(total / max(1, order.numel()))
        stats.epochs = epoch
        if not len(val):
            stats.best_epoch = epoch
            continue
        head.eval()
        with torch.no_grad():
            v = val_pairs
            loss = float(_loss(head, g, tokens, pd[v], pr[v], zt[v], rt[v]))
        stats.val_loss.append(loss)
        if loss < best_loss:
            best, best_loss, stale, stats.best_epoch = (copy.deepcopy(head.state_dict()), loss,
                                                        0, epoch)
        else:
            stale += 1
            if stale >= patience:
                break
    if len(val):
        head.load_state_dict(best)
    stats.seconds = time.perf_counter() - start
    return head.eval(), stats
