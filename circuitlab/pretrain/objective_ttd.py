"""Truth-table-distance regression on node pairs (DeepGate2's second target).

Shi et al., "DeepGate2: Functionality-Aware Circuit Representation
Learning", ICCAD 2023, https://arxiv.org/abs/2305.16373: the similarity of
two gates' embeddings should follow the similarity of their truth tables.
Here the predicted distance is ``(1 - cos(P h_i, P h_j)) / 2`` of a linear
projection ``P`` of the node states (0 for equal, 1 for complementary
functions), regressed with an L1 loss on the normalised Hamming distance
``tt_dist`` of the pairs ``tt_pair_index`` sampled with DeepGate2's filter
(:mod:`circuitlab.pretrain.functional_graphs`).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch.nn import functional as F
from torch_geometric.data import Data


class PairHead(nn.Module):
    """The projection ``P``; :meth:`distance` of node pairs ``[2, P]`` -> ``[P]`` in [0, 1]."""

    def __init__(self, hidden: int):
        super().__init__()
        self.proj = nn.Linear(hidden, hidden)

    def distance(self, states: Tensor, pairs: Tensor) -> Tensor:
        z = self.proj(states)
        return (1.0 - F.cosine_similarity(z[pairs[0]], z[pairs[1]], dim=-1)) / 2.0


def ttd_loss(head: PairHead, states: Tensor, batch: Data) -> tuple[Tensor, dict]:
    """L1 error of the predicted truth-table distance of the batch's pairs.

    Returns:
        the loss (0 with a gradient when the batch has no pair) and
        ``{"ttd_loss", "ttd_mae"}``.
    """
    pairs = batch.tt_pair_index
    if pairs.numel() == 0:
        zero = states.sum() * 0.0
        return zero, {"ttd_loss": zero.detach(), "ttd_mae": zero.detach()}
    loss = (head.distance(states, pairs) - batch.tt_dist.to(states.dtype)).abs().mean()
    return loss, {"ttd_loss": loss.detach(), "ttd_mae": loss.detach()}
