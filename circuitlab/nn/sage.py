"""A GraphSAGE encoder: :class:`SAGEEncoder`."""

from __future__ import annotations

from torch import nn
from torch_geometric.nn import SAGEConv

from circuitlab.nn.encoder import Encoder
from circuitlab.nn.inversion_sage_conv import InversionSAGEConv


class SAGEEncoder(Encoder):
    r"""Residual blocks of :class:`~torch_geometric.nn.SAGEConv` (mean aggregation).

    Each block's convolution is :math:`W_1 x_i + W_2 \,\mathrm{mean}_{j \to
    i} x_j` (``SAGEConv(H, H)``). SAGEConv reads no edge features, so under
    the ``"edge_attr"`` encoding it is an :class:`InversionSAGEConv`, which
    averages plain and complemented fan-ins apart. The skeleton (embedding,
    ``res+`` blocks with LayerNorm, direction) is :class:`Encoder`'s.

    Hamilton et al., "Inductive Representation Learning on Large Graphs",
    NeurIPS 2017, https://arxiv.org/abs/1706.02216; skeleton after MGVGA,
    https://arxiv.org/abs/2502.12732.

    Args:
        config: hyper-parameters with ``backbone == "sage"``.

    Shapes:
        - **input:** a graph or batch with ``N`` nodes and ``B`` graphs.
        - **forward output:** node states ``[N, H]``.
        - **pool output:** ``[B, pool_dim]``.
    """

    backbone = "sage"

    def make_conv(self) -> nn.Module:
        hidden = self.config.hidden
        if self.uses_edge_attr:
            return InversionSAGEConv(hidden, hidden)
        return SAGEConv(hidden, hidden)
