"""Equivalence contrast on graph embeddings (supervised NT-Xent over views).

Each pre-training graph is a disjoint union of views (single circuits,
:mod:`circuitlab.pretrain.functional_graphs`) with a function id each. The
views' embeddings are the encoder's own read-out
(:meth:`~circuitlab.nn.Encoder.pool` over each view's nodes), the vector
the tasks compare by cosine, so the loss shapes exactly that score. Over
all views of the batch, every view with another of its function (a recipe
version of the same cone) is an anchor of the supervised contrastive loss
(Khosla et al., "Supervised Contrastive Learning", NeurIPS 2020,
https://arxiv.org/abs/2004.11362; NT-Xent of SimCLR with several
positives): ``-mean_p log softmax_j(cos(z_i, z_j) / t)[p]`` over ``j != i``.
The softmax's denominator holds the hard negatives of the view's own
sample (one-edge mutants, other outputs, proven different) and every other
view of the batch (other designs' cones and whole designs).
"""

from __future__ import annotations

from types import SimpleNamespace

import torch
from torch import Tensor
from torch.nn import functional as F
from torch_geometric.data import Data

from circuitlab.nn import Encoder


def view_embeddings(encoder: Encoder, states: Tensor, batch: Data) -> Tensor:
    """The encoder's read-out of every view ``[V, pool_dim]`` from node states ``[N, H]``."""
    views = batch.view_batch
    size = int(batch.view_func.numel())
    return encoder.pool(states, SimpleNamespace(batch=views, num_graphs=size,
                                                po_node=batch.po_node))


def contrast_loss(embeddings: Tensor, func: Tensor, temperature: float) -> tuple[Tensor, dict]:
    """Supervised NT-Xent of views ``[V, P]`` labelled by function ids ``[V]``.

    Returns:
        the loss (0 with a gradient when no view has a positive) and
        ``{"contrast_loss", "contrast_acc"}``: ``contrast_acc`` is the
        fraction of anchors whose most similar other view is a positive.
    """
    z = F.normalize(embeddings.float(), dim=-1)
    same = func[:, None] == func[None, :]
    eye = torch.eye(len(func), dtype=torch.bool, device=func.device)
    positive = same & ~eye
    anchors = positive.any(dim=1)
    if not bool(anchors.any()):
        zero = embeddings.sum() * 0.0
        return zero, {"contrast_loss": zero.detach(), "contrast_acc": zero.detach()}
    sim = (z @ z.T) / temperature
    sim = sim.masked_fill(eye, float("-inf"))
    log_prob = sim - torch.logsumexp(sim, dim=1, keepdim=True)
    log_prob = log_prob.masked_fill(~positive, 0.0)
    per_anchor = -log_prob.sum(dim=1)[anchors] / positive.sum(dim=1)[anchors]
    loss = per_anchor.mean()
    nearest = sim.argmax(dim=1)
    acc = positive[torch.arange(len(func), device=func.device), nearest][anchors].float().mean()
    return loss, {"contrast_loss": loss.detach(), "contrast_acc": acc.detach()}
