"""Decoder blocks and prediction heads of masked gate modelling and VGA."""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch_geometric.nn import DeepGCNLayer
from torch_geometric.utils import to_dense_batch

from circuitlab.data import NUM_NODE_TYPES
from circuitlab.nn import Encoder


class GraphDecoder(nn.Module):
    """One residual message-passing block like the encoder's, fan-in -> fan-out.

    The MGVGA release's ``AIGMAEDecoder``: one ``AIGMAEBlock`` (the
    encoder's convolution in a ``res+`` :class:`DeepGCNLayer`).

    Shapes:
        - **input:** states ``[N, H]``, ``edge_index`` ``[2, E]``, optionally
          ``edge_attr`` ``[E, 1]``.
        - **output:** ``[N, H]``.
    """

    def __init__(self, encoder: Encoder):
        super().__init__()
        hidden = encoder.config.hidden
        self.block = DeepGCNLayer(encoder.make_conv(), nn.LayerNorm(hidden), nn.ReLU(),
                                  block="res+", dropout=encoder.config.dropout)

    def forward(self, x: Tensor, *edges: Tensor) -> Tensor:
        return self.block(x, *edges)


class AlignBlock(nn.Module):
    """Node states cross-attend to the text tokens of their design (pre-norm, residual).

    The MGVGA release's ``AIGAlignBlock``: ``x + Attn(LN(x), T)`` then
    ``x + MLP(LN(x))``; queries are the node states, keys and values the
    ``M`` text tokens projected from ``D`` to ``H``
    (:class:`torch.nn.MultiheadAttention` with ``kdim = vdim = D``). Each
    node attends only to the tokens of its own graph.

    Shapes:
        - **input:** states ``[N, H]``, batch index ``[N]``, tokens ``[B, M, D]``.
        - **output:** ``[N, H]``.
    """

    def __init__(self, hidden: int, text_dim: int, heads: int, dropout: float = 0.1):
        super().__init__()
        self.attn_norm = nn.LayerNorm(hidden)
        self.attn = nn.MultiheadAttention(hidden, heads, kdim=text_dim, vdim=text_dim,
                                          batch_first=True)
        self.mlp_norm = nn.LayerNorm(hidden)
        self.mlp = nn.Sequential(nn.Dropout(dropout), nn.Linear(hidden, hidden), nn.ReLU(),
                                 nn.Linear(hidden, hidden))

    def forward(self, x: Tensor, batch_index: Tensor, tokens: Tensor) -> Tensor:
        dense, present = to_dense_batch(self.attn_norm(x), batch_index,
                                        batch_size=tokens.size(0))
        attended, _ = self.attn(dense, tokens, tokens, need_weights=False)
        x = x + attended[present]
        return x + self.mlp(self.mlp_norm(x))


class NodeHeads(nn.Module):
    """Gate-type logits and ``(fanin, fanout)`` regressions from decoded states.

    Type: one linear layer over the five :class:`~circuitlab.data.NodeType`
    classes. Degrees: the release's ``AIGMAEDegreePredictionHead`` (an MLP
    ``H -> H -> H`` then a linear layer), one output per target.

    Shapes:
        - **input:** ``[N, H]``.
        - **output:** logits ``[N, 5]``, degrees ``[N, 2]`` (fan-in, fan-out).
    """

    def __init__(self, hidden: int, dropout: float = 0.1):
        super().__init__()
        self.type_head = nn.Linear(hidden, NUM_NODE_TYPES)
        self.degree_head = nn.Sequential(nn.Dropout(dropout), nn.Linear(hidden, hidden), nn.ReLU(),
                                    nn.Linear(hidden, hidden), nn.Linear(hidden, 2))

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        return self.type_head(x), self.degree_head(x)


def reconstruction_losses(prefix: str, logits: Tensor, degrees: Tensor, batch,
                          mask: Tensor, degree_weight: float) -> tuple[Tensor, dict]:
    """Cross-entropy of the types and Huber losses of the degrees at the masked nodes.

    Returns the weighted sum ``ce + degree_weight * (huber_fanin +
    huber_fanout)`` and a dict of detached metrics named ``<prefix>_type_loss``,
    ``<prefix>_fanin_loss``, ``<prefix>_fanout_loss``, ``<prefix>_type_acc``.
    Degrees are regressed at the masked nodes only (the release regresses
    them at every node); Huber with delta 1 as in the release.
    """
    target = batch.node_type[mask]
    logits, degrees = logits[mask].float(), degrees[mask].float()
    type_loss = nn.functional.cross_entropy(logits, target)
    fanin = nn.functional.huber_loss(degrees[:, 0], batch.fanin[mask].float(), delta=1.0)
    fanout = nn.functional.huber_loss(degrees[:, 1], batch.fanout[mask].float(), delta=1.0)
    total = type_loss + degree_weight * (fanin + fanout)
    with torch.no_grad():
        acc = (logits.argmax(-1) == target).float().mean()
    metrics = {f"{prefix}_type_loss": type_loss.detach(), f"{prefix}_fanin_loss": fanin.detach(),
               f"{prefix}_fanout_loss": fanout.detach(), f"{prefix}_type_acc": acc}
    return total, metrics
