"""Per-pattern simulation values of every gate, under the encoder's input codes.

DeepGate2's signal probability (:mod:`circuitlab.pretrain.objective_prob`)
is the mean of a gate's values over random patterns; this target is the
values themselves. The patterns are the encoder's input codes
(:func:`~circuitlab.nn.input_codes.input_codes`, bit ``j`` of input ``k``
is pattern ``j``'s value of that input; under
:attr:`~circuitlab.pretrain.PretrainConfig.random_code_banks` a bank drawn
per graph and step), so a state can only predict them by
evaluating its fan-in cone on what the inputs carry: a head reads each
gate's state and predicts its ``W`` bits (binary cross-entropy), which
needs ``encoder.input_codes = W``. The targets come from the graph itself
(:func:`code_values`), computed in each batch, nothing stored.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch.nn import functional as F
from torch_geometric.data import Data

from circuitlab.data import NodeType
from circuitlab.nn.dag import level_groups
from circuitlab.nn.input_codes import node_codes

__all__ = ["SimHead", "code_values", "sim_loss"]


def code_values(batch: Data, width: int) -> Tensor:
    """``[N, width]`` float of 0/1: every node's value, the inputs driven by their codes.

    Bit ``j`` of a node is its value under pattern ``j`` (input ``k`` reads
    bit ``j`` of its code in its graph's ``code_bank``, 1 for +1): CONST 0,
    a NOT node the complement of its fan-in, an AND node the AND of its
    fan-ins and a PO its fan-in, each fan-in complemented where the
    ``edge_attr`` encoding flags the edge.
    """
    n = int(batch.num_nodes)
    values = torch.zeros(n, width)
    pi = torch.nonzero(batch.input_pos >= 0).flatten()
    values[pi] = (node_codes(batch, pi, width).cpu() > 0).float()
    attr = getattr(batch, "edge_attr", None)
    edge_index = batch.edge_index.cpu()
    is_not = (batch.node_type.cpu() == int(NodeType.NOT))
    for nodes, src, slot, flag in level_groups(edge_index, None if attr is None else attr.cpu(), n):
        incoming = values[src]
        if flag is not None:
            incoming = (incoming - flag).abs()
        out = torch.ones(nodes.numel(), width).scatter_reduce(
            0, slot[:, None].expand_as(incoming), incoming, reduce="amin", include_self=True)
        values[nodes] = torch.where(is_not[nodes, None], 1.0 - out, out)
    return values.to(batch.edge_index.device)


class SimHead(nn.Module):
    """Two-layer MLP: node states ``[N, H]`` -> logits of the ``W`` pattern values ``[N, W]``."""

    def __init__(self, hidden: int, width: int):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, width))

    def forward(self, states: Tensor) -> Tensor:
        return self.mlp(states)


def sim_loss(head: SimHead, states: Tensor, batch: Data, width: int) -> tuple[Tensor, dict]:
    """Binary cross-entropy of every gate's (AND, NOT, PO) predicted pattern values.

    Returns:
        the loss and ``{"sim_loss", "sim_acc"}`` (the fraction of bits
        predicted right, detached).
    """
    gates = batch.node_type != int(NodeType.PI)
    gates &= batch.node_type != int(NodeType.CONST)
    target = code_values(batch, width)[gates].to(states.dtype)
    if not bool(gates.any()):
        zero = states.sum() * 0.0
        return zero, {"sim_loss": zero.detach(), "sim_acc": zero.detach() + 1.0}
    logits = head(states[gates])
    loss = F.binary_cross_entropy_with_logits(logits, target)
    acc = ((logits > 0).to(target.dtype) == target).float().mean()
    return loss, {"sim_loss": loss.detach(), "sim_acc": acc.detach()}
