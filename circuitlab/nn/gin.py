"""A graph isomorphism network encoder: :class:`GINEncoder`."""

from __future__ import annotations

from torch import nn
from torch_geometric.nn import GINConv, GINEConv

from circuitlab.nn.encoder import Encoder


class GINEncoder(Encoder):
    r"""Residual blocks of :class:`~torch_geometric.nn.GINConv` / ``GINEConv``.

    Each block's convolution is :math:`\mathrm{MLP}((1 + \epsilon) x_i +
    \sum_{j \to i} m_{ji})` with a learned :math:`\epsilon`
    (``train_eps=True``) and the MLP ``Linear(H, H), ReLU, Linear(H, H)``.
    Under ``"not_nodes"`` the message is :math:`m_{ji} = x_j`
    (``GINConv``); under ``"edge_attr"`` it is :math:`\mathrm{ReLU}(x_j +
    W e_{ji} + b)` with the inversion flag :math:`e_{ji}` (``GINEConv``,
    ``edge_dim=1``). The skeleton (embedding, ``res+`` blocks with
    LayerNorm, direction) is :class:`Encoder`'s.

    Xu et al., "How Powerful are Graph Neural Networks?", ICLR 2019,
    https://arxiv.org/abs/1810.00826; GINE from Hu et al., "Strategies for
    Pre-training Graph Neural Networks", ICLR 2020,
    https://arxiv.org/abs/1905.12265; skeleton after MGVGA,
    https://arxiv.org/abs/2502.12732.

    Args:
        config: hyper-parameters with ``backbone == "gin"``.

    Shapes:
        - **input:** a graph or batch with ``N`` nodes and ``B`` graphs.
        - **forward output:** node states ``[N, H]``.
        - **pool output:** ``[B, pool_dim]``.
    """

    backbone = "gin"

    def make_conv(self) -> nn.Module:
        hidden = self.config.hidden
        mlp = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, hidden))
        if self.uses_edge_attr:
            return GINEConv(mlp, train_eps=True, edge_dim=1)
        return GINConv(mlp, train_eps=True)
