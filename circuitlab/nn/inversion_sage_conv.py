"""GraphSAGE with complemented edges averaged apart: :class:`InversionSAGEConv`."""

from __future__ import annotations

from torch import Tensor, nn
from torch_geometric.nn import SAGEConv


class InversionSAGEConv(nn.Module):
    r"""SAGEConv over plain fan-ins plus one over complemented fan-ins.

    .. math::
        x_i' = W_1 x_i + W_2 \,\mathrm{mean}_{j \in P(i)} x_j + b
             + W_3 \,\mathrm{mean}_{j \in C(i)} x_j

    where :math:`P(i)` and :math:`C(i)` are the sources of the plain and of
    the complemented edges into ``i`` (an empty mean is 0). Two native
    :class:`~torch_geometric.nn.SAGEConv` layers, the second without root
    weight or bias: a relational SAGE with two edge types, for the
    ``"edge_attr"`` encoding of :func:`circuitlab.data.to_pyg`.

    Hamilton et al., "Inductive Representation Learning on Large Graphs",
    NeurIPS 2017, https://arxiv.org/abs/1706.02216.

    Args:
        in_channels: width of the input features.
        out_channels: width of the output features.

    Shapes:
        - **input:** node features ``[N, F_in]``, edge indices ``[2, E]``,
          edge inversion flags ``[E, 1]`` (1.0 complemented, 0.0 plain).
        - **output:** ``[N, F_out]``.
    """

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.plain = SAGEConv(in_channels, out_channels)
        self.inverted = SAGEConv(in_channels, out_channels, root_weight=False, bias=False)

    def forward(self, x: Tensor, edge_index: Tensor, edge_attr: Tensor) -> Tensor:
        inverted = edge_attr[:, 0] > 0.5
        return (self.plain(x, edge_index[:, ~inverted])
                + self.inverted(x, edge_index[:, inverted], size=(x.size(0), x.size(0))))
