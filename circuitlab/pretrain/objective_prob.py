"""Signal-probability regression on the encoder's node states (DeepGate2's first target).

Shi et al., "DeepGate2: Functionality-Aware Circuit Representation
Learning", ICCAD 2023, https://arxiv.org/abs/2305.16373: an MLP reads each
gate's state and predicts the fraction of random patterns under which it
is 1; the loss is the L1 error (DeepGate2's), on AND nodes only (targets
``prob`` from :mod:`circuitlab.pretrain.functional_graphs`, NaN elsewhere).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch_geometric.data import Data


class ProbHead(nn.Module):
    """Two-layer MLP with a sigmoid: node states ``[N, H]`` -> probabilities ``[N]``."""

    def __init__(self, hidden: int):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, states: Tensor) -> Tensor:
        return torch.sigmoid(self.mlp(states))[:, 0]


def prob_loss(head: ProbHead, states: Tensor, batch: Data) -> tuple[Tensor, dict]:
    """L1 error of the predicted signal probability on the nodes with a target.

    Returns:
        the loss (0 with a gradient when no node has a target) and
        ``{"prob_loss", "prob_mae"}`` (the same number, detached).
    """
    target = batch.prob.to(states.dtype)
    keep = torch.isfinite(target)
    if not bool(keep.any()):
        zero = states.sum() * 0.0
        return zero, {"prob_loss": zero.detach(), "prob_mae": zero.detach()}
    loss = (head(states[keep]) - target[keep]).abs().mean()
    return loss, {"prob_loss": loss.detach(), "prob_mae": loss.detach()}
